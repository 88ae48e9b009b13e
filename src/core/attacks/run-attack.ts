/**
 * The shared driver (foolbox's `__call__`): every chore lives here so attacks implement only their steps.
 *  1. check the options by the one range rule (a typo or a value out of range must not silently run);
 *  2. fix the clip range for the whole batch ('paper' or 'pixel');
 *  3. skip images the classifier already gets wrong — not attacked, zero perturbation, success
 *     (targeted runs: skip images already classified as their target);
 *  4. run the attack on the rest, clip, write them back into batch order;
 *  5. predictions, success and per-image norms on the result.
 * Abort: the returned promise rejects with `AttackAbortedError` (name 'AbortError'); no tensors leak.
 */
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { jumpReluBackward } from '../op/gradient-mode';
import { throwIfAborted, yieldAndCheck } from './abort';
import { argmaxRows, gatherRows, scatterRows, take } from './batch';
import { applyClip, clipRange } from './clip-range';
import { makeGoal } from './goal';
import { checkParams, CLIP_SPEC } from './params';
import { perturbationNorms } from './perturbation-norms';
import type { AttackContext, AttackDefinition, AttackResult, RunOptions } from './types';

const RUN_OPTION_KEYS = new Set(['clip', 'signal', 'onProgress', 'clean', 'gradientMode', 'smoothingTau', 'targets']);

export type AttackOptions<O extends object> = Partial<O> & RunOptions;

/**
 * Merges user options over an attack's defaults after the one range rule (params.ts): an unknown key, a
 * value of the wrong type or out of range is refused here with the rule's words — the UI clamps and
 * names such values before it asks, so a refusal here means a caller skipped that step.
 */
export function resolveOptions<O extends object>(attack: AttackDefinition<O>, options: AttackOptions<O>): O {
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    const value = (options as Record<string, unknown>)[key];
    if (!RUN_OPTION_KEYS.has(key) && value !== undefined) own[key] = value;
  }
  const runOnly = options.clip === undefined ? {} : { clip: options.clip };
  const { values, notices } = checkParams(attack.id, [...attack.params, CLIP_SPEC], { ...own, ...runOnly });
  if (notices.length) throw new Error(notices.join(' '));
  delete values.clip;
  return { ...attack.defaults, ...values } as O;
}

/**
 * The classifier the attack's steps see: the same forward pass with the requested JumpReLU backward rule.
 * A classifier without JumpReLU units has one gradient under every rule.
 */
export function attackedClassifier(attack: AttackDefinition<object>, classifier: Classifier, options: RunOptions): Classifier {
  const backward = jumpReluBackward(options.gradientMode, options.smoothingTau);
  if (backward.mode === 'exact') return classifier;
  if (attack.queries) throw new Error(`${attack.id} uses no gradients (it reads ${attack.queries} only): gradient mode "${backward.mode}" does not apply`);
  return classifier.withBackward ? classifier.withBackward(backward) : classifier;
}

/** Top-1 predictions of a classifier on a batch, as JS ints. */
export async function predict(classifier: Classifier, x: tf.Tensor4D): Promise<Int32Array> {
  return Int32Array.from(await take(tf.tidy(() => argmaxRows(classifier.logits(x)))));
}

export function toLabelArray(labels: ArrayLike<number>, n: number): Int32Array {
  if (labels.length !== n) throw new Error(`labels: expected ${n}, got ${labels.length}`);
  return Int32Array.from(labels);
}

/** Per-image target classes, checked against the labels and the classifier's classes. */
function checkTargets(attack: AttackDefinition<object>, targets: ArrayLike<number>, y: Int32Array, numClasses: number): Int32Array {
  if (!attack.targeted) throw new Error(`${attack.id}: has no targeted mode`);
  const t = toLabelArray(targets, y.length);
  t.forEach((k, i) => {
    if (!Number.isInteger(targets[i]) || k < 0 || k >= numClasses) throw new Error(`${attack.id}: target ${String(targets[i])} of image ${i} is not a class (0–${numClasses - 1})`);
    if (k === y[i]) throw new Error(`${attack.id}: the target of image ${i} is its own class ${k}; pick another class`);
  });
  return t;
}

export async function runAttack<O extends object>(
  attack: AttackDefinition<O>,
  classifier: Classifier,
  x: tf.Tensor4D,
  labels: ArrayLike<number>,
  options: AttackOptions<O> = {},
): Promise<AttackResult> {
  const resolved = resolveOptions(attack, options);
  const { signal, onProgress } = options;
  const stepClassifier = attackedClassifier(attack as AttackDefinition<object>, classifier, options);
  throwIfAborted(signal);
  const n = x.shape[0];
  const y = toLabelArray(labels, n);
  const targets = options.targets ? checkTargets(attack, options.targets, y, classifier.numClasses) : null;
  const range = await clipRange(options.clip ?? 'paper', x, classifier.normalization);

  const clean = options.clean ? toLabelArray(options.clean, n) : await predict(classifier, x);
  const rows: number[] = [];
  const reached = (i: number, p: number) => (targets ? p === targets[i] : p !== y[i]);
  for (let i = 0; i < n; i++) if (!reached(i, clean[i])) rows.push(i);

  let last = { iteration: 0, maxIterations: 0 };
  const ctx: AttackContext = {
    classifier: stepClassifier,
    goal: makeGoal(Int32Array.from(rows, (r) => y[r]), targets && Int32Array.from(rows, (r) => targets[r])),
    clip: (t) => applyClip(t, range),
    tick: async (iteration, maxIterations, active) => {
      last = { iteration, maxIterations };
      onProgress?.({ iteration, maxIterations, active, done: n - active });
      await yieldAndCheck(signal);
    },
  };

  const iterations = new Int32Array(n);
  let record: AttackResult['record'];
  let adversarial: tf.Tensor4D;
  if (rows.length === 0) {
    adversarial = tf.clone(x);
  } else {
    const xs = gatherRows(x, rows);
    let out: tf.Tensor4D | null = null;
    try {
      const ys = tf.tensor1d(rows.map((r) => y[r]), 'int32');
      try {
        const result = await attack.run(ctx, xs, ys, resolved);
        out = result.adversarial;
        rows.forEach((r, j) => (iterations[r] = result.iterations[j]));
        if (result.record) record = { rows, data: result.record };
      } finally {
        ys.dispose();
      }
      const clipped = applyClip(out, range);
      adversarial = scatterRows(x, rows, clipped);
      clipped.dispose();
    } finally {
      xs.dispose();
      out?.dispose();
    }
  }

  try {
    const predictions = await predict(classifier, adversarial);
    const success = new Uint8Array(n);
    const skipped = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      success[i] = reached(i, predictions[i]) ? 1 : 0;
      skipped[i] = reached(i, clean[i]) ? 1 : 0;
    }
    const norms = await perturbationNorms(x, adversarial);
    onProgress?.({ ...last, active: 0, done: n });
    return { adversarial, iterations, success, skipped, predictions, ...norms, ...(record ? { record } : {}) };
  } catch (err) {
    adversarial.dispose();
    throw err;
  }
}

/**
 * For an attack picked at run time (registry, UI picker, URL): the option keys and values can only be
 * checked at run time, which `runAttack` does.
 */
export function runAnyAttack(
  attack: AttackDefinition<object>,
  classifier: Classifier,
  x: tf.Tensor4D,
  labels: ArrayLike<number>,
  options: Record<string, unknown> & RunOptions = {},
): Promise<AttackResult> {
  return runAttack(attack, classifier, x, labels, options as AttackOptions<object>);
}
