/**
 * `npm run crosscheck`: the paper's attacks in TF.js (Node, wasm) and in an independent PyTorch
 * implementation (scripts/crosscheck_torch.py, Debian python3-torch) on the same images and the same
 * shipped weights, printed cell by cell with relative differences: clean accuracy, IFGSM ("PGD") accuracy
 * and ρ, DeepFool L∞/L2 ρ and fool rate (white-box), and gray-box accuracies (crafted at κ = 0).
 * Target: every cell within 1% relative, or within one image for accuracies. Not part of `npm test`.
 *
 *   npm run crosscheck [-- --model mnist-lenetlike-base,cifar10-alexlike-base] [-- --n 200]
 *   npm run crosscheck -- --against-reference     # PyTorch vs public/reference/<model>.json at its n
 *   npm run crosscheck -- --model mnist-lenetlike-base --apgd [--n 200] [--steps 100]
 *   npm run crosscheck -- --detection /tmp/det.json [--tol 0.01]
 *
 * --detection <json>: the LID detector (Table 3) — scripts/crosscheck_lid.py (PyTorch activations, numpy
 * LID, sklearn's LogisticRegressionCV and roc_auc_score) on the images and features that
 * `npm run detection -- --out <json>` saved; every AUC within --tol (default 0.01) of ours.
 *
 * --apgd: APGD-CE L∞, APGD-CE L2 and APGD-T L∞ (Croce & Hein 2020; src/core/attacks/apgd-core.ts against
 * the PyTorch side's own implementation) on the same images from the same start (x⁰ = x: no random start),
 * pixel-range clipping, κ ∈ {0, card κ}, at a small ε per data set (APGD_EPSILON, pixel units). Compared:
 * robust accuracy (within one image) and the mean best loss over the attacked images, within 1% of the loss
 * scale, mean |loss| (the targeted DLR loss changes sign from image to image and its mean can sit near 0,
 * where a difference relative to the mean itself says nothing); the per-image mean |Δ loss| is printed beside it.
 *   npm run crosscheck -- --model mnist-mlp-base --exact [--count 5]   # the exact minimal perturbations
 *     (public/reference/<model>.json `exact`, training/exact_mip.py): each adversarial image fools the PyTorch
 *     model at its κ, and the image at 0.999× the perturbation does not; the first --count solved images per κ
 *
 * Defaults: all shipped models, the first 200 MNIST / 100 CIFAR-10 test images, κ ∈ {0, card κ}.
 * PYTHON overrides the interpreter (default /usr/bin/python3, the one Debian's python3-torch serves).
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readJsonOption } from './cli';
import { parseArgs } from 'node:util';
import { NORMALIZATION, pixelRange } from '../src/core/data/normalization';
import type { DatasetName } from '../src/core/data/manifest';
import { runApgd } from '../src/core/attacks/apgd-core';
import { gatherRows } from '../src/core/attacks/batch';
import { applyClip } from '../src/core/attacks/clip-range';
import { makeGoal } from '../src/core/attacks/goal';
import { predict } from '../src/core/attacks/run-attack';
import type { Distance } from '../src/core/attacks/types';
import { classifierFromRetrofit } from '../src/core/metrics/classifier-from-retrofit';
import { loadShardNode } from '../src/core/data/shard-node';
import { makeEvalSet } from '../src/core/metrics/eval-set';
import { PAPER_PROTOCOL } from '../src/core/metrics/paper-protocol';
import { robustnessTable, type TableRow } from '../src/core/metrics/robustness-table';
import { loadModelIndexNode, loadModelNode } from '../src/core/models/load-node';
import { registerKernels } from '../src/core/op/register';
import { retrofit } from '../src/core/retrofit/retrofit';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const COLUMNS = ['pgd', 'deepfool-linf', 'deepfool-l2'] as const;
type Column = (typeof COLUMNS)[number];

interface Side {
  kappa: number;
  clean: number;
  white: Record<Column, { accuracy: number; rho: number; foolRate: number }>;
  gray: Record<Column, { accuracy: number }>;
}

function fail(message: string, code = 2): never {
  console.error(`crosscheck: ${message}`);
  process.exit(code);
}

/** Runs the PyTorch side; a missing torch gets the one-line install hint. */
export function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

