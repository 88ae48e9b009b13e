/**
 * Adapter from the core attack registry to what the app shows: a descriptor per attack with typed
 * parameter specs (built from each attack's `<NAME>_DEFAULTS`, so defaults are never written twice) and a
 * one-image `run` that goes through the core's shared `runAnyAttack` driver.
 */
import type * as tf from '@tensorflow/tfjs';
import { ATTACKS, runAnyAttack, type RegisteredAttack } from '../core/attacks';
import type { ClipMode } from '../core/attacks/types';
import type { Classifier } from '../core/models/classifier';
import type { AttackDescriptor, DatasetName, ParamSpec, ParamValue } from './protocol';

export interface AttackContext {
  signal: AbortSignal;
  onIteration: (iteration: number, maxIterations: number) => void;
}

export interface AttackOutcome {
  adv: tf.Tensor4D;
  iterations: number;
}

export interface AttackImpl {
  descriptor: AttackDescriptor;
  run(classifier: Classifier, x: tf.Tensor4D, label: number, params: Record<string, ParamValue>,
    ctx: AttackContext): Promise<AttackOutcome>;
}

type Meta = Omit<ParamSpec, 'key' | 'default' | 'kind'> & { kind?: ParamSpec['kind'] };

/** How each option key is presented; the value and its default come from the attack itself. */
const PARAM_META: Record<string, Meta> = {
  steps: { label: 'Max iterations', kind: 'integer', min: 1, max: 2000, step: 1, doc: 'Paper: 40 (MNIST), 7 (CIFAR-10); Trust Region 1000' },
  overshoot: { label: 'Overshoot', min: 0, max: 1, step: 0.01, doc: 'Extra push past the boundary; paper ×1.02' },
  stepRule: { label: 'Overshoot rule', kind: 'enum', options: ['paper', 'library'], doc: 'paper: each step ×1.02; library: on the total' },
  candidates: { label: 'Candidate classes', kind: 'integer', min: 1, max: 10, step: 1, nullable: true, doc: 'Empty = all other classes (paper)' },
  epsilon: { label: 'ε (normalised units)', min: 0, max: 3, step: 0.001, doc: 'Step or radius in the normalised input space' },
  stepSize: { label: 'Step α', min: 0, max: 1, step: 0.001, doc: 'Madry MNIST: 0.01' },
  randomStart: { label: 'Random start', kind: 'boolean', doc: 'Start from a random point of the ε-ball' },
  seed: { label: 'Seed', kind: 'integer', min: 0, max: 2 ** 31 - 1, step: 1, doc: 'Makes the random start reproducible' },
  radius: { label: 'Trust radius', min: 0.0001, max: 1, step: 0.001, doc: 'Paper: 0.01 (normalised units)' },
  adaptiveRadius: { label: 'Adaptive radius', kind: 'boolean', doc: 'Grow/shrink the radius by how well the step did; paper: fixed' },
  clip: { label: 'Clip range', kind: 'enum', options: ['paper', 'pixel'], doc: 'paper: the image\'s own min/max (authors); pixel: [0, 1]' },
};

/** Where an attack's option needs another range than PARAM_META's (L2 radii are larger than L∞ ones). */
const PARAM_META_BY_ATTACK: Record<string, Record<string, Partial<Meta>>> = {
  'pgd-l2': {
    epsilon: { max: 30, step: 0.01, doc: 'Radius of the L2 ball, normalised units (an MNIST image has ‖x‖₂ ≈ 30)' },
    stepSize: { max: 5, step: 0.001, doc: 'L2 length of each step; rule of thumb 2.5·ε/steps' },
  },
};

const SUMMARY: Record<string, string> = {
  fgsm: 'One step of size ε along the sign of the loss gradient.',
  ifgsm: 'FGSM steps of size ε, repeated only while the image is still classified correctly (the paper\'s "PGD").',
  pgd: 'Madry PGD: random start in the ε-ball, signed steps of size α, projected back onto the ball.',
  'pgd-l2': 'Madry PGD in L2: random start in the ε-ball, gradient steps of L2 length α, projected back onto the ball.',
  'deepfool-l2': 'Steps to the nearest linearised class boundary until the label flips: a minimal L2 push.',
  'deepfool-linf': 'DeepFool measured in L∞: the smallest uniform per-pixel push that crosses the nearest boundary.',
  'trust-region-l2': 'Small first-order steps (at most the trust radius) towards one target class\'s boundary.',
  'trust-region-linf': 'Trust Region with an L∞ radius: every pixel moves at most the radius per step.',
};

/** The paper's per-dataset settings where they differ from the attack's defaults. */
const PAPER_BY_DATASET: Record<string, Partial<Record<DatasetName, Record<string, ParamValue>>>> = {
  'deepfool-l2': { mnist: { steps: 40 }, cifar10: { steps: 7 } },
  'deepfool-linf': { mnist: { steps: 40 }, cifar10: { steps: 7 } },
  ifgsm: { mnist: { steps: 40 }, cifar10: { steps: 7 } },
};

/** Order of the picker: the paper's headline attacks first. */
const ORDER = ['deepfool-l2', 'deepfool-linf', 'ifgsm', 'pgd', 'pgd-l2', 'fgsm', 'trust-region-l2', 'trust-region-linf'];

function specs(id: string, defaults: Readonly<Record<string, unknown>>): ParamSpec[] {
  const out: ParamSpec[] = [];
  for (const [key, value] of Object.entries({ ...defaults, clip: 'paper' })) {
    const meta: Meta = { ...(PARAM_META[key] ?? { label: key }), ...PARAM_META_BY_ATTACK[id]?.[key] };
    const kind = meta.kind ?? (typeof value === 'boolean' ? 'boolean' : typeof value === 'string' ? 'enum' : 'number');
    const def = value === null || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : String(value);
    out.push({ ...meta, key, kind, default: def, options: meta.options ?? (kind === 'enum' ? [String(value)] : undefined) });
  }
  return out;
}

function adapt(attack: RegisteredAttack): AttackImpl {
  const def = attack as unknown as { id: string; name: string; distance: 'l2' | 'linf'; defaults: Readonly<Record<string, unknown>> };
  return {
    descriptor: {
      id: def.id, label: def.name, norm: def.distance, summary: SUMMARY[def.id] ?? '',
      params: specs(def.id, def.defaults), paperByDataset: PAPER_BY_DATASET[def.id] ?? {},
    },
    async run(classifier, x, label, params, ctx) {
      const { clip, ...own } = params;
      const known = Object.fromEntries(Object.entries(own).filter(([k]) => k in def.defaults));
      const result = await runAnyAttack(attack as Parameters<typeof runAnyAttack>[0], classifier, x, [label], {
        ...known,
        clip: (clip === 'pixel' ? 'pixel' : 'paper') as ClipMode,
        signal: ctx.signal,
        onProgress: (p) => ctx.onIteration(p.iteration, p.maxIterations),
      });
      return { adv: result.adversarial, iterations: result.iterations[0] };
    },
  };
}

export function attackImpls(): AttackImpl[] {
  const all = Object.values(ATTACKS) as RegisteredAttack[];
  const rank = (id: string) => (ORDER.indexOf(id) + ORDER.length + 1) % (ORDER.length + 1);
  return all.map(adapt).sort((a, b) => rank(a.descriptor.id) - rank(b.descriptor.id));
}
