/**
 * Table 3 live: would an add-on detector (LID, Ma et al. 2018, the authors' protocol) catch the paper's
 * adversarials, with and without the jump — and would it catch an attacker who knows it is there? The
 * table puts our held-out AUC beside the paper's (CIFAR-10; the paper names neither network nor κ, we
 * assume AlexLike at κ = 0.4), the chart draws the ROC curves, and the verdict sentence reads both.
 */
import { Fragment, type ReactNode } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { selectReference } from '../../state/selectors';
import { useAppStore } from '../../state/react';
import type { DatasetName, DetectionResult, DetectionRow } from '../../worker/jobs';
import type { DetectionReference } from '../../core/metrics/reference-file';
import { AnalysisFrame, pct, ReferenceNote, type CsvData } from './analysis-frame';
import { PAPER_TABLE3, PAPER_TABLE3_ASSUMED } from './paper-numbers';

/** The attacks that ignore the detector (the paper's columns), then the attacker who knows it and its blind control. */
export const UNAWARE = ['pgd', 'deepfool-linf', 'deepfool-l2', 'trust-region'] as const;
const ORDER: readonly string[] = [...UNAWARE, 'lid-aware', 'lid-aware-blind'];
const COLORS: Record<string, string> = {
  pgd: '#3456a8', 'deepfool-linf': '#17803d', 'deepfool-l2': '#a15c00', 'trust-region': '#6b3fa0', 'lid-aware': '#b4231c', 'lid-aware-blind': '#5f6b7a',
};

/** The paper's Table 3 AUC (fraction) for an attack at κ = 0 ("LID") or κ > 0 ("LID + JumpReLU"); CIFAR-10 only. */
export function paperAuc(attack: string, kappa: number, dataset: DatasetName): number | null {
  const p = (PAPER_TABLE3 as Record<string, { lid: number; jump: number } | undefined>)[attack];
  if (!p || dataset !== PAPER_TABLE3_ASSUMED.dataset) return null;
  return (kappa === 0 ? p.lid : p.jump) / 100;
}

/**
 * Hanley & McNeil (1982) standard error of an AUC with `pos` positives and `neg` negatives (here the
 * held-out adversarials, and the clean plus noisy images).
 */
export function aucStandardError(auc: number, pos: number, neg: number): number {
  if (!Number.isFinite(auc) || pos < 1 || neg < 1) return NaN;
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  return Math.sqrt(Math.max(0, (auc * (1 - auc) + (pos - 1) * (q1 - auc * auc) + (neg - 1) * (q2 - auc * auc)) / (pos * neg)));
}

const rowSe = (r: DetectionRow) => aucStandardError(r.auc, r.testPerSet, 2 * r.testPerSet);
const find = (rows: readonly DetectionRow[], attack: string, kappa: number) =>
  rows.find((r) => r.attack === attack && r.kappa === kappa && Number.isFinite(r.auc));
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const pts = (v: number) => `${(100 * Math.abs(v)).toFixed(1)} points`;

/**
 * What a student should conclude from this run: does the jump raise the detector's AUC against attacks
 * that ignore it (the paper's claim), and does an attacker who knows the detector get past it? "Within
 * noise" is twice the mean Hanley–McNeil standard error of the rows compared. Null before anything measured.
 */
