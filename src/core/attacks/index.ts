/**
 * The attack registry and catalogue: every attack by id, with its kind, distance, summary, documented
 * defaults and parameter specs (params.ts). The UI builds its picker and boxes from this list, in this
 * order; the paper protocol, the reproduction script and the metrics look attacks up here. Adding an
 * attack: one file exporting an `AttackDefinition`, plus one line below.
 */
import { apgdCeL2, apgdCeLinf } from './apgd-ce';
import { apgdTL2, apgdTLinf } from './apgd-t';
import { deepFoolL2, deepFoolLinf } from './deepfool';
import { eotPgd } from './eot-pgd';
import { fgsm } from './fgsm';
import { fmnL2, fmnLinf } from './fmn';
import { hopSkipJump } from './hop-skip-jump';
import { ifgsm } from './ifgsm';
import { pgd, pgdL2 } from './pgd';
import { squareL2, squareLinf } from './square';
import { trustRegionL2, trustRegionLinf } from './trust-region';

/** Keys equal each attack's `id` (checked by the registry test). Picker order: the paper's headline attacks first. */
export const ATTACKS = {
  'deepfool-l2': deepFoolL2,
  'deepfool-linf': deepFoolLinf,
  ifgsm,
  pgd,
  'pgd-l2': pgdL2,
  fgsm,
  'trust-region-l2': trustRegionL2,
  'trust-region-linf': trustRegionLinf,
  'fmn-l2': fmnL2,
  'fmn-linf': fmnLinf,
  'square-linf': squareLinf,
  'square-l2': squareL2,
  'eot-pgd': eotPgd,
  'hop-skip-jump': hopSkipJump,
  'apgd-ce-linf': apgdCeLinf,
  'apgd-ce-l2': apgdCeL2,
  'apgd-t-linf': apgdTLinf,
  'apgd-t-l2': apgdTL2,
} as const;

export type RegisteredAttack = (typeof ATTACKS)[keyof typeof ATTACKS];
export type AttackId = keyof typeof ATTACKS;

export const ATTACK_IDS = Object.keys(ATTACKS) as AttackId[];

export function getAttack(id: string): RegisteredAttack {
  const attack = (ATTACKS as Record<string, RegisteredAttack>)[id];
  if (!attack) throw new Error(`unknown attack "${id}" (known: ${ATTACK_IDS.join(', ')})`);
  return attack;
}

export { runAnyAttack, runAttack } from './run-attack';
export { AttackAbortedError, throwIfAborted } from './abort';
export { CLIP_SPEC, checkParams, paperValues } from './params';
export type { ParamSpec, ParamValue } from './params';
export type { AttackOptions } from './run-attack';
export type * from './types';
