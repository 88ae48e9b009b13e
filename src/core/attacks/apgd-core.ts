/**
 * The APGD loop shared by APGD-CE (apgd-ce.ts) and APGD-T (apgd-t.ts) — Croce & Hein, "Reliable
 * evaluation of adversarial robustness with an ensemble of diverse parameter-free attacks", ICML 2020,
 * arXiv:2003.01690, Algorithm 1 and §3; details checked against the authors' code (github.com/fra31/
 * auto-attack, autoattack/autopgd_base.py, `APGDAttack.attack_single_run`). Written from the paper; no
 * code copied.
 *
 * One run, every image every iteration (as the reference; no early stop inside a run):
 *  - start: x⁰ = P(x + ε·t/‖t‖) with t uniform in [−1, 1]ᵈ (L∞) or Gaussian (L2), as the reference
 *    (a point on the ball's surface, then clipped); or x⁰ = x without a random start;
 *  - step (momentum α = 0.75; α = 1 at the first step, as the reference):
 *      z = P(xᵏ + η·dir(∇f(xᵏ)))     dir = sign (L∞) or g/‖g‖₂ (L2)
 *      xᵏ⁺¹ = P(xᵏ + α(z − xᵏ) + (1 − α)(xᵏ − xᵏ⁻¹))
 *    P: onto the ε-ball around x, then into the input box (the reference's order);
 *  - η starts at 2ε per image; at each checkpoint w_j (`apgdCheckpoints`) η halves, and the iterate
 *    restarts from the best point x_max (with its gradient), if (condition 1) fewer than ρ·(w_j − w_{j−1})
 *    of the steps since the last checkpoint raised the loss, or (condition 2) η was not halved at the
 *    last checkpoint and the best loss has not risen since (`shouldHalve`);
 *  - the result per image: the last adversarial iterate seen, if any (the reference's x_best_adv); else
 *    the point of highest loss.
 * Deviations from the reference, each a place where it departs from the paper's text: condition 1
 * counts strictly below ρ·period (paper: "<"; the reference uses "≤"), and the first period's first
 * comparison is against f(x⁰) (the reference compares with an unset zero). EOT (eotSamples > 1)
 * averages the gradient over R passes, as the reference's `eot_iter`; the loss is averaged too (the
 * reference keeps the last pass's), the prediction is the last pass's (as the reference).
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows, perImage, scatterRows } from './batch';
import { crossEntropySum, logitsAndGradient } from './gradients';
import { NORMS, type NormStrategy } from './norms';
import type { AttackContext, Distance } from './types';

/** Which loss a run ascends (per image, from the logits z). */
export type ApgdLoss = 'ce' | 'ce-targeted' | 'dlr' | 'dlr-targeted';

export interface ApgdSettings extends ApgdOptions {
  distance: Distance;
  loss: ApgdLoss;
  /** The class each row aims at, for the targeted losses. */
  targets?: Int32Array;
  /** Whether row i, now predicted as `prediction`, counts as adversarial. */
  isAdversarial(i: number, prediction: number): boolean;
}

/** What one run saw, per image (rows of the `x` given): the data the attack-failure indicators read. */
export interface ApgdRun {
  /** The point returned per image (see the header); ownership passes to the caller. */
  adversarial: tf.Tensor4D;
  /** Highest loss reached. */
  bestLoss: Float64Array;
  /** Loss at x⁰, x¹, …, x^steps (trace[k][i], before any restart replaces the iterate). */
  trace: Float64Array[];
  /** An adversarial iterate was seen during the run (the silent-success check compares this with the result). */
  everAdversarial: Uint8Array;
  /** Step-size halvings per image, and η at the end. */
  halvings: Int32Array;
  finalStepSize: Float64Array;
  /** Iterations whose gradient (EOT mean) was exactly zero for the image (zero-gradient share). */
  zeroGradients: Int32Array;
}

// ---- the schedule (pure functions) ----

/**
 * The paper's checkpoint fractions: p₀ = 0, p₁ = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06),
 * up to 1 (exclusive).
 */
export function apgdCheckpointFractions(): number[] {
  const p = [0, 0.22];
  for (;;) {
    const j = p.length - 1;
    const next = p[j] + Math.max(p[j] - p[j - 1] - 0.03, 0.06);
    if (next >= 1 - 1e-12) return p;
    p.push(next);
  }
}