export function detectionVerdict(rows: readonly DetectionRow[], kappa: number): string | null {
  const parts: string[] = [];
  const pairs = UNAWARE.map((a) => [find(rows, a, 0), find(rows, a, kappa)] as const).filter((p): p is readonly [DetectionRow, DetectionRow] => !!p[0] && !!p[1]);
  if (kappa === 0) {
    const base = UNAWARE.map((a) => find(rows, a, 0)).filter((r): r is DetectionRow => !!r);
    if (base.length) parts.push(`At κ = 0 the detector reaches an AUC of ${pct(mean(base.map((r) => r.auc)))} on average over ${base.length} attacks that ignore it; set κ > 0 to see whether the jump helps it (the paper's Table 3 claim).`);
  } else if (pairs.length) {
    const [a0, aK] = [mean(pairs.map((p) => p[0].auc)), mean(pairs.map((p) => p[1].auc))];
    const noise = 2 * mean(pairs.flatMap((p) => [rowSe(p[0]), rowSe(p[1])]));
    const d = aK - a0;
    const nums = `from ${pct(a0)} at κ = 0 to ${pct(aK)} at κ = ${kappa} (mean of ${pairs.length} attacks that ignore the detector)`;
    if (d > noise) parts.push(`The jump helps the detector, as the paper's Table 3 claims: its AUC rises ${nums}, ${pts(d)}, more than the noise of this sample (±${pts(noise)}).`);
    else if (d < -noise) parts.push(`The jump hurts the detector here, against the paper's Table 3: its AUC falls ${nums}, ${pts(d)}, more than the noise of this sample (±${pts(noise)}).`);
    else parts.push(`This run cannot tell whether the jump helps the detector: its AUC goes ${nums}, a change within the noise of this sample (±${pts(noise)}); more images narrow it.`);
  }
  const aware = find(rows, 'lid-aware', kappa);
  const blind = find(rows, 'lid-aware-blind', kappa);
  if (aware) {
    const noise = blind ? 2 * mean([rowSe(aware), rowSe(blind)]) : 0;
    const vs = blind ? ` (the same attack blind to it: ${pct(blind.auc)})` : '';
    let reading: string;
    if (aware.auc < 0.6) reading = 'close to chance (50 %): the detector is bypassed';
    else if (blind && blind.auc - aware.auc > noise) reading = `lower by ${pts(blind.auc - aware.auc)}: knowing the detector helps the attacker`;
    else reading = 'no lower beyond the noise of this sample: this attacker, at this budget, gains little';
    parts.push(`An attacker who knows the detector brings its AUC at κ = ${kappa} to ${pct(aware.auc)}${vs}, ${reading}.`);
  }
  if (!parts.length) return null;
  parts.push('What to conclude: a detector\'s AUC against attackers who do not know it is an upper bound, not a guarantee; the number that counts is the attacker\'s who does (Carlini & Wagner 2017; Athalye et al. 2018).');
  return parts.join(' ');
}

/** One CSV row per attack and κ: ours, its standard error, the paper's, and what the row used. */
export function detectionCsv(result: DetectionResult, dataset: DatasetName): CsvData {
  return {
    header: ['attack', 'title', 'kappa', 'auc', 'auc_se', 'paper_auc', 'paper_assumed', 'used', 'held_out_per_set', 'attacked', 'correct', 'fooled',
      'noise_sigma', 'mean_adversarial_l2', 'mean_noise_l2', 'lid_k', 'minibatch', 'seconds', 'error'],
    rows: result.rows.map((r) => {
      const paper = paperAuc(r.attack, r.kappa, dataset);
      return [r.attack, r.title, r.kappa, r.auc, rowSe(r), paper,
        paper === null ? '' : `${PAPER_TABLE3_ASSUMED.network}, κ = ${r.kappa === 0 ? 0 : PAPER_TABLE3_ASSUMED.kappa} (assumed; the paper names neither)`,
        r.used, r.testPerSet, r.attacked, r.correct, r.fooled, r.sigma, r.meanAdversarialL2, r.meanNoiseL2, result.k, result.request.batch, r.seconds, r.error ?? ''];
    }),
  };
}