export function runTorch(args: string[]): unknown {
  const r = spawnSync(PYTHON, ['scripts/crosscheck_torch.py', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) fail(`PyTorch side failed (${PYTHON} scripts/crosscheck_torch.py ${args.join(' ')}):\n${r.stderr}`, 1);
  return JSON.parse(r.stdout);
}

export const TORCH_HINT = `PyTorch is not importable by ${PYTHON}: install it with \`sudo apt-get install python3-torch\` (Debian/Ubuntu; or set PYTHON to an interpreter that has torch)`;

function fromTable(white: TableRow[], gray: TableRow[]): Side[] {
  return white.map((w, i) => ({
    kappa: w.kappa as number,
    clean: w.clean,
    white: Object.fromEntries(COLUMNS.map((c) => [c, { accuracy: w.cells[c]!.accuracy, rho: w.cells[c]!.rho, foolRate: w.cells[c]!.foolRate }])) as Side['white'],
    gray: Object.fromEntries(COLUMNS.map((c) => [c, { accuracy: gray[i].cells[c]!.accuracy }])) as Side['gray'],
  }));
}

async function tfjsSide(modelId: string, n: number, kappas: number[]): Promise<Side[]> {
  const { model, card } = await loadModelNode(modelId);
  const shard = await loadShardNode(card.dataset);
  const set = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, NORMALIZATION[card.dataset], n, 0);
  const retrofitted = await retrofit(model, 0);
  const protocol = PAPER_PROTOCOL[card.dataset].filter((c) => (COLUMNS as readonly string[]).includes(c.key));
  try {
    const table = await robustnessTable({ retrofitted, normalization: NORMALIZATION[card.dataset], set }, kappas, protocol, { batchSize: 250, clip: 'paper', grayBox: true });
    return fromTable(table.whiteBox, table.grayBox);
  } finally {
    set.x.dispose();
    retrofitted.model.dispose();
    model.dispose();
  }
}

/** APGD radii in pixel units [0, 1], as the field reports them; divided by the mean std into normalised units. */
const APGD_EPSILON: Record<DatasetName, Record<Distance, number>> = {
  mnist: { linf: 0.1, l2: 1 },
  cifar10: { linf: 2 / 255, l2: 0.25 },
};

interface ApgdCase { key: string; distance: Distance; loss: 'ce' | 'dlr-t' }

const APGD_CASES: ApgdCase[] = [
  { key: 'APGD-CE L∞', distance: 'linf', loss: 'ce' },
  { key: 'APGD-CE L2', distance: 'l2', loss: 'ce' },
  { key: 'APGD-T L∞', distance: 'linf', loss: 'dlr-t' },
];

interface ApgdRow { kappa: number; robustAccuracy: number; attacked: number; meanLoss: number; meanAbsLoss: number; losses: (number | null)[]; seen: number; silent: number }

function apgdEpsilon(dataset: DatasetName, distance: Distance): number {
  const std = NORMALIZATION[dataset].std;
  return APGD_EPSILON[dataset][distance] / (std.reduce((a, b) => a + b, 0) / std.length);
}

