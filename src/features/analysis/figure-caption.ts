/**
 * The subtitle of an exported figure: which attack ran, at which κ, on how many images — read from the
 * result itself (what ran, not the settings now on screen).
 */
import type { AnalysisResult } from '../../worker/jobs';

const ks = (kappas: number[]) => (kappas.length > 4 ? `${kappas[0]}…${kappas[kappas.length - 1]}` : kappas.join(', '));

export function figureCaption(r: AnalysisResult): string {
  switch (r.kind) {
    case 'tradeoff': return `DeepFool L2 (exact and straight-through) at κ = ${ks(r.request.kappas)}; clean n = ${r.cleanCount}, ρ n = ${r.rhoCount}`;
    case 'table': return `IFGSM, DeepFool L∞/L2${r.request.trSteps ? ', Trust Region' : ''} at κ = 0 and ${r.request.randomized ? `randomized b = ${r.request.kappa}` : r.request.kappa}; n = ${r.count}`;
    case 'transfer': return `IFGSM (${r.request.steps} steps) crafted at source κ, evaluated at target κ = ${ks(r.kappas)}; n = ${r.count}`;
    case 'iterations': return `IFGSM, ${r.request.steps} steps, at κ = ${r.curves.map((c) => c.kappa).join(', ')}; n = ${r.count}`;
    case 'tuner': return `clean accuracy on the validation split, DeepFool L2 ρ on ${r.request.rhoSample} images; budget ${r.request.budget} points`;
    case 'detection': return `LID detector (k = ${r.k}, minibatch ${r.request.batch}) against ${[...new Set(r.rows.map((x) => x.title))].join(', ')} at κ = 0${r.request.kappa ? ` and ${r.request.kappa}` : ''}; n = ${r.request.sample} per row`;
    case 'adaptive': return `adaptive suite (DeepFool × gradient modes, FMN, Square ${r.queries} queries) at κ = 0 and ${r.request.kappa}; n = ${r.count}`;
  }
}
