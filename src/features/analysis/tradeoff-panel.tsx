/**
 * Figure 4: clean accuracy (left axis) and the mean minimal DeepFool perturbation ρ (right axis) against κ,
 * with the current κ marked — the paper protocol's ρ (exact gradients) beside the stronger attacker's
 * (straight-through gradients, refined to the boundary), so the gap between them is the first thing seen.
 * Clicking the chart (or a row of the data table) sets κ.
 */
import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useAppStore } from '../../state/react';
import { AnalysisFrame, pct, ReferenceNote, type CsvData } from './analysis-frame';

export function TradeoffPanel() {
  const result = useAppStore((s) => (s.jobs.tradeoff.result?.request.modelId === s.modelId ? s.jobs.tradeoff.result : null));
  const kappa = useAppStore((s) => s.kappa);
  const setKappa = useAppStore((s) => s.setKappa);

  const data = result?.points.map((p) => ({ kappa: p.kappa, clean: 100 * p.clean, rho: 100 * p.rho, rhoSt: 100 * p.rhoStraightThrough, foolRate: p.foolRate })) ?? [];
  const csv: CsvData | null = result ? {
    header: ['kappa', 'clean_accuracy', 'rho_deepfool_l2', 'deepfool_fool_rate', 'rho_deepfool_l2_straight_through_refined', 'straight_through_fool_rate', 'clean_n', 'rho_n'],
    rows: result.points.map((p) => [p.kappa, p.clean, p.rho, p.foolRate, p.rhoStraightThrough, p.foolRateStraightThrough, result.cleanCount, result.rhoCount]),
  } : null;

  return (
    <AnalysisFrame kind="tradeoff" title="Trade-off: clean accuracy vs robustness (Figure 4)" runLabel="Compute trade-off"
      cost="DeepFool twice at every κ (exact and straight-through gradients): tens of seconds on wasm with 100 images" csv={csv} fileBase="jumprelu-tradeoff"
      explain={<>In the paper's protocol (red), the minimal DeepFool-L2 perturbation ρ grows with κ while clean accuracy barely moves.
        The dashed line is a stronger attacker: the same DeepFool with straight-through gradients (ReLU's backward through JumpReLU,
        the real forward pass), each perturbation shrunk to the boundary. The gap between the two lines is robustness that only the
        exact gradients see — gradient masking, not a moved boundary. Click the chart to set κ there.</>}
      reference={<ReferenceNote>Reference results (npm run reproduce) are in the robustness table.</ReferenceNote>}>
      {result ? (
        <>
          <div className="chart" data-testid="tradeoff-chart" style={{ cursor: 'pointer' }}>
            <ResponsiveContainer width="100%" height={300}>
              <ComposedChart data={data} margin={{ top: 10, right: 20, bottom: 20, left: 10 }}
                onClick={(e) => { if (e && typeof e.activeLabel === 'number') setKappa(e.activeLabel); else if (e?.activeLabel !== undefined) setKappa(Number(e.activeLabel)); }}>
                <CartesianGrid stroke="#e3e6ec" />
                <XAxis dataKey="kappa" type="category" label={{ value: 'κ', position: 'insideBottom', offset: -8 }} />
                <YAxis yAxisId="acc" domain={['auto', 100]} tickFormatter={(v: number) => `${v.toFixed(1)}`}
                  label={{ value: 'clean accuracy (%)', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
                <YAxis yAxisId="rho" orientation="right" domain={[0, 'auto']} tickFormatter={(v: number) => `${v.toFixed(0)}`}
                  label={{ value: 'DeepFool ρ (% of ‖x‖₂)', angle: 90, position: 'insideRight', style: { textAnchor: 'middle' } }} />
                <Tooltip formatter={(v, name) => [`${Number(v).toFixed(2)} %`, name]} labelFormatter={(l) => `κ = ${l}`} />
                <Legend verticalAlign="top" />
                <ReferenceLine yAxisId="acc" x={data.some((d) => d.kappa === kappa) ? kappa : undefined} stroke="#b4231c" strokeDasharray="4 3"
                  label={{ value: `κ = ${kappa}`, position: 'top', fill: '#b4231c' }} />
                <Line yAxisId="acc" dataKey="clean" name="clean accuracy" stroke="#3456a8" strokeWidth={2} isAnimationActive={false} />
                <Line yAxisId="rho" dataKey="rho" name="DeepFool ρ, paper protocol (exact gradients)" stroke="#b4231c" strokeWidth={2} isAnimationActive={false} />
                <Line yAxisId="rho" dataKey="rhoSt" name="DeepFool ρ, straight-through, refined (stronger attacker)" stroke="#b4231c"
                  strokeDasharray="6 4" strokeWidth={2} isAnimationActive={false} />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          {!data.some((d) => d.kappa === kappa) ? <p className="muted small">Current κ = {kappa} is between grid points.</p> : null}
          <details open>
            <summary>Data ({result.cleanCount} images for accuracy, {result.rhoCount} for ρ; {(result.ms / 1000).toFixed(1)} s)</summary>
            <table className="mini" data-testid="tradeoff-data">
              <thead><tr><th>κ</th><th>clean accuracy</th><th>DeepFool ρ (paper)</th><th>fooled</th><th>ρ straight-through, refined</th><th>fooled</th><th /></tr></thead>
              <tbody>
                {result.points.map((p) => (
                  <tr key={p.kappa} className={p.kappa === kappa ? 'current' : ''}>
                    <td>{p.kappa}</td><td>{pct(p.clean, 2)}</td><td>{pct(p.rho, 2)}</td><td>{pct(p.foolRate, 0)}</td>
                    <td>{pct(p.rhoStraightThrough, 2)}</td><td>{pct(p.foolRateStraightThrough, 0)}</td>
                    <td><button type="button" className="link" onClick={() => setKappa(p.kappa)}>set κ</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      ) : null}
    </AnalysisFrame>
  );
}
