/**
 * Figure 7 as a heatmap: accuracy at target κ_j on IFGSM examples crafted at source κ_i. Drawn as plain SVG
 * (a grid of cells is not a Recharts chart type); the PNG export renders it like the other charts.
 */
import { paperParam } from '../../state/attack-params';
import { useAppStore } from '../../state/react';
import { AnalysisFrame, pct, type CsvData } from './analysis-frame';

/** White (0 %) to deep blue (100 %): higher accuracy = the examples did not transfer. */
function blues(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const from = [247, 251, 255];
  const to = [8, 48, 107];
  return `rgb(${from.map((f, i) => Math.round(f + (to[i] - f) * x)).join(',')})`;
}

export function Heatmap({ kappas, accuracy, label }: { kappas: number[]; accuracy: number[][]; label: string }) {
  const cell = 56;
  const left = 70;
  const top = 40;
  // Wide enough for the caption under the grid, however few κ there are.
  const w = Math.max(left + cell * kappas.length + 10, 440);
  const h = top + cell * kappas.length + 50;
  return (
    <svg className="chart-svg" width={w} height={h} role="img" aria-label={label} data-testid="transfer-heatmap">
      <text x={left + (cell * kappas.length) / 2} y={14} textAnchor="middle" fontSize={12}>target κ (evaluated on)</text>
      {kappas.map((k, j) => <text key={`t${k}`} x={left + j * cell + cell / 2} y={top - 6} textAnchor="middle" fontSize={12}>{k}</text>)}
      <text x={12} y={top + (cell * kappas.length) / 2} fontSize={12} transform={`rotate(-90 12 ${top + (cell * kappas.length) / 2})`} textAnchor="middle">source κ (crafted on)</text>
      {kappas.map((k, i) => <text key={`s${k}`} x={left - 8} y={top + i * cell + cell / 2 + 4} textAnchor="end" fontSize={12}>{k}</text>)}
      {accuracy.map((row, i) => row.map((v, j) => (
        <g key={`${i}-${j}`}>
          <rect x={left + j * cell} y={top + i * cell} width={cell - 2} height={cell - 2} fill={blues(v)} stroke={i === j ? '#b4231c' : 'none'} />
          <text x={left + j * cell + cell / 2 - 1} y={top + i * cell + cell / 2 + 4} textAnchor="middle" fontSize={12} fill={v > 0.55 ? '#fff' : '#1d2330'}>{(100 * v).toFixed(0)}</text>
        </g>
      )))}
      <text x={left} y={h - 12} fontSize={11}>cell = accuracy (%) of the target model; diagonal (red) = white-box</text>
    </svg>
  );
}

/** A gap in mean accuracy (fraction) below which the two directions count as the same. */
const SAME = 0.1;

/**
 * What this run's matrix says about the paper's "unidirectional" finding, from the data shown: mean target
 * accuracy on examples crafted at a lower κ than the target's (low → high) against those crafted at a
 * higher κ (high → low). Null with fewer than two κ.
 */
export function transferReading(kappas: number[], accuracy: number[][]): string | null {
  const up: number[] = [];
  const down: number[] = [];
  kappas.forEach((_, i) => kappas.forEach((__, j) => {
    const v = accuracy[i]?.[j];
    if (i === j || !Number.isFinite(v)) return;
    (kappas[i] < kappas[j] ? up : down).push(v);
  }));
  if (!up.length || !down.length) return null;
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const [u, d] = [mean(up), mean(down)];
  const nums = `crafted at a lower κ, the target keeps ${pct(u, 0)} accuracy on average; crafted at a higher κ, ${pct(d, 0)}`;
  if (d - u > SAME) return `This run agrees with the paper's unidirectional finding: ${nums}.`;
  if (u - d > SAME) return `This run contradicts the paper's unidirectional finding: ${nums} — here the examples transfer better from high κ to low.`;
  return `This run does not show the paper's unidirectional pattern: ${nums} — about the same both ways.`;
}

export function TransferPanel() {
  const result = useAppStore((s) => (s.jobs.transfer.result?.request.modelId === s.modelId ? s.jobs.transfer.result : null));
  const epsilon = useAppStore((s) => paperParam(s, 'ifgsm', 'epsilon'));
  const csv: CsvData | null = result ? {
    header: ['source_kappa', ...result.kappas.map((k) => `target_${k}`), 'n'],
    rows: result.accuracy.map((row, i) => [result.kappas[i], ...row, result.count]),
  } : null;
  return (
    <AnalysisFrame kind="transfer" title="Transferability between κ (Figure 7)" runLabel="Compute matrix" csv={csv} fileBase="jumprelu-transfer"
      cost="one IFGSM run per source κ"
      explain={<>IFGSM examples (ε = {String(epsilon)} per step) crafted on the model at source κ attack the same weights at target κ. The paper
        reports them “unidirectional”: crafted at low κ they still fool high κ, crafted at high κ they fail at low κ. The sentence under
        the matrix says whether this run agrees.</>}>
      {result ? (
        <>
          <Heatmap kappas={result.kappas} accuracy={result.accuracy} label={`transfer matrix, n = ${result.count}`} />
          {transferReading(result.kappas, result.accuracy) ? <p className="summary" data-testid="transfer-reading">{transferReading(result.kappas, result.accuracy)}</p> : null}
          <p className="muted small">n = {result.count}, {result.request.steps} steps, {(result.ms / 1000).toFixed(1)} s. Accuracy at the diagonal: {result.kappas.map((k, i) => `κ=${k}: ${pct(result.accuracy[i][i], 0)}`).join(', ')}.</p>
        </>
      ) : null}
    </AnalysisFrame>
  );
}