/**
 * The iterations (counted from 1) after which the step size is checked, in the reference's integer
 * form: a first period of ⌊0.22·N⌋, each next one ⌊0.03·N⌋ shorter but at least ⌊0.06·N⌋ (each ≥ 1).
 * For N = 100: 22, 41, 57, 70, 80, 87, 93, 99 — the paper's ⌈p_j·N⌉.
 */
export function apgdCheckpoints(steps: number): number[] {
  const atLeastOne = (v: number) => Math.max(Math.floor(v), 1);
  let period = atLeastOne(0.22 * steps);
  const shorter = atLeastOne(0.03 * steps);
  const shortest = atLeastOne(0.06 * steps);
  const out: number[] = [];
  for (let w = period; w <= steps; w += period) {
    out.push(w);
    period = Math.max(period - shorter, shortest);
  }
  return out;
}

export interface CheckpointState {
  /** Steps since the last checkpoint that raised the loss: #{k : f(x^{k+1}) > f(x^k)}. */
  increases: number;
  /** w_j − w_{j−1}. */
  period: number;
  rho: number;
  /** η was halved at the last checkpoint (true before the first, as the reference). */
  halvedLast: boolean;
  bestLoss: number;
  bestLossAtLastCheckpoint: number;
}

/** Condition 1 or condition 2 of the paper (§3.2): halve η and restart from the best point. */
export function shouldHalve(s: CheckpointState): boolean {
  const oscillating = s.increases < s.rho * s.period;
  const stalled = !s.halvedLast && s.bestLoss <= s.bestLossAtLastCheckpoint;
  return oscillating || stalled;
}

// ---- losses ----

const TINY = 1e-12;

/** Per-row order of the logits, largest first. */
function order(z: ArrayLike<number>, row: number, c: number): number[] {
  return Array.from({ length: c }, (_, k) => k).sort((a, b) => z[row * c + b] - z[row * c + a] || a - b);
}

/** The largest logit other than the label's. */
function strongestOther(z: ArrayLike<number>, row: number, c: number, y: number): number {
  let best = -1;
  for (let k = 0; k < c; k++) if (k !== y && (best < 0 || z[row * c + k] > z[row * c + best])) best = k;
  return best;
}

/**
 * The loss of row `row` of logits z [n, c] (float64): CE = log Σ exp z − z_y; −CE towards t;
 * DLR = −(z_y − max_{i≠y} z_i)/(z_π1 − z_π3 + 1e-12); targeted DLR = −(z_y − z_t)/(z_π1 − (z_π3 + z_π4)/2 + 1e-12)
 * (π the classes by decreasing logit; paper eqs. (6) and (7)).
 */
export function apgdLossValue(loss: ApgdLoss, z: ArrayLike<number>, row: number, c: number, y: number, t = -1): number {
  const at = (k: number) => z[row * c + k];
  if (loss === 'ce' || loss === 'ce-targeted') {
    const cls = loss === 'ce' ? y : t;
    let m = -Infinity;
    for (let k = 0; k < c; k++) m = Math.max(m, at(k));
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.exp(at(k) - m);
    const ce = m + Math.log(s) - at(cls);
    return loss === 'ce' ? ce : -ce;
  }
  const pi = order(z, row, c);
  if (loss === 'dlr') return -(at(y) - at(strongestOther(z, row, c, y))) / (at(pi[0]) - at(pi[2]) + TINY);
  return -(at(y) - at(t)) / (at(pi[0]) - (at(pi[2]) + at(fourth(pi))) / 2 + TINY);
}

/**
 * π4 of the targeted DLR; with 3 classes π3 stands in (the denominator becomes z_π1 − z_π3, as the
 * untargeted DLR's), our extension: the reference needs 4 classes. Two classes have no DLR at all (its
 * scale would be the margin itself, so the loss would be ±1 with a zero gradient).
 */
const fourth = (pi: number[]) => pi[Math.min(3, pi.length - 1)];

/** The fewest classes each loss is defined for (DLR reads z_π3; targeted DLR z_π4). */
export const LOSS_MIN_CLASSES: Record<ApgdLoss, number> = { ce: 2, 'ce-targeted': 2, dlr: 3, 'dlr-targeted': 3 };

