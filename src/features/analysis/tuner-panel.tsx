/**
 * The paper's "κ is tuned during the validation stage", as a button: given an accuracy budget, search κ on
 * the validation split (never used by the other panels), propose the largest κ within budget, and show the
 * robustness gained there on the evaluation split.
 */
import { useAppStore } from '../../state/react';
import { AnalysisFrame, ParamInput, pct, type CsvData } from './analysis-frame';

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
  const gain = result && result.rho.baseline > 0 ? result.rho.proposed / result.rho.baseline : null;
  return (
    <AnalysisFrame kind="tuner" title="κ tuner: pick κ on a validation split" runLabel="Tune κ" csv={csv} fileBase="jumprelu-kappa-tuner"
      cost="clean accuracy on the validation split along the κ grid, then DeepFool at two κ"
      explain={<>The paper tunes κ “during the validation stage”. How much accuracy a given κ costs depends on the model's activation
        scale, so the paper's κ is not the right default for every model. The tuner walks κ upwards on the card's grid and stops
        before the first κ that loses more than the budget against κ = 0, measured on the validation split — the last images of the
        test shard, which the other analysis panels never use. (The κ slider's “all test images” accuracy does include them.)</>}
      settings={<>
        <ParamInput name="tuneBudget" />
        <ParamInput name="tuneRhoN" />
      </>}>
      {result ? (
        <div data-testid="tuner-result">
          <p className="summary">
            Proposed <strong data-testid="tuner-kappa">κ = {result.proposed}</strong>: validation accuracy{' '}
            {pct(result.validation.find((p) => p.kappa === result.proposed)?.accuracy, 2)} vs {pct(result.baseline, 2)} at κ = 0
            (budget {result.request.budget} points, {result.validationCount.toLocaleString()} validation images
            #{result.split.validation.start}–{result.split.validation.start + result.split.validation.count - 1}).{' '}
            <button type="button" onClick={() => setKappa(result.proposed)} disabled={kappa === result.proposed}>Use κ = {result.proposed}</button>
          </p>
          <p>
            Robustness there (evaluation split, {result.rhoCount} images): mean DeepFool ρ {pct(result.rho.baseline)} at κ = 0 →{' '}
            <strong>{pct(result.rho.proposed)}</strong>{gain ? <> ({gain.toFixed(2)}×)</> : null}; clean {pct(result.clean.baseline, 1)} → {pct(result.clean.proposed, 1)}.
            {paperKappa !== undefined ? <> The paper's κ for this network is {paperKappa}.</> : null}
          </p>
          {result.proposed === maxKappa ? <p className="warn small">The search reached the top of this model's κ range ({maxKappa}) without
            breaking the budget; the budget alone does not bound κ here.</p> : null}
          {result.rho.proposed <= result.rho.baseline ? <p className="warn small" data-testid="tuner-no-gain">At κ = {result.proposed} the
            DeepFool ρ did not grow: an accuracy budget alone can pick a κ past the robustness peak. Check the trade-off curve and
            pick the κ where ρ is largest within budget.</p> : null}
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