/** The TF.js side of one APGD case: zero start, pixel clipping, batches of 250, the attacked rows only. */
async function apgdTfjs(modelId: string, n: number, kappas: number[], c: ApgdCase, steps: number): Promise<ApgdRow[]> {
  const { model, card } = await loadModelNode(modelId);
  const shard = await loadShardNode(card.dataset);
  const normalization = NORMALIZATION[card.dataset];
  const set = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, normalization, n, 0);
  const retrofitted = await retrofit(model, 0);
  const range = pixelRange(normalization);
  const epsilon = apgdEpsilon(card.dataset, c.distance);
  const rows: ApgdRow[] = [];
  try {
    for (const kappa of kappas) {
      const clf = classifierFromRetrofit(retrofitted, normalization, kappa);
      const row = { kappa, robustAccuracy: 0, attacked: 0, meanLoss: 0, meanAbsLoss: 0, losses: new Array<number | null>(n).fill(null), seen: 0, silent: 0 };
      for (let start = 0; start < n; start += 250) {
        const xb = tf.slice(set.x, [start, 0, 0, 0], [Math.min(250, n - start), -1, -1, -1]);
        const yb = set.labels.subarray(start, start + xb.shape[0]);
        const clean = await predict(clf, xb);
        const attacked = Array.from(yb.keys()).filter((i) => clean[i] === yb[i]);
        if (attacked.length) {
          const xs = gatherRows(xb, attacked);
          const y = Int32Array.from(attacked, (i) => yb[i]);
          const labels = tf.tensor1d(y, 'int32');
          const ctx = { classifier: clf, goal: makeGoal(y, null), clip: (t: tf.Tensor4D) => applyClip(t, range), tick: async () => undefined };
          const out = await runApgd(ctx, c.key, c.distance, xs, labels, { epsilon, steps, rho: 0.75, momentum: 0.75, randomStart: false, seed: 0, eotSamples: 1 },
            c.loss === 'ce' ? 'ce' : 'dlr-targeted');
          const p = await predict(clf, out.adversarial);
          tf.dispose([xs, labels, out.adversarial]);
          y.forEach((label, j) => {
            const robust = p[j] === label;
            row.robustAccuracy += robust ? 1 : 0;
            row.seen += out.everAdversarial[j];
            row.silent += out.everAdversarial[j] && robust ? 1 : 0;
            row.meanLoss += out.bestLoss[j];
            row.meanAbsLoss += Math.abs(out.bestLoss[j]);
            row.losses[start + attacked[j]] = out.bestLoss[j];
          });
          row.attacked += attacked.length;
        }
        xb.dispose();
      }
      const per = Math.max(row.attacked, 1);
      rows.push({ ...row, robustAccuracy: row.robustAccuracy / n, meanLoss: row.meanLoss / per, meanAbsLoss: row.meanAbsLoss / per });
    }
  } finally {
    set.x.dispose();
    retrofitted.model.dispose();
    model.dispose();
  }
  return rows;
}

/** `--apgd`: every case on every model, both sides; exit 1 when a cell is outside its tolerance. */
async function apgdMain(ids: string[], nArg: string | undefined, steps: number, index: Awaited<ReturnType<typeof loadModelIndexNode>>): Promise<never> {
  const printed: Record<string, string | number>[] = [];
  let outside = 0;
  for (const id of ids) {
    const entry = index.models.find((m) => m.id === id)!;
    const { card } = await loadModelNode(id);
    const n = Number(nArg ?? (entry.dataset === 'mnist' ? 200 : 100));
    const kappas = [0, card.kappa.default];
    for (const c of APGD_CASES) {
      const t0 = Date.now();
      const ours = await apgdTfjs(id, n, kappas, c, steps);
      const t1 = Date.now();
      const eps = apgdEpsilon(card.dataset, c.distance);
      const torch = runTorch(['--model', id, '--n', String(n), '--kappa', kappas.join(','), '--apgd', c.distance, '--apgd-loss', c.loss,
        '--eps', String(eps), '--steps', String(steps)]) as { rows: ApgdRow[]; torch: string };
      console.error(`crosscheck: ${id}, ${c.key}, ε = ${APGD_EPSILON[card.dataset][c.distance].toPrecision(3)} px (${eps.toPrecision(4)} normalised), n = ${n}: TF.js ${((t1 - t0) / 1000).toFixed(0)} s, PyTorch ${torch.torch} ${((Date.now() - t1) / 1000).toFixed(0)} s`);
      ours.forEach((a, i) => {
        const b = torch.rows[i];
        const images = Math.round(Math.abs(a.robustAccuracy - b.robustAccuracy) * n);
        const rel = Math.abs(a.meanLoss - b.meanLoss) / Math.max(b.meanAbsLoss, 1e-12);
        const pairs = a.losses.flatMap((v, j) => (v !== null && b.losses[j] !== null ? [Math.abs(v - b.losses[j]!)] : []));
        if (pairs.length !== a.attacked || b.attacked !== a.attacked) fail(`${id} ${c.key} κ = ${a.kappa}: the sides attacked different images (${a.attacked} vs ${b.attacked})`, 1);
        const perImage = pairs.reduce((s, v) => s + v, 0) / Math.max(pairs.length, 1);
        const ok = images <= 1 && rel <= 0.01;
        if (!ok) outside++;
        printed.push({ model: id, attack: c.key, 'κ': a.kappa, 'robust acc TF.js': a.robustAccuracy, 'robust acc PyTorch': b.robustAccuracy, images,
          'mean loss TF.js': Number(a.meanLoss.toFixed(5)), 'mean loss PyTorch': Number(b.meanLoss.toFixed(5)), 'Δ / mean |loss|': Number(rel.toPrecision(3)),
          'per-image mean |Δ|': Number(perImage.toPrecision(3)),
          'seen (TF.js/PyTorch)': `${a.seen}/${b.seen}`, 'silent (TF.js/PyTorch)': `${a.silent}/${b.silent}`, within: ok ? 'yes' : 'NO' });
      });
    }
  }
  console.table(printed);
  console.log(outside === 0
    ? `crosscheck --apgd: all ${printed.length} rows within one image (robust accuracy) and 1% of mean |loss| (mean best loss)`
    : `crosscheck --apgd: ${outside} of ${printed.length} rows outside one image / 1%`);
  process.exit(outside === 0 ? 0 : 1);
}

