/**
 * The attack view's headline: how many times the unprotected model's ρ the retrofitted one needed, under
 * the requested gradient mode and under the stronger attacker's (straight-through) — never the paper
 * protocol's number alone. A fixed-budget attack (FGSM, PGD) measures no ratio: ρ is then the budget on both
 * sides, so its headline says which model the budget fooled. A run that fooled neither model says so
 * (it is not a defence win). A targeted run names its target. Pure, so every case is unit-tested.
 */
import type { AttackPairResult, GradientMode, SideNumbers } from '../../worker/jobs';

export function modeName(mode: GradientMode, tau: number): string {
  return mode === 'smoothed' ? `smoothed gradients (τ = ${tau})` : `${mode} gradients`;
}

const times = (v: number) => `${v.toFixed(2)}×`;

/** What the headline needs besides the result: the attack's label and kind, and the data set's class names. */
export interface HeadlineContext {
  label: string;
  kind: 'minimization' | 'fixed-epsilon';
  classNames: readonly string[];
}

/** "1.67× the ρ (1.34× refined to the boundary)", or why there is no ratio. */
function ratioText(unprotected: SideNumbers, prot: SideNumbers, first: boolean): string {
  if (!prot.success && !unprotected.success) return 'fooled neither model within its budget, so it measures nothing about the jump';
  if (!prot.success) return 'did not fool the retrofitted model within its budget (it fooled the unprotected one)';
  if (!unprotected.success || unprotected.rho <= 0) return 'fooled the retrofitted model, but not the unprotected one, so there is no ratio';
  const raw = prot.rho / unprotected.rho;
  const refined = prot.rhoRefined !== null && unprotected.rhoRefined !== null && unprotected.rhoRefined > 0
    ? prot.rhoRefined / unprotected.rhoRefined : null;
  const the = first ? ' the ρ' : '';
  if (refined === null) return `${first ? 'needed ' : ''}${times(raw)}${the}`;
  return `${first ? 'needed ' : ''}${times(raw)}${the} (${times(refined)} refined to the boundary)`;
}

/** A fixed budget: which model it fooled. Both at the same ε is no ratio of robustness, only of budgets. */
function budgetText(unprotected: SideNumbers, prot: SideNumbers): string {
  if (unprotected.success && prot.success) return 'fooled both models at this budget (a fixed budget measures no ratio: a minimization attack such as DeepFool does)';
  if (unprotected.success) return 'fooled the unprotected model but not the retrofitted one at this budget';
  if (prot.success) return 'fooled the retrofitted model but not the unprotected one at this budget';
  return 'fooled neither model at this budget, so it measures nothing about the jump';
}

export function attackHeadline(r: AttackPairResult, ctx: HeadlineContext): string {
  const { request: q, unprotected, protected: prot } = r;
  const target = q.target ?? null;
  const goal = target === null ? '' : `Turn this ${ctx.classNames[r.label] ?? r.label} into a ${ctx.classNames[target] ?? target}: `;
  if (q.threat === 'gray-box') {
    return `${goal}The same adversarial image, crafted on κ = 0, ${prot.success ? 'also fools' : 'does not fool'} the retrofitted model.`;
  }
  if (unprotected.skipped || prot.skipped) {
    return `${goal}The image is already ${target === null ? 'misclassified' : `classified as the target on one side`}, so it was not attacked: no ratio.`;
  }
  const what = ctx.kind === 'fixed-epsilon' ? budgetText(unprotected, prot) : ratioText(unprotected, prot, true);
  const main = `${goal}${ctx.label} with ${modeName(q.gradientMode, q.smoothingTau)} ${what}`;
  if (!r.companion) return `${main}.`;
  const c = r.companion;
  const other = modeName(c.gradientMode, q.smoothingTau);
  const companion = ratioText(c.unprotected, c.protected, false);
  // A ratio reads on from "with … gradients"; an outcome needs its subject, and the same outcome is said once.
  if (/^\d/.test(companion)) return `${main}; with ${other} ${companion}.`;
  if (ctx.kind === 'minimization' && companion === ratioText(unprotected, prot, false)) return `${main}; the same with ${other}.`;
  return `${main}; with ${other} it ${companion}.`;
}