/**
 * Σ_i loss_i as a differentiable function of the logits. The DLR ranks (π, the strongest other class) are
 * read from this same pass's logits (under randomized κ each pass is another network) and enter as
 * constant one-hot masks: the loss is piecewise smooth in z, and the gradient is that of the current piece.
 */
function lossObjective(loss: ApgdLoss, labels: Int32Array, targets: Int32Array | undefined, c: number) {
  if (loss === 'ce' || loss === 'ce-targeted') {
    const cls = tf.tensor1d(loss === 'ce' ? labels : targets!, 'int32');
    const ce = crossEntropySum(cls, c);
    return { objective: (z: tf.Tensor2D) => (loss === 'ce' ? ce(z) : tf.neg(ce(z)) as tf.Scalar), dispose: () => cls.dispose() };
  }
  const objective = (z: tf.Tensor2D): tf.Scalar => {
    const n = z.shape[0];
    const v = z.dataSync();
    const num = new Float32Array(n * c);
    const den = new Float32Array(n * c);
    for (let i = 0; i < n; i++) {
      const y = labels[i];
      const pi = order(v, i, c);
      const other = loss === 'dlr' ? strongestOther(v, i, c, y) : targets![i];
      // numerator z_y − z_other; denominator z_π1 − z_π3 (or − (z_π3 + z_π4)/2)
      num[i * c + y] += 1;
      num[i * c + other] -= 1;
      den[i * c + pi[0]] += 1;
      if (loss === 'dlr') den[i * c + pi[2]] -= 1;
      else {
        den[i * c + pi[2]] -= 0.5;
        den[i * c + fourth(pi)] -= 0.5;
      }
    }
    const dot = (m: Float32Array) => tf.sum(tf.mul(z, tf.tensor2d(m, [n, c])), 1);
    return tf.sum(tf.neg(tf.div(dot(num), tf.add(dot(den), TINY))));
  };
  return { objective, dispose: () => undefined };
}

// ---- one step (exported for its test) ----

/**
 * xᵏ⁺¹ = P(xᵏ + α(z − xᵏ) + (1 − α)(xᵏ − xᵏ⁻¹)), z = P(xᵏ + η·dir(g)); P projects onto the ε-ball around
 * x0, then `clip`s. η per image.
 */
export function apgdStep(norm: NormStrategy, x0: tf.Tensor4D, xk: tf.Tensor4D, xPrev: tf.Tensor4D, gradient: tf.Tensor4D,
  eta: Float64Array | number[], alpha: number, epsilon: number, clip: (t: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const project = (p: tf.Tensor) => clip(tf.add(x0, norm.project(tf.sub(p, x0), epsilon)) as tf.Tensor4D);
    const step = perImage(tf.tensor1d(Float32Array.from(eta)), 4);
    const z = project(tf.add(xk, tf.mul(norm.stepDirection(gradient), step)));
    return project(tf.add(tf.add(xk, tf.mul(tf.sub(z, xk), alpha)), tf.mul(tf.sub(xk, xPrev), 1 - alpha)));
  });
}

/** The reference's start: x + ε·t/‖t‖, t uniform in [−1, 1]ᵈ (L∞) or Gaussian (L2); clipped by the caller. */
function startNoise(distance: Distance, shape: number[], epsilon: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const t = distance === 'linf' ? tf.randomUniform(shape, -1, 1, 'float32', seed) : tf.randomNormal(shape, 0, 1, 'float32', seed);
    const size = perImage(tf.add(NORMS[distance].norm(t), TINY), 4);
    return tf.mul(tf.div(t, size), epsilon) as tf.Tensor4D;
  });
}

/** `target` with the rows flagged in `rows` taken from `source` (a select: bit-exact copies). */
function withRows(target: tf.Tensor4D, rows: Uint8Array, source: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.where(tf.broadcastTo(tf.tensor4d(rows, [rows.length, 1, 1, 1], 'bool'), target.shape), source, target));
}

interface Evaluation {
  gradient: tf.Tensor4D;
  loss: Float64Array;
  predictions: Int32Array;
  zero: Uint8Array;
}