interface Cell { name: string; ours: number; torch: number; accuracy: boolean }

function cells(a: Side, b: Side): Cell[] {
  const out: Cell[] = [{ name: 'clean', ours: a.clean, torch: b.clean, accuracy: true }];
  for (const c of COLUMNS) {
    out.push({ name: `${c} acc`, ours: a.white[c].accuracy, torch: b.white[c].accuracy, accuracy: true });
    out.push({ name: `${c} ρ`, ours: a.white[c].rho, torch: b.white[c].rho, accuracy: false });
    if (c !== 'pgd') out.push({ name: `${c} fool rate`, ours: a.white[c].foolRate, torch: b.white[c].foolRate, accuracy: true });
  }
  for (const c of COLUMNS) out.push({ name: `gray ${c} acc`, ours: a.gray[c].accuracy, torch: b.gray[c].accuracy, accuracy: true });
  return out;
}

interface ExactRow { kappa: number; index: number; label: number; eps: number; epsTorch: number; clean: number; adversarial: number; near: number; ok: boolean }

/** The exact solutions checked by the PyTorch side alone (TF.js checked them when they were written). */
function exactMode(ids: string[], count: number): never {
  let bad = 0;
  const printed: Record<string, string | number>[] = [];
  for (const id of ids) {
    const r = runTorch(['--model', id, '--exact', String(count)]) as { exact: ExactRow[]; torch: string };
    if (!r.exact.length) fail(`${id}: the exact section has no solved image`);
    for (const e of r.exact) {
      if (!e.ok) bad++;
      printed.push({ model: id, 'κ': e.kappa, image: e.index, label: e.label, 'ε (pixel)': Number(e.eps.toFixed(6)),
        'clean →': e.clean, 'exact adversarial →': e.adversarial, '0.999× →': e.near, fools: e.ok ? 'yes, 0.999× does not' : 'NO' });
    }
  }
  console.table(printed);
  console.log(bad === 0
    ? `crosscheck --exact: all ${printed.length} exact adversarial images fool the PyTorch model and none at 0.999× does`
    : `crosscheck --exact: ${bad} of ${printed.length} exact solutions NOT confirmed by PyTorch`);
  process.exit(bad === 0 ? 0 : 1);
}

