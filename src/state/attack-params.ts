/**
 * The attack parameters the UI holds, through the core's one range rule (core/attacks/params.ts): a link's
 * values are clamped or refused with a notice once the catalogue is known; a number box's value is
 * refused with the same words before it is stored. Pure.
 */
import { checkParams, paperValues, type ParamCheck } from '../core/attacks/params';
import type { AttackDescriptor, ParamValue } from '../worker/jobs';
import type { AppState } from './app-state';

/** Defaults, overlaid by the paper's values on the loaded data set, overlaid by the user's edits. */
export function attackParamsFor(s: Pick<AppState, 'attacks' | 'dataset' | 'attackParams'>, attackId: string): Record<string, ParamValue> {
  const d = s.attacks.find((a) => a.id === attackId);
  if (!d) return { ...s.attackParams[attackId] };
  const base = s.dataset ? paperValues(d.params, s.dataset.dataset) : Object.fromEntries(d.params.map((p) => [p.key, p.default]));
  return { ...base, ...s.attackParams[attackId] };
}

/** The rule on edited values of one attack; an attack the catalogue does not list is checked elsewhere. */
export function checkAttackParams(attacks: readonly AttackDescriptor[], attackId: string, params: Readonly<Record<string, unknown>>): ParamCheck {
  const d = attacks.find((a) => a.id === attackId);
  return d ? checkParams(d.label, d.params, params) : { values: {}, notices: [] };
}

/** The value an attack runs with by default on the loaded data set (the paper's where it states one). */
export function paperParam(s: Pick<AppState, 'attacks' | 'dataset'>, attackId: string, key: string): ParamValue | undefined {
  return attackParamsFor({ ...s, attackParams: {} }, attackId)[key];
}
