/** Figure 8: accuracy under IFGSM (the paper's "PGD") against the number of steps, κ = 0 vs the current κ. */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { paperParam } from '../../state/attack-params';
import { useAppStore } from '../../state/react';
import { AnalysisFrame, type CsvData } from './analysis-frame';

const COLORS = ['#3456a8', '#b4231c', '#17803d', '#a15c00'];

export function IterationsPanel() {
  const result = useAppStore((s) => (s.jobs.iterations.result?.request.modelId === s.modelId ? s.jobs.iterations.result : null));
  const epsilon = useAppStore((s) => paperParam(s, 'ifgsm', 'epsilon'));
  const steps = result ? result.request.steps : 0;
  const data = result ? Array.from({ length: steps + 1 }, (_, t) => {
    const row: Record<string, number> = { t };
    result.curves.forEach((c) => { row[`k${c.kappa}`] = 100 * c.accuracy[t]; });
    return row;
  }) : [];
  const csv: CsvData | null = result ? {
    header: ['steps', ...result.curves.map((c) => `accuracy_kappa_${c.kappa}`), 'n'],
    rows: data.map((r) => [r.t, ...result.curves.map((c) => c.accuracy[r.t]), result.count]),
  } : null;
  return (
    <AnalysisFrame kind="iterations" title="Accuracy vs IFGSM iterations (Figure 8)" runLabel="Compute curves" csv={csv} fileBase="jumprelu-iterations"
      cost="one IFGSM run per κ"
      explain={<>Each IFGSM step moves still-correct images by ε = {String(epsilon)} along the gradient sign; the curve is the accuracy left after t
        steps. A retrofitted model needs more steps to be fooled.</>}>
      {result ? (
        <div className="chart" data-testid="iterations-chart">
          <ResponsiveContainer width="100%" height={280}>
            <LineChart data={data} margin={{ top: 10, right: 20, bottom: 20, left: 10 }}>
              <CartesianGrid stroke="#e3e6ec" />
              <XAxis dataKey="t" type="number" domain={[0, steps]} label={{ value: 'IFGSM steps', position: 'insideBottom', offset: -8 }} />
              <YAxis domain={[0, 100]} label={{ value: 'accuracy (%)', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
              <Tooltip formatter={(v, name) => [`${Number(v).toFixed(1)} %`, name]} labelFormatter={(l) => `${l} steps`} />
              <Legend verticalAlign="top" />
              {result.curves.map((c, i) => (
                <Line key={c.kappa} dataKey={`k${c.kappa}`} name={c.kappa === 0 ? 'κ = 0 (ReLU)' : `κ = ${c.kappa}`} dot={false}
                  stroke={COLORS[i % COLORS.length]} strokeWidth={2} isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
          <p className="muted small">n = {result.count}, {(result.ms / 1000).toFixed(1)} s.</p>
        </div>
      ) : null}
    </AnalysisFrame>
  );
}