/** One APGD run on the rows of x (see the header). `labels` per row; `ctx` for the classifier, clip and tick. */
export async function apgdRun(ctx: AttackContext, x: tf.Tensor4D, labels: Int32Array, s: ApgdSettings,
  tickOffset = 0, tickTotal = s.steps): Promise<ApgdRun> {
  const n = x.shape[0];
  const c = ctx.classifier.numClasses;
  const norm = NORMS[s.distance];
  const { objective, dispose: disposeObjective } = lossObjective(s.loss, labels, s.targets, c);

  const evaluate = async (at: tf.Tensor4D): Promise<Evaluation> => {
    let sum: tf.Tensor4D | null = null;
    const loss = new Float64Array(n);
    let last: Float32Array = new Float32Array(0);
    try {
      for (let r = 0; r < s.eotSamples; r++) {
        const { logits, gradient } = logitsAndGradient(ctx.classifier, at, objective);
        last = (await logits.data()) as Float32Array;
        logits.dispose();
        for (let i = 0; i < n; i++) loss[i] += apgdLossValue(s.loss, last, i, c, labels[i], s.targets?.[i]) / s.eotSamples;
        const next: tf.Tensor4D = sum === null ? gradient : tf.add(sum, gradient);
        if (sum !== null) tf.dispose([sum, gradient]);
        sum = next;
      }
      // The sign and the direction of the sum are those of the mean.
      const size = tf.tidy(() => tf.sum(tf.abs(tf.reshape(sum!, [n, -1])), 1));
      const zero = Uint8Array.from(await size.data(), (v) => (v === 0 ? 1 : 0));
      size.dispose();
      const predictions = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let k = 1; k < c; k++) if (last[i * c + k] > last[i * c + best]) best = k;
        predictions[i] = best;
      }
      return { gradient: sum!, loss, predictions, zero };
    } catch (err) {
      sum?.dispose();
      throw err;
    }
  };

  // The run's tensors; each slot is disposed when replaced, and all of them at the end (also when aborted).
  const st: Record<'xk' | 'xPrev' | 'grad' | 'xBest' | 'gradBest' | 'bestAdv', tf.Tensor4D | null> =
    { xk: null, xPrev: null, grad: null, xBest: null, gradBest: null, bestAdv: null };
  const set = (key: keyof typeof st, t: tf.Tensor4D): tf.Tensor4D => {
    const old = st[key];
    st[key] = t;
    if (old && !Object.values(st).includes(old)) old.dispose();
    return t;
  };

  try {
    set('xk', s.randomStart
      ? tf.tidy(() => ctx.clip(tf.add(x, norm.project(startNoise(s.distance, x.shape, s.epsilon, s.seed), s.epsilon)) as tf.Tensor4D))
      : tf.clone(x));
    set('xPrev', tf.clone(st.xk!));
    const first = await evaluate(st.xk!);
    set('grad', first.gradient);
    set('xBest', tf.clone(st.xk!));
    set('gradBest', tf.clone(first.gradient));
    set('bestAdv', tf.clone(st.xk!));
    const bestLoss = Float64Array.from(first.loss);
    const trace: Float64Array[] = [Float64Array.from(first.loss)];
    const everAdversarial = Uint8Array.from(first.predictions, (p, i) => (s.isAdversarial(i, p) ? 1 : 0));
    const zeroGradients = Int32Array.from(first.zero);
    const eta = new Float64Array(n).fill(2 * s.epsilon);
    const halvings = new Int32Array(n);
    const halvedLast = new Uint8Array(n).fill(1);
    let bestAtLastCheck = Float64Array.from(bestLoss);
    const checkpoints = new Set(apgdCheckpoints(s.steps));
    let lastCheckpoint = 0;

    for (let k = 0; k < s.steps; k++) {
      await ctx.tick(tickOffset + k, tickTotal, n);
      const next = apgdStep(norm, x, st.xk!, st.xPrev!, st.grad!, eta, k > 0 ? s.momentum : 1, s.epsilon, ctx.clip);
      set('xPrev', st.xk!);
      set('xk', next);
      const e = await evaluate(next);
      set('grad', e.gradient);
      trace.push(e.loss);
      const adversarial = Uint8Array.from(e.predictions, (p, i) => (s.isAdversarial(i, p) ? 1 : 0));
      const improved = Uint8Array.from(e.loss, (v, i) => (v > bestLoss[i] ? 1 : 0));
      for (let i = 0; i < n; i++) {
        everAdversarial[i] |= adversarial[i];
        zeroGradients[i] += e.zero[i];
        if (improved[i]) bestLoss[i] = e.loss[i];
      }
      if (adversarial.some((v) => v)) set('bestAdv', withRows(st.bestAdv!, adversarial, next));
      if (improved.some((v) => v)) {
        set('xBest', withRows(st.xBest!, improved, next));
        set('gradBest', withRows(st.gradBest!, improved, e.gradient));
      }
      if (checkpoints.has(k + 1)) {
        const period = k + 1 - lastCheckpoint;
        const halve = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          let increases = 0;
          for (let j = lastCheckpoint; j <= k; j++) if (trace[j + 1][i] > trace[j][i]) increases++;
          halve[i] = shouldHalve({ increases, period, rho: s.rho, halvedLast: halvedLast[i] === 1, bestLoss: bestLoss[i], bestLossAtLastCheckpoint: bestAtLastCheck[i] }) ? 1 : 0;
          if (halve[i]) {
            eta[i] /= 2;
            halvings[i]++;
          }
        }
        halvedLast.set(halve);
        bestAtLastCheck = Float64Array.from(bestLoss);
        lastCheckpoint = k + 1;
        if (halve.some((v) => v)) {
          set('xk', withRows(st.xk!, halve, st.xBest!));
          set('grad', withRows(st.grad!, halve, st.gradBest!));
        }
      }
    }
    const adversarial = withRows(st.xBest!, everAdversarial, st.bestAdv!);
    return { adversarial, bestLoss, trace, everAdversarial, halvings, finalStepSize: eta, zeroGradients };
  } finally {
    tf.dispose(Object.values(st).filter((t): t is tf.Tensor4D => t !== null));
    disposeObjective();
  }
}

