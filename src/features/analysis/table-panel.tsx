/**
 * Tables 2 (white-box) and 1 (gray-box) for κ = 0 and the current κ: our numbers, the reproduction
 * command's reference numbers when present, and the paper's, side by side. Table 2 shows accuracy for
 * PGD and ρ for DeepFool/TR; Table 1 shows accuracy everywhere, as in the paper.
 */
import { paperParam } from '../../state/attack-params';
import { useAppStore } from '../../state/react';
import { selectReference } from '../../state/selectors';
import type { ColumnKey, ReferenceRow, TableResult, TableRowView } from '../../worker/jobs';
import { AnalysisFrame, pct, ReferenceNote, type CsvData } from './analysis-frame';
import { paperNumbersFor, type PaperModelNumbers, type PaperRow } from './paper-numbers';
import { tableCostHint } from './panel-cost';

type Columns = TableResult['columns'];

type Mode = 'white-box' | 'gray-box';
/** What a cell shows: Table 2 prints ρ for the minimal-perturbation attacks, Table 1 accuracy everywhere. */
const metric = (mode: Mode, key: ColumnKey): 'accuracy' | 'rho' => (mode === 'gray-box' || key === 'pgd' ? 'accuracy' : 'rho');

/** A reference cell's hover text: how many attacked images the attack fooled (a randomized κ leaves many unfooled). */
const foolTitle = (c: { foolRate: number } | undefined): string | undefined =>
  c && Number.isFinite(c.foolRate) ? `fooled ${pct(c.foolRate, 0)} of attacked images` : undefined;

function findRow<T extends { kappa: number }>(rows: T[] | undefined, kappa: number, randomized = false): T | undefined {
  return rows?.find((r) => Math.abs(r.kappa - kappa) < 1e-9 && (!('randomized' in r) || (r as { randomized: boolean }).randomized === randomized));
}

/** The reference file's line under a row: its metric per column, the fooled share on hover. */
function ReferenceLine({ mode, columns, row }: { mode: Mode; columns: Columns; row: ReferenceRow }) {
  return (
    <tr className="ref">
      <th /><td>reference</td><td>{pct(row.clean, 2)}</td>
      {columns.map((c) => <td key={c.key} title={foolTitle(row.cells[c.key])}>{row.cells[c.key] ? pct(row.cells[c.key]![metric(mode, c.key)]) : '—'}</td>)}
    </tr>
  );
}

/** The paper's line under a row; Table 4's (R) rows say on hover how many images the paper's attack left unfooled. */
function PaperLine({ columns, row, label }: { columns: Columns; row: PaperRow | PaperModelNumbers['randomized']; label: string }) {
  return (
    <tr className="paper">
      <th /><td>{label}</td><td>{pct(row.clean, 2)}</td>
      {columns.map((c) => {
        const unfooled = 'unfooled' in row && c.key !== 'pgd' ? row.unfooled[c.key] : undefined;
        return <td key={c.key} title={unfooled !== undefined ? `the paper's attack left ${pct(unfooled, 2)} of images unfooled` : undefined}>{pct(row.cells[c.key])}</td>;
      })}
    </tr>
  );
}

function Table({ mode, columns, rows, reference, paper, paperRandomized }: { mode: Mode; columns: Columns; rows: TableRowView[]; reference?: ReferenceRow[]; paper?: PaperRow[]; paperRandomized?: PaperModelNumbers['randomized'] }) {
  return (
    <table className="mini robustness" data-testid={`table-${mode}`}>
      <caption>{mode === 'white-box' ? 'White-box (Table 2): each κ attacked directly; PGD = accuracy, others = mean ρ'
        : 'Gray-box (Table 1): crafted on κ = 0, evaluated at κ; accuracy'}</caption>
      <thead>
        <tr><th>κ</th><th>source</th><th>clean</th>{columns.map((c) => <th key={c.key}>{c.title}</th>)}</tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const ref = findRow(reference, r.kappa, r.randomized);
          // The randomized row meets Table 4's (R) row, at the paper's b (named, since ours may differ).
          const pap = r.randomized ? paperRandomized : findRow(paper, r.kappa);
          const label = `${r.kappa}${r.randomized ? ' (rand.)' : ''}`;
          return [
            <tr key={`${label}-ours`} className="ours">
              <th>{label}</th><td>ours</td><td>{pct(r.clean, 2)}</td>
              {columns.map((c) => <td key={c.key} title={r.cells[c.key] ? `fooled ${pct(r.cells[c.key]!.foolRate, 0)} of attacked images` : undefined}>
                {r.cells[c.key] ? pct(r.cells[c.key]![metric(mode, c.key)]) : '—'}</td>)}
            </tr>,
            ref ? <ReferenceLine key={`${label}-ref`} mode={mode} columns={columns} row={ref} /> : null,
            pap ? <PaperLine key={`${label}-paper`} columns={columns} row={pap} label={r.randomized ? `paper (Table 4, b = ${pap.kappa})` : 'paper'} /> : null,
          ];
        })}
        {mode === 'white-box' && !rows.some((r) => r.randomized) ? <RandomizedAside columns={columns} reference={reference?.find((r) => r.randomized)} paper={paperRandomized} /> : null}
      </tbody>
    </table>
  );
}