function RocChart({ rows, kappa }: { rows: DetectionRow[]; kappa: number }) {
  const drawn = rows.filter((r) => Number.isFinite(r.auc) && r.roc.length);
  return (
    <div className="chart" data-testid="detection-roc">
      <ResponsiveContainer width="100%" height={300}>
        <LineChart margin={{ top: 10, right: 20, bottom: 20, left: 10 }}>
          <CartesianGrid stroke="#e3e6ec" />
          <XAxis dataKey="fpr" type="number" domain={[0, 1]} label={{ value: 'false positive rate (clean and noisy called adversarial)', position: 'insideBottom', offset: -8 }} />
          <YAxis dataKey="tpr" type="number" domain={[0, 1]} label={{ value: 'true positive rate', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
          <Tooltip formatter={(v) => Number(v).toFixed(3)} />
          <Legend verticalAlign="top" />
          <Line data={[{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }]} dataKey="tpr" name="chance" legendType="none" stroke="#9aa3b2" strokeDasharray="2 4" dot={false} isAnimationActive={false} />
          {drawn.map((r) => (
            <Line key={`${r.attack}-${r.kappa}`} data={r.roc} dataKey="tpr" name={r.title} dot={false}
              // One legend entry per attack (its colour); the dash says the κ, the table the AUC.
              legendType={r.kappa === 0 && kappa !== 0 ? 'none' : 'line'}
              stroke={COLORS[r.attack] ?? '#1d2330'} strokeDasharray={r.kappa === 0 ? '6 3' : undefined} strokeWidth={2} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <p className="muted small">Dashed: κ = 0 (ReLU); solid: κ = {kappa}; dotted diagonal: chance. Held-out part only; the AUCs are in the table above.</p>
    </div>
  );
}

/** One column group of an AUC table: a header and a cell per κ. */
interface AucColumns { key: string; head(kappa: number): ReactNode; cell(attack: string, kappa: number): ReactNode }

/** The attacks (rows, in the paper's order) against column groups per κ: the live run, the paper, the reference file. */
function AucTable({ rows, kappas, columns, testId, label }: { rows: readonly { attack: string; title: string }[]; kappas: number[];
  columns: AucColumns[]; testId: string; label: string }) {
  const attacks = ORDER.filter((a) => rows.some((r) => r.attack === a));
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
    <table className="data-table" data-testid={testId}>
      <thead>
        <tr>
          <th>attack</th>
          {columns.map((c) => kappas.map((k) => <th key={`${c.key}${k}`}>{c.head(k)}</th>))}
        </tr>
      </thead>
      <tbody>
        {attacks.map((a) => (
          <tr key={a}>
            <th scope="row">{rows.find((r) => r.attack === a)!.title}</th>
            {columns.map((c) => kappas.map((k) => <Fragment key={`${c.key}${k}`}>{c.cell(a, k)}</Fragment>))}
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

const auc = (rows: readonly { attack: string; kappa: number; auc: number }[], a: string, k: number) => pct(rows.find((r) => r.attack === a && r.kappa === k)?.auc);
const paperColumns = (dataset: DatasetName): AucColumns => ({
  key: 'p', head: (k) => <>paper Table 3, {k === 0 ? 'LID' : 'LID + JumpReLU'}</>, cell: (a, k) => <td>{pct(paperAuc(a, k, dataset))}</td>,
});
const referenceColumns = (reference: DetectionReference): AucColumns => ({
  key: 'r', head: (k) => <>reproduce, κ = {k}</>, cell: (a, k) => <td>{auc(reference.rows, a, k)}</td>,
});

function DetectionTable({ result, dataset }: { result: DetectionResult; dataset: DatasetName }) {
  const kappa = result.request.kappa;
  const reference = useAppStore((s) => selectReference(s)?.detection ?? null);
  const live: AucColumns = {
    key: 'l', head: (k) => <>AUC, κ = {k}</>,
    cell: (a, k) => {
      const r = result.rows.find((x) => x.attack === a && x.kappa === k);
      return !r ? <td>—</td> : r.error
        ? <td className="warn small" title={r.error}>not measured</td>
        : <td title={`±${(100 * rowSe(r)).toFixed(1)} (Hanley–McNeil); ${r.used} images used, ${r.testPerSet} per set held out`}>{pct(r.auc)}</td>;
    },
  };
  return <AucTable rows={result.rows} kappas={kappa === 0 ? [0] : [0, kappa]} testId="detection-table" label="detector AUC per attack and κ"
    columns={[live, paperColumns(dataset), ...(reference ? [referenceColumns(reference)] : [])]} />;
}

/**
 * Before a run (or for another model's run): the model's reference file, measured offline by `npm run reproduce --
 * --detection`, with the paper's column and the verdict its rows give — so a CIFAR-10 model shows Table 3 at once
 * instead of after a run of tens of minutes.
 */
function ReferenceDetectionTable({ reference, dataset }: { reference: DetectionReference; dataset: DatasetName }) {
  const kappa = Math.max(...reference.rows.map((r) => r.kappa));
  const verdict = detectionVerdict(reference.rows as unknown as DetectionRow[], kappa);
  return (
    <>
      <p className="muted small">Measured offline with <code>npm run reproduce -- --detection</code> on this model (n = {reference.n} per
          row, minibatch {reference.batch}); press “Compute detection” to measure it here.</p>
      <AucTable rows={reference.rows} kappas={kappa === 0 ? [0] : [0, kappa]} testId="detection-reference-table" label="detector AUC measured offline"
        columns={[referenceColumns(reference), paperColumns(dataset)]} />
      {verdict ? <p className="summary" data-testid="detection-reference-verdict">{verdict}</p> : null}
    </>
  );
}

export function DetectionPanel() {
  const result = useAppStore((s) => (s.jobs.detection.result?.request.modelId === s.modelId ? s.jobs.detection.result : null));
  const dataset = useAppStore((s) => s.card?.dataset ?? 'mnist');
  const reference = useAppStore((s) => selectReference(s)?.detection ?? null);
  const verdict = result ? detectionVerdict(result.rows, result.request.kappa) : null;
  const errors = result ? result.rows.filter((r) => r.error) : [];
  return (
    <AnalysisFrame kind="detection" title="Would a detector catch it? (Table 3)" runLabel="Compute detection" csv={result ? detectionCsv(result, dataset) : null}
      fileBase="jumprelu-detection"
      cost="every attack at κ = 0 and the current κ, then the LID features: minutes on wasm (MNIST, 200 images: the LID-aware rows take most of it; 0 steps skips them), longer for CIFAR-10"
      explain={<>The paper's last claim (Table 3): an add-on detector catches more adversarial examples when the network uses JumpReLU.
        The detector is Ma et al.'s (ICLR 2018), on the authors' protocol: per image the local intrinsic dimensionality (k = 20 nearest
        clean neighbours in a minibatch, the nearest dropped as the authors' code does) at the input, after every JumpReLU and at the
        logits; logistic regression (cross-validated C) on clean and Gaussian-noise images against adversarial ones, 80 % of the
        minibatches to train, 20 % held out for the AUC. The same κ crafts the attack and reads the features. Beside the paper's attacks,
        an attacker who knows the detector (PGD that also pulls its LID toward the clean image's, straight-through gradients through the
        jump) and the same attack blind to it. The paper's numbers are CIFAR-10 and name neither network nor κ: we assume
        {` ${PAPER_TABLE3_ASSUMED.network}`} at κ = {PAPER_TABLE3_ASSUMED.kappa}.{dataset !== 'cifar10' ? ' This model is not a CIFAR-10 one, so the paper column stays empty.' : ''}
        {' '}Trust Region is off by default (0 steps; the paper's 1000 take minutes).</>}
      reference={<ReferenceNote>{reference ? <>The “reproduce” columns come from <code>npm run reproduce -- --detection</code> (n = {reference.n} per row, minibatch {reference.batch}).</> : null}</ReferenceNote>}>
      {result ? (
        <>
          <DetectionTable result={result} dataset={dataset} />
          {verdict ? <p className="summary" data-testid="detection-verdict">{verdict}</p> : null}
          <RocChart rows={result.rows} kappa={result.request.kappa} />
          {errors.length ? <ul className="warn small">{errors.map((r) => <li key={`${r.attack}-${r.kappa}`}>{r.title} at κ = {r.kappa}: {r.error}</li>)}</ul> : null}
          <p className="muted small">
            {result.request.sample} images per row in minibatches of {result.request.batch} (the paper's protocol: 100), k = {result.k}; features at
            {` ${result.taps.join(', ')}`}; noise σ {result.request.sigma === null ? 'matched to the adversarial L2 (Ma et al.)' : `= ${result.request.sigma}`};
            {` ${(result.ms / 1000).toFixed(1)} s.`}
          </p>
        </>
      ) : reference ? <ReferenceDetectionTable reference={reference} dataset={dataset} /> : null}
    </AnalysisFrame>
  );
}