/** Settings checks shared by both attacks: clear messages instead of a silent wrong run. */
export function checkApgdSettings(id: string, s: { epsilon: number; steps: number; rho: number; momentum: number; eotSamples: number }, classes: number, loss: ApgdLoss): void {
  if (!(Number.isFinite(s.epsilon) && s.epsilon >= 0)) throw new Error(`${id}: epsilon must be a finite number ≥ 0, got ${String(s.epsilon)}`);
  if (!(Number.isInteger(s.steps) && s.steps >= 0)) throw new Error(`${id}: steps must be an integer ≥ 0, got ${String(s.steps)}`);
  if (!(s.rho >= 0 && s.rho <= 1)) throw new Error(`${id}: rho must lie in [0, 1], got ${String(s.rho)}`);
  if (!(s.momentum > 0 && s.momentum <= 1)) throw new Error(`${id}: momentum must lie in (0, 1], got ${String(s.momentum)}`);
  if (!(Number.isInteger(s.eotSamples) && s.eotSamples >= 1)) throw new Error(`${id}: eotSamples must be an integer ≥ 1, got ${String(s.eotSamples)}`);
  if (classes < LOSS_MIN_CLASSES[loss]) {
    throw new Error(`${id}: the ${loss} loss needs at least ${LOSS_MIN_CLASSES[loss]} classes (it divides by z_π1 − z_π3, the gap to the 3rd largest logit); this classifier has ${classes}`);
  }
}

// ---- the two attacks' drivers ----

/** The options both APGD attacks show (apgd-ce.ts, apgd-t.ts). */
export interface ApgdOptions {
  epsilon: number;
  steps: number;
  /** ρ of condition 1; paper: 0.75. */
  rho: number;
  /** α of the momentum step; paper: 0.75. */
  momentum: number;
  randomStart: boolean;
  seed: number;
  /** Passes averaged per gradient (EOT against randomized κ); 1 for a deterministic classifier. */
  eotSamples: number;
}

/** One run of a multi-run attack (APGD-T: one per target class) and the rows of `x` it attacked. */
export interface ApgdRunRecord {
  rows: number[];
  /** The target rank (1 = the strongest other class at the start), APGD-T untargeted only. */
  targetRank?: number;
  run: Omit<ApgdRun, 'adversarial'>;
}

/** An attack's whole outcome per image (rows of the `x` given to `run`). */
export interface ApgdOutcome {
  adversarial: tf.Tensor4D;
  iterations: Int32Array;
  /** An adversarial point was seen in some run. */
  everAdversarial: Uint8Array;
  /** Highest loss over the image's runs (APGD-T: the targeted DLR of each run's own target). */
  bestLoss: Float64Array;
  runs: ApgdRunRecord[];
}

