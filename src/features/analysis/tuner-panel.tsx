/**
 * The paper's "κ is tuned during the validation stage", as a button: given an accuracy budget, search κ on
 * the validation split (never used by the other panels), then rank the κ within budget by the stronger
 * attacker's ρ (straight-through DeepFool) on the evaluation split, the exact-gradient ρ beside it.
 */
import { useAppStore } from '../../state/react';
import type { TuneResult } from '../../worker/jobs';
import { AnalysisFrame, pct, type CsvData } from './analysis-frame';

const ratio = (a: number, b: number) => (a > 0 && Number.isFinite(b) ? `${(b / a).toFixed(2)}×` : '—');

/** The proposal in one sentence, from the stronger attacker's number, with the exact-gradient figure beside it. */
export function tunerSentence(r: Pick<TuneResult, 'proposed' | 'rho' | 'rhoExact' | 'largestWithinBudget' | 'candidates'>): string {
  const exact = `exact-gradient DeepFool, the paper's attacker, would claim ${ratio(r.rhoExact.baseline, r.candidates.at(-1)?.rhoExact ?? NaN)} at κ = ${r.candidates.at(-1)?.kappa}`;
  if (r.proposed === 0) {
    return `No κ within the accuracy budget makes straight-through DeepFool need a larger perturbation than at κ = 0, so none is proposed (${exact}: gradient masking, not robustness).`;
  }
  return `Proposed κ = ${r.proposed}: straight-through DeepFool needs ${ratio(r.rho.baseline, r.rho.proposed)} the perturbation of κ = 0 there `
    + `(exact-gradient DeepFool: ${ratio(r.rhoExact.baseline, r.rhoExact.proposed)}; the attacker who knows about the jump is the one that counts).`;
}

export function TunerPanel() {
  const result = useAppStore((s) => (s.jobs.tuner.result?.request.modelId === s.modelId ? s.jobs.tuner.result : null));
  const setKappa = useAppStore((s) => s.setKappa);
  const kappa = useAppStore((s) => s.kappa);
  const paperKappa = useAppStore((s) => s.card?.kappa.paper);
  const maxKappa = useAppStore((s) => s.card?.kappa.max);
  const csv: CsvData | null = result ? {
    header: ['kappa', 'validation_accuracy', 'loss_points_vs_kappa0', 'within_budget', 'validation_n'],
    rows: result.validation.map((p) => [p.kappa, p.accuracy, 100 * (result.baseline - p.accuracy), p.kappa <= result.proposed, result.validationCount]),
  } : null;
  const gain = result ? ratio(result.rho.baseline, result.rho.proposed) : null;
  const gainExact = result ? ratio(result.rhoExact.baseline, result.rhoExact.proposed) : null;
  return (
    <AnalysisFrame kind="tuner" title="κ tuner: pick κ on a validation split" runLabel="Tune κ" csv={csv} fileBase="jumprelu-kappa-tuner"
      cost="clean accuracy on the validation split along the κ grid, then DeepFool (straight-through and exact) at κ = 0 and each candidate κ"
      explain={<>The paper tunes κ “during the validation stage”. How much accuracy a given κ costs depends on the model's activation
        scale, so the paper's κ is not the right default for every model. The tuner walks κ upwards on the card's grid and stops
        before the first κ that loses more than the budget against κ = 0, measured on the validation split — the last images of the
        test shard, which the other analysis panels never use. (The κ slider's “all test images” accuracy does include them.) Among
        the κ within budget it proposes the one where <em>straight-through</em> DeepFool (an attacker who knows about the jump) needs the
        largest perturbation: the exact gradient ignores the jump and overstates the gain, so its number is shown beside, never ranked on.</>}>
      {result ? (
        <div data-testid="tuner-result">
          <p className="summary" data-testid="tuner-summary">{tunerSentence(result)}{' '}
            {result.proposed > 0 ? (
              <button type="button" onClick={() => setKappa(result.proposed)} disabled={kappa === result.proposed}>
                Use κ = {result.proposed} (straight-through ρ {gain})
              </button>
            ) : null}
          </p>
          <p>
            Validation: κ = <strong data-testid="tuner-kappa">{result.proposed}</strong> keeps{' '}
            {pct(result.validation.find((p) => p.kappa === result.proposed)?.accuracy, 2)} vs {pct(result.baseline, 2)} at κ = 0
            (budget {result.request.budget} points, {result.validationCount.toLocaleString()} validation images
            #{result.split.validation.start}–{result.split.validation.start + result.split.validation.count - 1}; the largest κ within budget
            is {result.largestWithinBudget}). Evaluation split, {result.rhoCount} images: straight-through DeepFool ρ {pct(result.rho.baseline)} →{' '}
            {pct(result.rho.proposed)} ({gain}), beside exact-gradient DeepFool (the paper's attacker) {pct(result.rhoExact.baseline)} →{' '}
            {pct(result.rhoExact.proposed)} ({gainExact}); clean {pct(result.clean.baseline, 1)} → {pct(result.clean.proposed, 1)}.
            {paperKappa !== undefined ? <> The paper's κ for this network is {paperKappa}.</> : null}
          </p>
          <table className="mini" data-testid="tuner-candidates">
            <caption>Each κ ranked by the stronger attacker: straight-through DeepFool L2 (refined to the boundary); the paper's exact-gradient DeepFool beside it</caption>
            <thead><tr><th>κ</th><th>validation accuracy</th><th>ρ, DeepFool L2 straight-through (ranks)</th><th>ρ, DeepFool L2 exact (paper)</th></tr></thead>
            <tbody>
              {result.candidates.map((c) => (
                <tr key={c.kappa} className={c.kappa === result.proposed ? 'current' : ''}>
                  <td>{c.kappa}</td><td>{pct(c.validationAccuracy, 2)}</td>
                  <td>{pct(c.rhoStraightThrough)} ({ratio(result.candidates[0].rhoStraightThrough, c.rhoStraightThrough)})</td>
                  <td>{pct(c.rhoExact)} ({ratio(result.candidates[0].rhoExact, c.rhoExact)})</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.proposed === maxKappa ? <p className="warn small">The search reached the top of this model's κ range ({maxKappa}) without
            breaking the budget; the budget alone does not bound κ here.</p> : null}
          <table className="mini" data-testid="tuner-by-model">
            <caption>The same rule on each shipped model's card (accuracy per κ on the full test set, coarse grid)</caption>
            <thead><tr><th>model</th><th>proposed κ</th><th>grid</th></tr></thead>
            <tbody>
              {result.byModel.map((m) => (
                <tr key={m.id}><td style={{ textAlign: 'left' }}>{m.name}</td><td>{m.proposed ?? '—'}</td><td>{m.grid.join(', ')}</td></tr>
              ))}
            </tbody>
          </table>
          <details>
            <summary>Validation accuracy per κ</summary>
            <table className="mini">
              <thead><tr><th>κ</th><th>accuracy</th><th>lost (points)</th></tr></thead>
              <tbody>
                {result.validation.map((p) => (
                  <tr key={p.kappa} className={p.kappa === result.proposed ? 'current' : ''}>
                    <td>{p.kappa}</td><td>{pct(p.accuracy, 2)}</td><td>{(100 * (result.baseline - p.accuracy)).toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </div>
      ) : null}
    </AnalysisFrame>
  );
}
