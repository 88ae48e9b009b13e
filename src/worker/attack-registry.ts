/**
 * The attacks the app offers. The only file that knows where attack implementations come from: today the
 * interim set, later an adapter over the core registry (src/core/attacks).
 */
import { INTERIM_ATTACKS, type AttackImpl } from './interim-attacks';

export type { AttackImpl };

export function attackImpls(): AttackImpl[] {
  return INTERIM_ATTACKS;
}