/**
 * APGD-CE: one run on the cross-entropy (targeted: −CE of the target). APGD-T: the targeted DLR loss —
 * untargeted, one run per target class among the `targetClasses` strongest other classes at the start
 * (AutoAttack's default 9), each on the images no earlier run fooled, as the reference's
 * `APGDAttack_targeted.perturb`; with a goal target, one run towards it. Per image the result is an
 * adversarial point if any run found one, else the highest-loss point of its runs.
 */
export async function runApgd(ctx: AttackContext, id: string, distance: Distance, x: tf.Tensor4D, labels: tf.Tensor1D,
  o: ApgdOptions, kind: 'ce' | 'dlr-targeted', targetClasses = 9): Promise<ApgdOutcome> {
  const n = x.shape[0];
  const c = ctx.classifier.numClasses;
  const { goal } = ctx;
  const loss: ApgdLoss = kind === 'ce' ? (goal.targeted ? 'ce-targeted' : 'ce') : 'dlr-targeted';
  checkApgdSettings(id, o, c, loss);
  const y = Int32Array.from(await labels.data());
  const goalTargets = goal.targeted ? Int32Array.from({ length: n }, (_, i) => goal.target(i)) : undefined;
  const settings = (rows: number[], seed: number, targets?: Int32Array): ApgdSettings => ({
    distance, ...o, seed, loss, targets,
    isAdversarial: (i, p) => goal.reached(rows[i], p),
  });
  const all = Array.from({ length: n }, (_, i) => i);
  if (kind === 'ce' || goal.targeted) {
    const run = await apgdRun(ctx, x, y, settings(all, o.seed, goalTargets));
    const { adversarial, ...rest } = run;
    return { adversarial, iterations: new Int32Array(n).fill(o.steps), everAdversarial: run.everAdversarial, bestLoss: run.bestLoss, runs: [{ rows: all, run: rest }] };
  }

  // Untargeted APGD-T: the target ranks from the clean logits (one pass; a randomized classifier's draw).
  const ranks = Math.min(targetClasses, c - 1);
  const cleanLogits = ctx.classifier.logits(x);
  const clean = await cleanLogits.array();
  cleanLogits.dispose();
  const classes = Array.from({ length: c }, (_, k) => k);
  const byStrength = clean.map((row, i) => classes.filter((k) => k !== y[i]).sort((a, b) => row[b] - row[a] || a - b));
  const iterations = new Int32Array(n);
  const everAdversarial = new Uint8Array(n);
  const bestLoss = new Float64Array(n).fill(-Infinity);
  const runs: ApgdRunRecord[] = [];
  let result = tf.clone(x);
  try {
    for (let r = 0; r < ranks; r++) {
      const rows = all.filter((i) => !everAdversarial[i]);
      if (rows.length === 0) break;
      const xs = gatherRows(x, rows);
      let run: ApgdRun;
      try {
        const targets = Int32Array.from(rows, (i) => byStrength[i][r]);
        run = await apgdRun(ctx, xs, Int32Array.from(rows, (i) => y[i]), settings(rows, o.seed + r, targets),
          r * o.steps, ranks * o.steps);
      } finally {
        xs.dispose();
      }
      const { adversarial, ...rest } = run;
      runs.push({ rows, targetRank: r + 1, run: rest });
      // Keep a row's point if it fooled now, or if no run fooled it and this run's loss is its highest.
      const take = rows.flatMap((i, j) => (run.everAdversarial[j] || run.bestLoss[j] > bestLoss[i] ? [j] : []));
      rows.forEach((i, j) => {
        iterations[i] += o.steps;
        everAdversarial[i] |= run.everAdversarial[j];
        bestLoss[i] = Math.max(bestLoss[i], run.bestLoss[j]);
      });
      if (take.length) {
        const picked = gatherRows(adversarial, take);
        const next = scatterRows(result, take.map((j) => rows[j]), picked);
        tf.dispose([picked, result]);
        result = next;
      }
      adversarial.dispose();
    }
  } catch (err) {
    result.dispose();
    throw err;
  }
  return { adversarial: result, iterations, everAdversarial, bestLoss, runs };
}
