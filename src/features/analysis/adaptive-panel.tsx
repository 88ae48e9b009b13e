/**
 * "Is the defence real?": the adaptive suite (DeepFool under each gradient mode, FMN, Square) at κ = 0 and
 * the current κ — raw and refined ρ and fool rate per attack, the best of all attacks, the red flags with
 * what each means, robust accuracy vs ε from the per-image minima for both models, and robust accuracy at
 * fixed ε from the APGD-CE / APGD-T / Square ensemble.
 */
import { adaptiveCostHint } from './panel-cost';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useAppStore } from '../../state/react';
import { selectReference } from '../../state/selectors';
import type { AdaptiveResult, AdaptiveSection, AdaptiveReference } from '../../worker/jobs';
import { BinarizationTable } from './binarization-table';
import { kappaLabel } from './kappa-label';
import { AnalysisFrame, pct, ReferenceNote, type CsvData, useCellName } from './analysis-frame';
import type { CsvValue } from './csv';

type FlagKey = keyof AdaptiveSection['redFlags'];

/** What each red flag means, for a student (the flag's own sentence gives this run's numbers). */
export const FLAG_MEANINGS: Record<FlagKey, { title: string; meaning: string }> = {
  unboundedNotFooled: {
    title: 'A minimum-norm attack did not fool every image',
    meaning: 'Nothing limits its perturbation, so with working gradients it always reaches the boundary; stopping short means the attack got lost, not that the model is robust.',
  },
  beatsExact: {
    title: 'A weaker-information attack beat the exact gradients',
    meaning: 'Straight-through and score-only attacks know less about the model than its exact gradient; when they find smaller perturbations, the exact gradient was pointing the wrong way.',
  },
  notConverged: {
    title: 'More iterations keep lowering ρ',
    meaning: 'The same attack run five times longer should give the same ρ; if it does not, the number measures how long the attack ran, not the model.',
  },
  zeroGradients: {
    title: 'Input gradients that are exactly zero',
    meaning: 'Where the gradient is exactly zero a gradient attack gets no direction at all, although the boundary is still there.',
  },
  silencedUnits: {
    title: 'Units silenced by the jump (0 < z ≤ κ)',
    meaning: 'ReLU would pass these units; JumpReLU zeroes them and their gradient, which is exactly what the straight-through attacker puts back.',
  },
};
const FLAGS = Object.keys(FLAG_MEANINGS) as FlagKey[];

const COLORS = ['#3456a8', '#b4231c'];


function ratio(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && a > 0 ? `${(b / a).toFixed(2)}×` : '—';
}

