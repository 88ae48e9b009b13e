/**
 * What every analysis panel shares: title and explanation, its settings (from its contract), Run / Cancel with progress, the
 * error or cancelled state, and the exports (chart as PNG, data as CSV). Panels supply the chart and the
 * data; the frame never knows what an experiment computes.
 */
import { useRef, useState, type ReactNode } from 'react';
import { chartLegend, csvTable, domTables, downloadBlob, downloadText, figureToPng, mainChart } from '../../components/export';
import { ProgressBar } from '../../components/progress-bar';
import { isBusy, modelReady, selectReference } from '../../state/selectors';
import { useAppStore } from '../../state/react';
import { ANALYSIS_SETTINGS, SETTINGS_OF, type AnalysisParams } from '../../state/panels';
import type { AnalysisKind, AnalysisResult } from '../../worker/jobs';
import { toCsv, type CsvValue } from './csv';
import { figureCaption } from '../../state/panels';

export interface CsvData {
  header: string[];
  rows: CsvValue[][];
}

interface FrameProps {
  kind: AnalysisKind;
  title: string;
  explain: ReactNode;
  /** Label of the run button, e.g. "Compute trade-off". */
  runLabel: string;
  /** Rough cost, shown before the first run so nobody starts a 5-minute job by surprise. */
  cost?: string;
  /** null while there is nothing to export. */
  csv: CsvData | null;
  fileBase: string;
  /** Reference results (npm run reproduce) or their absence. */
  reference?: ReactNode;
  children?: ReactNode;
}

