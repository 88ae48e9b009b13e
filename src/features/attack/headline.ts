/**
 * The attack view's headline: how many times the unprotected model's ρ the retrofitted one needed, under
 * the requested gradient mode and under the stronger attacker's (straight-through) — never the paper
 * protocol's number alone. Pure, so every case is unit-tested.
 */
import type { AttackPairResult, GradientMode, SideNumbers } from '../../worker/jobs';

export function modeName(mode: GradientMode, tau: number): string {
  return mode === 'smoothed' ? `smoothed gradients (τ = ${tau})` : `${mode} gradients`;
}

const times = (v: number) => `${v.toFixed(2)}×`;

/** "1.67× the ρ (1.34× refined to the boundary)", or why there is no ratio. */
function ratioText(unprotected: SideNumbers, prot: SideNumbers, first: boolean): string {
  if (!prot.success) return 'did not fool the retrofitted model within its budget';
  if (!unprotected.success || unprotected.rho <= 0) return 'fooled the retrofitted model, but not the unprotected one, so there is no ratio';
  const raw = prot.rho / unprotected.rho;
  const refined = prot.rhoRefined !== null && unprotected.rhoRefined !== null && unprotected.rhoRefined > 0
    ? prot.rhoRefined / unprotected.rhoRefined : null;
  const the = first ? ' the ρ' : '';
  if (refined === null) return `${first ? 'needed ' : ''}${times(raw)}${the}`;
  return `${first ? 'needed ' : ''}${times(raw)}${the} (${times(refined)} refined to the boundary)`;
}

export function attackHeadline(r: AttackPairResult, attackLabel: string): string {
  const { request: q, unprotected, protected: prot } = r;
  if (q.threat === 'gray-box') {
    return `The same adversarial image, crafted on κ = 0, ${prot.success ? 'also fools' : 'does not fool'} the retrofitted model.`;
  }
  if (unprotected.skipped || prot.skipped) return 'The image is already misclassified, so it was not attacked: no ratio.';
  const main = `${attackLabel} with ${modeName(q.gradientMode, q.smoothingTau)} ${ratioText(unprotected, prot, true)}`;
  if (!r.companion) return `${main}.`;
  const c = r.companion;
  return `${main}; with ${modeName(c.gradientMode, q.smoothingTau)} ${ratioText(c.unprotected, c.protected, false)}.`;
}