function CellTable({ sections, reference }: { sections: AdaptiveSection[]; reference?: AdaptiveReference[] }) {
  const name = useCellName();
  const keys = Object.keys(sections[0].cells);
  const [zero, k] = [sections[0], sections[sections.length - 1]];
  const refAt = (kappa: number) => reference?.find((r) => Math.abs(r.kappa - kappa) < 1e-9);
  const refs = sections.map((s) => refAt(s.kappa));
  return (
    <table className="mini robustness" data-testid="adaptive-table">
      <caption>Mean ρ (% of ‖x‖ in the attack's norm; paper eq. 12), raw and refined to the boundary, and the share of images fooled.
        Ratio: refined ρ at κ over refined ρ at κ = 0.</caption>
      <thead>
        <tr><th rowSpan={2}>attack (which measured the number)</th>
          {sections.map((s) => <th key={s.kappa} colSpan={3}>{kappaLabel(s.kappa)}</th>)}<th rowSpan={2}>ratio</th></tr>
        <tr>{sections.map((s) => [<th key={`${s.kappa}r`}>ρ</th>, <th key={`${s.kappa}f`}>ρ refined</th>, <th key={`${s.kappa}o`}>fooled</th>])}</tr>
      </thead>
      <tbody>
        {keys.map((key) => [
          <tr key={key} data-testid={`adaptive-row-${key}`}>
            <th>{name(key)}</th>
            {sections.map((s) => [
              <td key={`${s.kappa}r`}>{pct(s.cells[key]?.rho, 2)}</td>,
              <td key={`${s.kappa}f`}>{pct(s.cells[key]?.rhoRefined, 2)}</td>,
              <td key={`${s.kappa}o`} className={(s.cells[key]?.foolRate ?? 1) < 1 ? 'warn' : ''}>{pct(s.cells[key]?.foolRate, 0)}</td>,
            ])}
            <td>{ratio(zero.cells[key]?.rhoRefined, k.cells[key]?.rhoRefined)}</td>
          </tr>,
          refs.some((r) => r?.cells[key]) ? (
            <tr key={`${key}-ref`} className="ref">
              <td>reference</td>
              {refs.map((r, i) => [
                <td key={`${i}r`}>{pct(r?.cells[key]?.rho, 2)}</td>,
                <td key={`${i}f`}>{pct(r?.cells[key]?.rhoRefined, 2)}</td>,
                <td key={`${i}o`}>{pct(r?.cells[key]?.foolRate, 0)}</td>,
              ])}
              <td>{ratio(refs[0]?.cells[key]?.rhoRefined, refs[refs.length - 1]?.cells[key]?.rhoRefined)}</td>
            </tr>
          ) : null,
        ])}
        <tr className="current" data-testid="adaptive-best-of">
          <th>best of all attacks, per image (L2 / L∞)</th>
          {sections.map((s) => [
            <td key={`${s.kappa}r`} colSpan={2}>{pct(s.bestOf.rhoL2, 2)} / {pct(s.bestOf.rhoLinf, 2)}</td>,
            <td key={`${s.kappa}o`}>{pct(s.bestOf.foolRate, 0)}</td>,
          ])}
          <td>{ratio(zero.bestOf.rhoL2, k.bestOf.rhoL2)}</td>
        </tr>
        {refs.some((r) => r) ? (
          <tr className="ref">
            <td>reference best of</td>
            {refs.map((r, i) => [
              <td key={`${i}r`} colSpan={2}>{pct(r?.bestOf.rhoL2, 2)} / {pct(r?.bestOf.rhoLinf, 2)}</td>,
              <td key={`${i}o`}>{pct(r?.bestOf.foolRate, 0)}</td>,
            ])}
            <td>{ratio(refs[0]?.bestOf.rhoL2, refs[refs.length - 1]?.bestOf.rhoL2)}</td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

type RobustRow = NonNullable<AdaptiveSection['robustAccuracy']>['rows'][number];

/** The ensemble's attacks and budgets, in the table's words (every robust-accuracy number names them). */
export function ensembleWords(s: Pick<AdaptiveSection, 'robustAccuracy'>): string | null {
  const st = s.robustAccuracy?.settings;
  const restarts = st?.restarts ? `, ${st.restarts} more random start${st.restarts > 1 ? 's' : ''} on what it left` : '';
  return st ? `APGD-CE (${st.steps} steps${restarts}) → APGD-T, DLR loss (${st.steps} steps × ${st.targetClasses} target classes) → Square (${st.queries} queries), L∞; an image counts as broken if any of them fools it` : null;
}

/** The reference's fixed-ε ensemble in words (its budgets can differ from this run's settings), or null without one. */
export function referenceEnsemble(reference: readonly Pick<AdaptiveSection, 'robustAccuracy'>[]): string | null {
  const s = reference.find((a) => a.robustAccuracy);
  return s ? ensembleWords(s) : null;
}

/**
 * The fixed-ε table: one line per ε, one column per κ and gradient mode; each entry the share of all images
 * still classified correctly after the ensemble, with the attack that broke the most images named.
 */
export function robustAccuracyRows(sections: AdaptiveSection[]): { label: string; units: string; cells: { kappa: number; mode: string; row: RobustRow | undefined }[] }[] {
  const withRows = sections.filter((s) => s.robustAccuracy?.rows.length);
  if (!withRows.length) return [];
  const modes = [...new Set(withRows.flatMap((s) => s.robustAccuracy!.rows.map((r) => r.gradientMode)))];
  const labels = [...new Map(withRows.flatMap((s) => s.robustAccuracy!.rows.map((r) => [r.label, r.units] as const))).entries()];
  return labels.map(([label, units]) => ({
    label, units,
    cells: withRows.flatMap((s) => modes.map((mode) => ({ kappa: s.kappa, mode, row: s.robustAccuracy!.rows.find((r) => r.label === label && r.gradientMode === mode) }))),
  }));
}

/** Which attack broke the most images in a row (the one the number mostly rests on). */
export function mainBreaker(row: RobustRow): string {
  const entries = Object.entries(row.brokenBy).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : 'none broke an image';
}

function RobustAccuracyTable({ sections, reference }: { sections: AdaptiveSection[]; reference?: AdaptiveReference[] }) {
  const rows = robustAccuracyRows(sections);
  if (!rows.length) return <p className="muted small" data-testid="adaptive-fixed-eps-off">Robust accuracy at fixed ε was not run (APGD steps = 0).</p>;
  const words = ensembleWords(sections.find((s) => s.robustAccuracy)!);
  const header = rows[0].cells;
  const refAt = (kappa: number, label: string, mode: string) =>
    reference?.find((r) => Math.abs(r.kappa - kappa) < 1e-9)?.robustAccuracy?.rows.find((r) => r.label === label && r.gradientMode === mode);
  const hasRef = rows.some((r) => r.cells.some((c) => refAt(c.kappa, r.label, c.mode)));
  return (
    <table className="mini robustness" data-testid="adaptive-fixed-eps">
      <caption>Robust accuracy at fixed ε (share of all images, misclassified ones included, still classified correctly), measured by {words}.
        ε in pixel units [0, 1] as the field reports it (attacked on pixels, so every colour channel gets the same budget), and the paper's
        own budget in normalised units. Each entry names the attacks that broke images (count).</caption>
      <thead>
        <tr><th>ε</th>{header.map((c) => <th key={`${c.kappa}${c.mode}`}>{kappaLabel(c.kappa)}, APGD with {c.mode} gradients + Square</th>)}</tr>
      </thead>
      <tbody>
        {rows.map((r) => [
          <tr key={r.label} data-testid={`fixed-eps-${r.label}`}>
            <th>{r.units === 'pixel' ? `${r.label} (pixels)` : r.label}</th>
            {r.cells.map((c) => (
              <td key={`${c.kappa}${c.mode}`} title={c.row ? c.row.attacks : undefined}>
                {c.row ? <>{pct(c.row.robustAccuracy, 1)} <span className="muted small">({mainBreaker(c.row)})</span></> : '—'}
              </td>
            ))}
          </tr>,
          hasRef ? (
            <tr key={`${r.label}-ref`} className="ref">
              <td>reference</td>
              {r.cells.map((c) => {
                const ref = refAt(c.kappa, r.label, c.mode);
                return <td key={`${c.kappa}${c.mode}`} title={ref?.attacks}>{ref ? `${pct(ref.robustAccuracy, 1)} (n = ${ref.count})` : '—'}</td>;
              })}
            </tr>
          ) : null,
        ])}
      </tbody>
    </table>
  );
}

type Indicator = NonNullable<AdaptiveSection['failureIndicators']>[number];

/** One indicator's entry in the table: flagged count, a clean count, or "not measured" (never "passed"). */
export function indicatorText(i: Indicator | undefined): string {
  if (!i || !i.measured) return 'not measured';
  return i.triggered ? `⚑ ${i.images} of ${i.of}` : `none of ${i.of}`;
}

/** Per κ: the attacks (table's words) as rows, the indicators as columns, in the order the core lists them. */
export function indicatorRows(s: AdaptiveSection): { ids: Indicator['id'][]; names: Record<string, string>; meanings: Record<string, string>; rows: { attack: string; cells: (Indicator | undefined)[] }[] } | null {
  const list = s.failureIndicators;
  if (!list?.length) return null;
  const order: Indicator['id'][] = ['silent-success', 'incomplete-optimisation', 'unbounded-below-100', 'non-converging-restarts', 'unstable-predictions', 'zero-gradients'];
  const names: Record<string, string> = {};
  const meanings: Record<string, string> = {};
  for (const i of list) { names[i.id] = i.name; meanings[i.id] = i.meaning; }
  const ids = order.filter((id) => id in names);
  const attacks = [...new Set(list.map((i) => i.attack))];
  return { ids, names, meanings, rows: attacks.map((attack) => ({ attack, cells: ids.map((id) => list.find((i) => i.attack === attack && i.id === id)) })) };
}

/** The randomized model's rows: per ε and gradient mode, the mean over the draws and their range. */
export function randomizedRows(r: NonNullable<AdaptiveResult['randomized']>): { label: string; mode: string; mean: number; min: number; max: number; attacks: string }[] {
  return r.rows.map((row) => {
    const d = row.drawAccuracies ?? [row.robustAccuracy];
    return { label: row.label, mode: row.gradientMode, mean: row.robustAccuracy, min: Math.min(...d), max: Math.max(...d), attacks: row.attacks };
  });
}

/**
 * The randomized model's verdict in one sentence, with straight-through gradients at the largest pixel ε where it
 * keeps ≥ 5% robust (the smallest ε when none does: a larger one is all zeros and says nothing): its mean over
 * draws and lowest draw, beside the fixed κ (the last section's, named: a reference file's may differ from b) and
 * ReLU (κ = 0) under the same ensemble without EOT.
 */
export function randomizedVerdict(result: { sections: readonly Pick<AdaptiveSection, 'kappa' | 'robustAccuracy'>[]; randomized?: AdaptiveResult['randomized'] }): string | null {
  const r = result.randomized;
  if (!r) return null;
  const pixel = r.rows.filter((x) => x.units === 'pixel' && x.gradientMode === 'straight-through');
  const row = pixel.filter((x) => x.robustAccuracy >= 0.05).at(-1) ?? pixel[0];
  if (!row) return null;
  const at = (s: Pick<AdaptiveSection, 'robustAccuracy'> | undefined) => s?.robustAccuracy?.rows.find((x) => x.label === row.label && x.gradientMode === row.gradientMode);
  const fixedSection = result.sections.at(-1);
  const fixed = fixedSection && fixedSection.kappa > 0 ? at(fixedSection) : undefined;
  const relu = result.sections.length > 1 && result.sections[0].kappa === 0 ? at(result.sections[0]) : undefined;
  const d = row.drawAccuracies ?? [row.robustAccuracy];
  const p = (v: number) => `${(100 * v).toFixed(1)}%`;
  // A reference file's EOT rows may rest on fewer images than its fixed-κ sections (a live run's never do).
  const differ = [fixed, relu].find((x) => x && x.count !== row.count)?.count;
  const beside = [fixed ? `${p(fixed.robustAccuracy)} for the fixed κ = ${fixedSection!.kappa}` : null, relu ? `${p(relu.robustAccuracy)} for ReLU (κ = 0)` : null].filter(Boolean).join(' and ');
  // A reference file's fixed-κ sections may also have run at smaller budgets than its EOT rows: then say so.
  const budget = (e: NonNullable<Randomized['settings']>) => `${e.steps} APGD steps, ${e.targetClasses} target classes, ${e.queries} Square queries`;
  const theirs = (fixedSection ?? result.sections[0])?.robustAccuracy?.settings;
  const sameBudget = !theirs || !r.settings || (theirs.steps === r.settings.steps && theirs.targetClasses === r.settings.targetClasses && theirs.queries === r.settings.queries);
  return `Randomized κ ~ U[${+(0.6 * r.b).toFixed(4)}, ${r.b}] at ε = ${row.label} px: EOT-APGD (${r.eotSamples} draws per gradient) and Square leave ${p(row.robustAccuracy)} `
    + `robust on average over ${r.draws} κ draws (lowest draw ${p(Math.min(...d))})`
    + (beside ? `, against ${beside} under the same attacks without EOT${sameBudget ? '' : ` and at other budgets (${budget(theirs!)}; the EOT rows ${budget(r.settings!)})`}.` : '.')
    + (differ ? ` The two rest on different samples (n = ${row.count} vs ${differ}): read them side by side, not as a difference.` : '');
}

type Randomized = NonNullable<AdaptiveResult['randomized']>;

const prefixed = (prefix: string, text: string | null): string | null => (text ? prefix + text : null);

/**
 * The randomized model's table: the live run's rows and, under each, the reference file's row for the same b,
 * ε and gradient mode (`reproduce --randomized-only`); the reference's rows alone when the run had randomized κ off.
 */
function RandomizedTable({ r, reference, verdict }: { r: Randomized | null; reference?: Randomized; verdict: string | null }) {
  const ref = reference && (!r || reference.b === r.b) ? reference : undefined;
  const shown = r ?? ref;
  if (!shown) return null;
  const refRows = ref ? randomizedRows(ref) : [];
  const refAt = (label: string, mode: string) => refRows.find((x) => x.label === label && x.mode === mode);
  const refLine = (x: ReturnType<typeof randomizedRows>[number] | undefined, key: string) => (
    <tr key={key} className="ref" title={x?.attacks}>
      <td>reference</td><td />{x ? <><td>{pct(x.mean, 1)} (n = {ref!.rows[0]?.count})</td><td>{pct(x.min, 1)} – {pct(x.max, 1)}</td></> : <><td>—</td><td /></>}
    </tr>
  );
  return (<>
    {verdict ? <p className="summary" data-testid="adaptive-randomized-verdict"><strong>{verdict}</strong></p> : null}
    <table className="mini robustness" data-testid="adaptive-randomized">
      <caption>Randomized JumpReLU, κ ~ U[{+(0.6 * shown.b).toFixed(4)}, {shown.b}] per forward pass (seed {shown.seed}): robust accuracy at fixed ε against
        APGD-CE and APGD-T with EOT ({shown.eotSamples} κ draws averaged per gradient) and Square; each image's final point is then classified
        on {shown.draws} fresh κ draws — the mean, and the lowest and highest draw (one draw alone would flatter a randomized defence).
        {r ? null : <> Randomized κ was off in this run: the rows are the reference file's (<code>npm run reproduce -- --randomized-only</code>).</>}</caption>
      <thead><tr><th>ε</th><th>gradients</th><th>robust accuracy, mean of {shown.draws} draws</th><th>lowest – highest draw</th></tr></thead>
      <tbody>
        {r ? randomizedRows(r).map((x) => [
          <tr key={`${x.label}${x.mode}`} title={x.attacks}>
            <th>{x.label}</th><td>{x.mode}</td><td>{pct(x.mean, 1)} <span className="muted small">(EOT-APGD + Square)</span></td><td>{pct(x.min, 1)} – {pct(x.max, 1)}</td>
          </tr>,
          ref ? refLine(refAt(x.label, x.mode), `${x.label}${x.mode}-ref`) : null,
        ]) : refRows.map((x) => (
          <tr key={`${x.label}${x.mode}`} className="ref" title={x.attacks}>
            <th>{x.label}</th><td>{x.mode}</td><td>{pct(x.mean, 1)} (reference, n = {ref!.rows[0]?.count})</td><td>{pct(x.min, 1)} – {pct(x.max, 1)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </>);
}

function FailureIndicators({ sections }: { sections: AdaptiveSection[] }) {
  const tables = sections.map((s) => ({ s, t: indicatorRows(s) })).filter((x) => x.t);
  if (!tables.length) return null;
  const first = tables[0].t!;
  return (
    <div className="failure-indicators" data-testid="adaptive-indicators">
      <h3>Did the attacks fail silently? Indicators of attack failure (Pintor et al., NeurIPS 2022)</h3>
      {tables.map(({ s, t }) => (
        <table key={s.kappa} className="mini robustness" data-testid={`indicators-${s.kappa}`}>
          <caption>{kappaLabel(s.kappa)}: images flagged of the images each indicator looks at. “Not measured” means the run does not record what the indicator needs — it is not a pass.</caption>
          <thead><tr><th>attack</th>{t!.ids.map((id) => <th key={id}>{t!.names[id]}</th>)}</tr></thead>
          <tbody>
            {t!.rows.map((r) => (
              <tr key={r.attack}>
                <th>{r.attack}</th>
                {r.cells.map((c, j) => <td key={t!.ids[j]} className={c?.triggered ? 'warn' : c?.measured ? '' : 'muted'} title={c?.message}>{indicatorText(c)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      <ul className="small">
        {first.ids.map((id) => <li key={id}><strong>{first.names[id]}:</strong> <span className="muted">{first.meanings[id]}</span></li>)}
      </ul>
    </div>
  );
}

function RedFlags({ sections }: { sections: AdaptiveSection[] }) {
  return (
    <div className="red-flags" data-testid="adaptive-red-flags">
      <h3>Red flags</h3>
      <ul>
        {FLAGS.map((f) => (
          <li key={f} data-testid={`flag-${f}`}>
            <strong>{FLAG_MEANINGS[f].title}.</strong> <span className="muted">{FLAG_MEANINGS[f].meaning}</span>
            <ul>
              {sections.map((s) => {
                const flag = s.redFlags[f];
                return (
                  <li key={s.kappa} className={flag.flagged ? 'bad' : 'ok'} data-flagged={flag.flagged}>
                    {kappaLabel(s.kappa)}: {flag.flagged ? '⚑ raised — ' : 'clear — '}{flag.explanation}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}

function RobustChart({ sections, norm }: { sections: AdaptiveSection[]; norm: 'l2' | 'linf' }) {
  const title = norm === 'l2' ? 'L2' : 'L∞';
  return (
    <div className="chart" data-testid={`adaptive-chart-${norm}`}>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart margin={{ top: 10, right: 20, bottom: 20, left: 10 }}>
          <CartesianGrid stroke="#e3e6ec" />
          <XAxis dataKey="eps" type="number" domain={[0, 'auto']} tickFormatter={(v: number) => v.toFixed(2)}
            label={{ value: `ε, ${title} (normalised units)`, position: 'insideBottom', offset: -8 }} />
          <YAxis domain={[0, 100]} label={{ value: 'robust accuracy (%)', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
          <Tooltip formatter={(v, name) => [`${Number(v).toFixed(1)} %`, name]} labelFormatter={(l) => `ε = ${Number(l).toFixed(3)}`} />
          <Legend verticalAlign="top" />
          {sections.map((s, i) => {
            const c = s.bestOf.robustAccuracy[norm];
            return (
              <Line key={s.kappa} data={c.epsilons.map((eps, j) => ({ eps, acc: 100 * c.accuracy[j] }))} dataKey="acc" name={kappaLabel(s.kappa)}
                dot={false} type="stepAfter" stroke={COLORS[i % COLORS.length]} strokeWidth={2} isAnimationActive={false} />
            );
          })}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** The panel's first sentence: what the paper's attacker and the stronger ones need at κ relative to κ = 0. */
export function adaptiveHeadline(sections: AdaptiveSection[]): string | null {
  if (sections.length < 2) return null;
  const [zero, k] = sections;
  const r = (key: string) => ratio(zero.cells[key]?.rhoRefined, k.cells[key]?.rhoRefined);
  return `At κ = ${k.kappa}, DeepFool L2 with exact gradients (the paper's attacker) needed ${r('deepfool-l2+exact')} the refined ρ of κ = 0; `
    + `with straight-through gradients ${r('deepfool-l2+straight-through')}; the best of all attacks per image ${ratio(zero.bestOf.rhoL2, k.bestOf.rhoL2)} (L2).`;
}

/**
 * The panel's last word, in plain language: what the strongest attacker here (the best of all attacks, per
 * image) needs at κ against κ = 0, set against what the paper's attacker suggested.
 */
export function adaptiveVerdict(sections: AdaptiveSection[]): string | null {
  if (sections.length < 2) return null;
  const [zero, k] = sections;
  if (!(zero.bestOf.rhoL2 > 0) || !Number.isFinite(k.bestOf.rhoL2)) return null;
  const best = k.bestOf.rhoL2 / zero.bestOf.rhoL2;
  const exactZero = zero.cells['deepfool-l2+exact']?.rhoRefined;
  const exactK = k.cells['deepfool-l2+exact']?.rhoRefined;
  const paper = exactZero && exactK ? exactK / exactZero : null;
  const change = Math.abs(best - 1) < 0.005 ? 'about the same perturbation as at κ = 0'
    : best > 1 ? `only ${Math.round(100 * (best - 1))}% more perturbation than at κ = 0` : `${Math.round(100 * (1 - best))}% less perturbation than at κ = 0`;
  const needs = best >= 1.25 ? `${best.toFixed(2)}× the perturbation it needs at κ = 0` : change;
  const unfooled = k.bestOf.foolRate < 1 ? ` (and did not fool ${Math.round(100 * (1 - k.bestOf.foolRate))}% of the images: check the red flags before reading that as robustness)` : '';
  const reading = best < 1.25
    ? paper !== null && paper >= 1.25 ? `: most of the ${paper.toFixed(2)}× that the paper's attacker measured is gradient masking, not robustness.` : ': the jump barely moves the boundary.'
    : paper !== null ? `: part of the gain survives an attacker who knows about the jump (the paper's attacker measured ${paper.toFixed(2)}×).` : ': part of the gain survives an attacker who knows about the jump.';
  return `Verdict: at κ = ${k.kappa}, an attacker who knows about the jump needs ${needs} (best of all attacks, per image, L2)${unfooled}${reading}`;
}

export function adaptiveCsv(result: AdaptiveResult): CsvData {
  const header = ['section', 'kappa', 'attack', 'gradient_mode', 'norm', 'rho', 'rho_refined', 'fool_rate', 'mean_iterations', 'epsilon', 'robust_accuracy', 'n'];
  const rows: CsvValue[][] = [];
  for (const s of result.sections) {
    for (const c of Object.values(s.cells)) {
      rows.push(['cell', s.kappa, c.attack, c.gradientMode ?? 'none', c.distance, c.rho, c.rhoRefined, c.foolRate, c.meanIterations, null, null, s.count]);
    }
    rows.push(['best-of', s.kappa, 'best of', null, 'l2', s.bestOf.rhoL2, null, s.bestOf.foolRate, null, null, null, s.count]);
    rows.push(['best-of', s.kappa, 'best of', null, 'linf', s.bestOf.rhoLinf, null, s.bestOf.foolRate, null, null, null, s.count]);
    for (const norm of ['l2', 'linf'] as const) {
      const c = s.bestOf.robustAccuracy[norm];
      c.epsilons.forEach((eps, j) => rows.push(['robust-accuracy', s.kappa, 'best of', null, norm, null, null, null, null, eps, c.accuracy[j], s.count]));
    }
    for (const r of s.robustAccuracy?.rows ?? []) {
      rows.push(['fixed-eps', s.kappa, `APGD-CE+APGD-T+Square (${r.attacks})`, r.gradientMode, 'linf', null, null, null, null, r.units === 'pixel' ? `${r.epsilon} px` : `${r.epsilon} normalised`, r.robustAccuracy, s.count]);
    }
    for (const i of s.failureIndicators ?? []) {
      rows.push([`indicator:${i.id}`, s.kappa, i.attack, null, null, null, null, null, null, null, i.measured ? i.images : null, i.of]);
    }
    for (const f of FLAGS) rows.push([`red-flag:${f}`, s.kappa, null, null, null, null, null, null, null, null, s.redFlags[f].flagged ? 1 : 0, s.count]);
  }
  for (const r of result.randomized?.rows ?? []) {
    rows.push(['randomized-fixed-eps', result.randomized!.b, `EOT-APGD+Square (${r.attacks})`, r.gradientMode, 'linf', null, null, null, null, r.units === 'pixel' ? `${r.epsilon} px` : `${r.epsilon} normalised`, r.robustAccuracy, r.count]);
  }
  return { header, rows };
}

export function AdaptivePanel() {
  const result = useAppStore((s) => (s.jobs.adaptive.result?.request.modelId === s.modelId ? s.jobs.adaptive.result : null));
  const randomized = useAppStore((s) => s.randomized);
  const reference = useAppStore(selectReference);
  // The reference file's randomized verdict: in the reference note, and above the table when the run had randomized κ off.
  const referenceRandomized = reference?.adaptiveRandomized && reference.adaptive
    ? randomizedVerdict({ sections: reference.adaptive, randomized: reference.adaptiveRandomized }) : null;
  const architecture = useAppStore((s) => s.card?.architecture);
  const images = useAppStore((s) => s.analysisParams.adaptiveN) as number | null;
  return (
    <AnalysisFrame kind="adaptive" title="Is the defence real? Adaptive and gradient-free attacks" runLabel="Run adaptive attacks"
      cost={adaptiveCostHint(architecture, images)}
      csv={result ? adaptiveCsv(result) : null} fileBase="jumprelu-adaptive"
      explain={<>
        <p>The paper's numbers come from attacks that use JumpReLU's exact gradient. That gradient ignores the jump at z = κ, so it can
          point an attacker the wrong way: <em>gradient masking</em>. A defence is only real if attackers that cannot be misled also need
          a larger perturbation. Here DeepFool runs with exact, straight-through (ReLU's backward; the forward pass stays JumpReLU, so every
          adversarial image still fools the real model) and smoothed gradients, FMN with exact and straight-through gradients, and Square
          Attack, which reads only scores. Every minimum-norm result is also refined: the smallest scale of the same perturbation that still
          fools. Compare the ratio column: if it falls towards 1× for the stronger attackers, the gain came from masking.</p>
        {randomized ? <p className="small">Randomized κ is on: the minimum-norm suite and its verdict below are for the fixed κ; the fixed-ε ensemble
          also attacks the randomized model with EOT and judges it over several κ draws (its own table).</p> : null}
      </>}
      reference={<ReferenceNote>{reference?.adaptive?.length
        ? <>Rows marked “reference” come from <code>npm run reproduce -- --adaptive</code> (n = {reference.adaptive.map((a) => a.count).filter((c, i, all) => all.indexOf(c) === i).join(' / ')} per κ, {reference.backend}).
          {referenceEnsemble(reference.adaptive) ? <> Its fixed-ε rows: {referenceEnsemble(reference.adaptive)}.</> : null}
          {referenceRandomized ? <span data-testid="adaptive-randomized-reference"> Its randomized model (<code>--randomized-only</code>, first {reference.adaptiveRandomized?.rows[0]?.count} images): {referenceRandomized}</span> : null}</>
        : <>The reference file (npm run reproduce, n={reference?.count}) has no adaptive section yet.</>}
        {reference?.binarization ? <BinarizationTable b={reference.binarization} /> : null}</ReferenceNote>}>
      {result ? (
        <>
          {adaptiveHeadline(result.sections) ? <p className="summary" data-testid="adaptive-headline"><strong>{adaptiveHeadline(result.sections)}</strong></p> : null}
          <CellTable sections={result.sections} reference={reference?.adaptive} />
          <h3>Robust accuracy vs ε, from each image's smallest perturbation over all attacks</h3>
          <div className="chart-pair">
            <RobustChart sections={result.sections} norm="l2" />
            <RobustChart sections={result.sections} norm="linf" />
          </div>
          <h3>Robust accuracy at fixed ε: the field's AutoAttack-style ensemble</h3>
          <RobustAccuracyTable sections={result.sections} reference={reference?.adaptive} />
          {/* The verdict from what ran; with randomized κ off, the reference file's, named as such. */}
          <RandomizedTable r={result.randomized ?? null} reference={reference?.adaptiveRandomized}
            verdict={result.randomized ? randomizedVerdict(result) : prefixed('Reference file: ', referenceRandomized)} />
          <FailureIndicators sections={result.sections} />
          <RedFlags sections={result.sections} />
          {adaptiveVerdict(result.sections) ? <p className="summary" data-testid="adaptive-verdict"><strong>{adaptiveVerdict(result.sections)}</strong></p> : null}
          <p className="muted small">n = {result.count} evaluation images, Square with {result.queries} queries per image, {(result.ms / 1000).toFixed(1)} s.</p>
        </>
      ) : null}
    </AnalysisFrame>
  );
}