export function AnalysisFrame({ kind, title, explain, runLabel, cost, csv, fileBase, reference, children }: FrameProps) {
  const run = useAppStore((s) => s.jobs[kind]);
  const ready = useAppStore(modelReady);
  const start = useAppStore((s) => s.runAnalysis);
  const cancel = useAppStore((s) => s.cancelAnalysis);
  const chartRef = useRef<HTMLDivElement>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const busy = isBusy(run.status);

  const modelName = useAppStore((s) => s.card?.name ?? s.modelId ?? '');
  // The figure a slide needs: title line (panel, model), what ran (attack, κ, n), then the chart — or the data
  // tables as the panel shows them (or its data) for panels without one. Never a legend marker, never nothing.
  const png = () => {
    if (!csv) return;
    setExportError(null);
    const result = run.result as AnalysisResult | null;
    const box = chartRef.current;
    const chart = box ? mainChart(box) : null;
    // The tables are read only for a figure without a chart.
    const tables = () => { const shown = box ? domTables(box) : []; return shown.length ? shown : [csvTable(csv.header, csv.rows)]; };
    const source = {
      title: `${title} — ${modelName}`,
      subtitle: result ? figureCaption(result) : undefined,
      ...(chart && box && chart.getBoundingClientRect().width >= 200 ? { chart, legend: chartLegend(box) } : { tables: tables() }),
    };
    figureToPng(source).then((b) => downloadBlob(`${fileBase}.png`, b), (e: unknown) => setExportError((e as Error).message));
  };

  return (
    <section className="panel analysis" aria-labelledby={`${kind}-h`} data-testid={`panel-${kind}`}>
      <h2 id={`${kind}-h`}>{title}</h2>
      <div className="explain">{explain}</div>
      {/* The contract's settings, in its order: a new setting needs no panel edit. */}
      {SETTINGS_OF[kind].length ? <div className="analysis-settings">{SETTINGS_OF[kind].map((k) => <ParamInput key={k} name={k} />)}</div> : null}
      <div className="attack-actions">
        <button type="button" className="primary" disabled={!ready || busy} onClick={() => start(kind)}>{runLabel}</button>
        {busy ? <button type="button" onClick={() => cancel(kind)} disabled={run.status === 'cancelling'}>Cancel</button> : null}
        {cost && !busy ? <span className="muted">{cost}</span> : null}
        <span className="spacer" />
        <button type="button" disabled={!csv} onClick={() => csv && downloadText(`${fileBase}.csv`, toCsv(csv.header, csv.rows))}>Download CSV</button>
        <button type="button" disabled={!csv} onClick={png}>Download PNG</button>
      </div>
      {busy ? (
        <ProgressBar done={run.progress?.done ?? 0} total={run.progress?.total ?? 1}
          label={run.status === 'cancelling' ? 'cancelling…' : run.progress?.label ?? 'waiting for the worker…'} />
      ) : null}
      {/* Opened from a link (or just toggled on): the settings above are the link's. Nothing here is recomputed on
          open — every panel runs attacks on 20–100 images at several κ, tens of seconds to minutes of the reader's
          CPU on wasm, and would queue beside the link's own attack; a link reruns only what is cheap: the clean
          accuracy at its κ (the slider's figure) and its one-image attack (state/permalink-run.ts). */}
      {run.status === 'idle' && !run.result ? <p className="muted small" data-testid="not-computed">Not computed yet: the settings above are this view's (a copied link carries them); press “{runLabel}” to compute.</p> : null}
      {run.status === 'cancelled' ? <p className="muted" role="status">Cancelled.</p> : null}
      {run.status === 'error' ? <div className="error" role="alert">Failed: {run.error}</div> : null}
      {exportError ? <div className="error" role="alert">Export failed: {exportError}</div> : null}
      <div ref={chartRef} className="chart-box">{children}</div>
      {reference}
    </section>
  );
}

/**
 * A labelled number box bound to one analysis setting: label, range and step from the setting's spec in its
 * contract (worker/jobs/<analysis>.ts), the same spec the link and the worker check against.
 */
export function ParamInput<K extends keyof AnalysisParams>({ name }: { name: K }) {
  const { label, min = -Infinity, max = Infinity, step, kind, nullable } = ANALYSIS_SETTINGS[name];
  const nullLabel = nullable ? 'paper' : undefined;
  const value = useAppStore((s) => s.analysisParams[name]) as number | null;
  const setParam = useAppStore((s) => s.setAnalysisParam);
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const t = draft.trim();
    if (t === '' && nullLabel) setParam(name, null as AnalysisParams[K]);
    else if (Number.isFinite(Number(t)) && t !== '') {
      const v = Math.min(max, Math.max(min, Number(t)));
      setParam(name, (kind === 'integer' ? Math.round(v) : v) as AnalysisParams[K]);
    }
    setDraft(null);
  };
  return (
    <label className="param-inline">
      {label}
      <input type="number" min={min} max={max} step={step} placeholder={nullLabel} aria-label={label}
        value={draft ?? (value === null ? '' : String(value))} onChange={(e) => setDraft(e.target.value)} onBlur={commit}
        onKeyDown={(e) => { if (e.key === 'Enter') commit(); }} />
    </label>
  );
}

export const pct = (v: number | undefined | null, digits = 1): string =>
  v === undefined || v === null || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(digits)}%`;

/** The line that says where reference numbers come from, or that there are none. */
export function ReferenceNote({ children }: { children?: ReactNode }) {
  const job = useAppStore((s) => s.jobs.reference);
  const data = useAppStore(selectReference);
  const modelId = useAppStore((s) => s.modelId);
  if (job.status === 'error') return <p className="warn small">Reference results could not be read: {job.error}</p>;
  if (data === undefined) return null;
  if (data === null) {
    return <p className="muted small" data-testid="reference-absent">No reference results for this model yet (run <code>npm run reproduce -- --model {modelId} --out public/reference/{modelId}.json</code>).</p>;
  }
  return <div className="reference small" data-testid="reference">{children}</div>;
}

/**
 * A suite cell's key ("deepfool-l2+exact", "square-linf") in the table's words ("DeepFool L2, exact gradients",
 * "Square L∞ (no gradients)"), with the attack's label from the catalogue; core's red flags word it the same way
 * (core/metrics/red-flags.ts, cellLabel).
 */
export function useCellName() {
  const attacks = useAppStore((s) => s.attacks);
  return (key: string) => {
    const [id, mode] = key.split('+');
    const label = attacks.find((a) => a.id === id)?.label ?? id;
    return mode ? `${label}, ${mode} gradients` : `${label} (no gradients)`;
  };
}