/**
 * Table 4 when this run had randomized κ off: the reference file's randomized row and the paper's (R) row, under a
 * line that says ours was not run (the κ panel's “randomized” box turns it on), so the paper's last robustness table is
 * never missing from the panel.
 */
function RandomizedAside({ columns, reference, paper }: { columns: Columns; reference?: ReferenceRow; paper?: PaperModelNumbers['randomized'] }) {
  if (!reference && !paper) return null;
  return (<>
    <tr className="aside" data-testid="table4-aside">
      <th>rand.</th><td colSpan={columns.length + 2} className="muted">randomized κ (Table 4) not run here — tick “randomized” under the κ slider to measure it</td>
    </tr>
    {reference ? <ReferenceLine mode="white-box" columns={columns} row={reference} /> : null}
    {paper ? <PaperLine columns={columns} row={paper} label={`paper (Table 4, b = ${paper.kappa})`} /> : null}
  </>);
}

export function TablePanel() {
  const result = useAppStore((s) => (s.jobs.table.result?.request.modelId === s.modelId ? s.jobs.table.result : null));
  const card = useAppStore((s) => s.card);
  const epsilon = useAppStore((s) => paperParam(s, 'ifgsm', 'epsilon'));
  const steps = useAppStore((s) => paperParam(s, 'ifgsm', 'steps'));
  const reference = useAppStore((s) => selectReference(s) ?? null);
  const images = useAppStore((s) => s.analysisParams.tableN) as number | null;
  const trSteps = useAppStore((s) => s.analysisParams.tableTrSteps) ?? 0;
  const paper = card ? paperNumbersFor(card.architecture, card.variant) : null;
  const csv: CsvData | null = result ? {
    header: ['mode', 'kappa', 'randomized', 'clean_accuracy', ...result.columns.flatMap((c) => [`${c.key}_accuracy`, `${c.key}_rho`]), 'n'],
    rows: [...result.whiteBox.map((r) => ['white-box', r] as const), ...result.grayBox.map((r) => ['gray-box', r] as const)].map(([mode, r]) => [
      mode, r.kappa, r.randomized, r.clean, ...result.columns.flatMap((c) => [r.cells[c.key]?.accuracy, r.cells[c.key]?.rho]), result.count,
    ]),
  } : null;
  return (
    <AnalysisFrame kind="table" title="Robustness table (Tables 1 and 2)" runLabel="Compute tables" csv={csv} fileBase="jumprelu-robustness"
      cost={tableCostHint(card?.architecture, images, trSteps)}
      explain={<>The paper's protocol (ε = {String(epsilon)}, {String(steps)} steps) at κ = 0 and the current κ. Our models
        and sample are not the paper's: compare directions and ratios, not digits. Hover a cell for the fool rate.</>}
      reference={<ReferenceNote>{reference ? <>Rows marked “reference” come from <code>npm run reproduce</code> (n={reference.count}, {reference.backend}).</> : null}</ReferenceNote>}>
      {result ? (
        <>
          <Table mode="white-box" columns={result.columns} rows={result.whiteBox} reference={reference?.whiteBox} paper={paper?.whiteBox} paperRandomized={paper?.randomized} />
          <Table mode="gray-box" columns={result.columns} rows={result.grayBox.filter((r) => r.kappa !== 0 || result.grayBox.length === 1)} reference={reference?.grayBox} paper={paper?.grayBox} />
          <p className="muted small">n = {result.count} evaluation images, {(result.ms / 1000).toFixed(1)} s.{paper ? ` Paper rows: ${paper.name}, κ = ${paper.kappa}.` : ' The paper has no numbers for this architecture.'}</p>
        </>
      ) : paper ? <p className="muted small">Paper ({paper.name}): κ = 0 → {pct(paper.whiteBox[0].cells['deepfool-l2'])} DF2 ρ; κ = {paper.kappa} → {pct(paper.whiteBox[1].cells['deepfool-l2'])}.</p> : null}
    </AnalysisFrame>
  );
}
