/** The core's attack catalogue as the picker shows it: each attack's specs, then the clip range every attack takes. */
import { ATTACKS, CLIP_SPEC, type RegisteredAttack } from '../core/attacks';
import type { AttackDescriptor } from './jobs';

export function attackDescriptors(): AttackDescriptor[] {
  return (Object.values(ATTACKS) as RegisteredAttack[]).map((a) => ({
    id: a.id, label: a.name, norm: a.distance, summary: a.summary, params: [...a.params, CLIP_SPEC],
    kind: a.kind, usesGradients: !('queries' in a && a.queries),
  }));
}
