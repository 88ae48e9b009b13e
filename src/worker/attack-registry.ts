/**
 * Adapter from the core attack catalogue to what the app shows: a descriptor per attack (its specs come
 * from the attack's own file, plus the clip range every attack takes) and a one-image `run` through the
 * core's shared `runAnyAttack` driver, which applies the range rule.
 */
import type * as tf from '@tensorflow/tfjs';
import { ATTACKS, CLIP_SPEC, runAnyAttack, type ClipMode, type RegisteredAttack } from '../core/attacks';
import type { Classifier } from '../core/models/classifier';
import type { AttackDescriptor, GradientMode, ParamValue } from './protocol';

export interface AttackContext {
  signal: AbortSignal;
  onIteration: (iteration: number, maxIterations: number) => void;
  /** JumpReLU's backward rule for this run's gradients; absent: exact. */
  gradientMode?: GradientMode;
  smoothingTau?: number;
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

function adapt(attack: RegisteredAttack): AttackImpl {
  return {
    descriptor: {
      id: attack.id, label: attack.name, norm: attack.distance, summary: attack.summary, params: [...attack.params, CLIP_SPEC],
      kind: attack.kind, usesGradients: !('queries' in attack && attack.queries),
    },
    async run(classifier, x, label, params, ctx) {
      const { clip, ...own } = params;
      const result = await runAnyAttack(attack as Parameters<typeof runAnyAttack>[0], classifier, x, [label], {
        ...own,
        ...(clip === undefined ? {} : { clip: clip as ClipMode }),
        // Gradient-free attacks refuse any mode but exact, so theirs is left unset.
        ...(ctx.gradientMode ? { gradientMode: ctx.gradientMode, smoothingTau: ctx.smoothingTau } : {}),
        signal: ctx.signal,
        onProgress: (p) => ctx.onIteration(p.iteration, p.maxIterations),
      });
      return { adv: result.adversarial, iterations: result.iterations[0] };
    },
  };
}

/** In the catalogue's order (the picker's). */
export function attackImpls(): AttackImpl[] {
  return (Object.values(ATTACKS) as RegisteredAttack[]).map(adapt);
}