/** --detection: the sklearn/PyTorch check of a detection.ts result file; exits with its status. */
function detectionMain(file: string, tol: string | undefined): never {
  const rows: unknown = readJsonOption(fail, 'detection', file, `; write one with npm run detection -- --out ${file}`).rows;
  if (!Array.isArray(rows) || !rows.length) fail(`--detection ${file}: not a detection result (no rows); write one with npm run detection -- --out ${file}`);
  const r = spawnSync(PYTHON, ['scripts/crosscheck_lid.py', file, ...(tol ? ['--tol', tol] : [])], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, n: { type: 'string' }, 'against-reference': { type: 'boolean', default: false },
    apgd: { type: 'boolean', default: false }, steps: { type: 'string' }, detection: { type: 'string' }, tol: { type: 'string' },
    exact: { type: 'boolean', default: false }, count: { type: 'string' } }, strict: true });
  if (!torchAvailable()) fail(TORCH_HINT);
  if (values.tol !== undefined && !(values.detection && Number(values.tol) > 0)) fail(`--tol (with --detection) must be a positive number, got "${values.tol}"`);
  if (values.detection !== undefined) detectionMain(values.detection, values.tol);
  await tf.setBackend('wasm');
  await tf.ready();
  registerKernels();
  const index = await loadModelIndexNode();
  const known = index.models.map((m) => m.id);
  const ids = values.model ? values.model.split(',').map((s) => s.trim()) : known;
  for (const id of ids) if (!known.includes(id)) fail(`unknown model "${id}"; the shipped models are ${known.join(', ')}`);
  if (values.n !== undefined && !(Number.isInteger(Number(values.n)) && Number(values.n) > 0)) fail(`--n must be a positive integer, got "${values.n}"`);
  if (values.steps !== undefined && !(values.apgd && Number.isInteger(Number(values.steps)) && Number(values.steps) > 0)) fail(`--steps (APGD only) must be a positive integer, got "${values.steps}"`);
  if (values.apgd) await apgdMain(ids, values.n, Number(values.steps ?? 100), index);
  if (values.exact) {
    const count = Number(values.count ?? 5);
    if (!(Number.isInteger(count) && count > 0)) fail(`--count must be a positive integer, got "${values.count}"`);
    exactMode(values.model ? ids : ['mnist-mlp-base'], count);
  }

  let worstRho = 0;
  let worstImages = 0;
  let outside = 0;
  const printed: Record<string, string | number>[] = [];
  for (const id of ids) {
    const entry = index.models.find((m) => m.id === id)!;
    const { card } = await loadModelNode(id);
    let ours: Side[];
    let n: number;
    const started = Date.now();
    if (values['against-reference']) {
      const ref = JSON.parse(readFileSync(`public/reference/${id}.json`, 'utf8')) as { count: number; seed: number; clip: string; whiteBox: TableRow[]; grayBox: TableRow[] };
      if (ref.seed !== 0 || ref.clip !== 'paper') fail(`public/reference/${id}.json was made with seed ${ref.seed} / clip ${ref.clip}; the cross-check needs seed 0, paper clipping`);
      n = ref.count;
      ours = fromTable(ref.whiteBox.filter((r) => typeof r.kappa === 'number'), ref.grayBox);
    } else {
      n = Number(values.n ?? (entry.dataset === 'mnist' ? 200 : 100));
      ours = await tfjsSide(id, n, [0, card.kappa.default]);
    }
    const tfjsSeconds = (Date.now() - started) / 1000;
    const t1 = Date.now();
    const torch = runTorch(['--model', id, '--n', String(n), '--kappa', ours.map((s) => s.kappa).join(',')]) as { rows: Side[]; torch: string };
    console.error(`crosscheck: ${id}, n = ${n}: TF.js ${values['against-reference'] ? 'from public/reference' : `${tfjsSeconds.toFixed(0)} s`}, PyTorch ${torch.torch} ${((Date.now() - t1) / 1000).toFixed(0)} s`);
    ours.forEach((side, i) => {
      for (const c of cells(side, torch.rows[i])) {
        const diff = c.ours - c.torch;
        const rel = Math.abs(diff) / Math.max(Math.abs(c.torch), 1e-12);
        const images = c.accuracy ? Math.round(Math.abs(diff) * n) : null;
        const ok = rel <= 0.01 || (images !== null && images <= 1) || Math.abs(diff) < 1e-12;
        if (!ok) outside++;
        if (images === null) worstRho = Math.max(worstRho, rel);
        else worstImages = Math.max(worstImages, images);
        printed.push({ model: id, n, 'κ': side.kappa, cell: c.name, 'TF.js': Number(c.ours.toFixed(5)), PyTorch: Number(c.torch.toFixed(5)),
          'rel diff': Number(rel.toPrecision(3)), images: images ?? '', within: ok ? 'yes' : 'NO' });
      }
    });
  }
  console.table(printed);
  const summary = `largest ρ difference ${(100 * worstRho).toPrecision(3)}% relative, largest accuracy difference ${worstImages} image(s)`;
  console.log(outside === 0
    ? `crosscheck: all ${printed.length} cells within 1% relative (accuracies: or within one image); ${summary}`
    : `crosscheck: ${outside} of ${printed.length} cells outside 1% relative / one image; ${summary}`);
  process.exit(outside === 0 ? 0 : 1);
}

if (process.argv[1]?.endsWith('crosscheck.ts')) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
