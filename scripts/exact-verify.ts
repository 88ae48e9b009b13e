/**
 * Checks training/exact_mip.py's exact minimal L∞ perturbations in TF.js (Node, wasm) and writes them into
 * public/reference/<id>.json as its `exact` section; with --attacks also runs the app's L∞ attacks on the same
 * images (DeepFool L∞ with exact and straight-through gradients, FMN L∞ both ways, Square L∞; each refined to
 * the boundary; pixel clipping, the MILP's box) and records each one's per-image ε and the best of them; then
 * APGD-CE L∞ and APGD-T L∞ (both gradient modes), fixed-budget attacks whose ε per image is the smallest budget
 * at which they fool, by bisection (see APGD_BISECTION), on the images with a trusted exact ε only.
 *
 *   node --import tsx scripts/exact-verify.ts --model mnist-mlp-base [--attacks] [--count N]
 *
 * --count N: only the first N images (by index) per κ, for a quick look; the section written then holds only those.
 *
 * Reads every training/exact/<id>*.jsonl. For each solved image and κ: the exact adversarial image (float32)
 * must lie in [0, 1] within ε of the clean image, be misclassified by the retrofitted network at κ, and the
 * image at 0.999× the perturbation must be classified correctly; any failure is printed and exits 1 (the
 * section is still written, with `verified: false` on that entry, so nothing is hidden).
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getAttack, runAnyAttack, type AttackId } from '../src/core/attacks/index';
import { NORMALIZATION } from '../src/core/data/normalization';
import { loadShardNode } from '../src/core/data/shard-node';
import { gatherRows } from '../src/core/attacks/batch';
import { bestOf } from '../src/core/metrics/best-of';
import { refineToBoundary } from '../src/core/metrics/boundary-refinement';
import { classifierFromRetrofit } from '../src/core/metrics/classifier-from-retrofit';
import { epsilonBisection } from '../src/core/metrics/epsilon-bisection';
import { attackGaps, kappaVerdict, median, trusted, type ExactAttackRow, type ExactSection, type ExactSolution } from '../src/core/metrics/exact-gap';
import { loadModelNode } from '../src/core/models/load-node';
import { registerKernels } from '../src/core/op/register';
import type { GradientMode } from '../src/core/op/gradient-mode';
import { retrofit } from '../src/core/retrofit/retrofit';
import { failer, runMain, type Fail } from './cli';

const fail: Fail = failer('exact-verify');

interface Line {
  index: number; label: number; kappa: number; status: string; eps?: number; seconds?: number; x?: string;
  pgdEps?: number; attackSeconds?: number; unstable?: number; classes?: number; target?: number;
  solver: { name: string; cbc: string; pulp: string }; timeLimit: number; onMargin: number; logitMargin: number; gapRel: number;
}

const ATTACKS: { key: string; attack: AttackId; gradientMode?: GradientMode; options: Record<string, unknown> }[] = [
  { key: 'deepfool-linf+exact', attack: 'deepfool-linf', gradientMode: 'exact', options: { steps: 40, overshoot: 0.02 } },
  { key: 'deepfool-linf+straight-through', attack: 'deepfool-linf', gradientMode: 'straight-through', options: { steps: 40, overshoot: 0.02 } },
  { key: 'fmn-linf+exact', attack: 'fmn-linf', gradientMode: 'exact', options: { steps: 100 } },
  { key: 'fmn-linf+straight-through', attack: 'fmn-linf', gradientMode: 'straight-through', options: { steps: 100 } },
  { key: 'square-linf', attack: 'square-linf', options: { epsilon: 0.3 / 0.3081, queries: 1000 } },
];

/**
 * APGD's per-image ε: the smallest budget at which it fools (core/metrics/epsilon-bisection.ts), then refined
 * to the boundary along its δ like the rows above. Bracket [0, u] with u the smallest ‖δ‖∞ the attacks above
 * found on the image (their best-of, refined), or 2·ε* where none fooled it; if APGD fails at u, once more at
 * 2u, and if that fails too it counts as not fooled. 10 halvings: resolution u/1024 (2u/1024 after the
 * expansion), about 0.1% of ε where u is near ε*. Each run: AutoAttack's 100 iterations; APGD-T its 9 target
 * classes. Only on images with a trusted exact ε (the gap needs it; each costs ~12 runs per row).
 */
const APGD_BISECTION = { steps: 10, expand: 2 } as const;
const APGD: { key: string; attack: AttackId; gradientMode: GradientMode; options: Record<string, unknown> }[] = [
  { key: 'apgd-ce-linf+exact', attack: 'apgd-ce-linf', gradientMode: 'exact', options: { steps: 100 } },
  { key: 'apgd-ce-linf+straight-through', attack: 'apgd-ce-linf', gradientMode: 'straight-through', options: { steps: 100 } },
  { key: 'apgd-t-linf+exact', attack: 'apgd-t-linf', gradientMode: 'exact', options: { steps: 100, targetClasses: 9 } },
  { key: 'apgd-t-linf+straight-through', attack: 'apgd-t-linf', gradientMode: 'straight-through', options: { steps: 100, targetClasses: 9 } },
];
const APGD_METHOD = `smallest budget at which it fools, by bisection: bracket [0, u], u = the other attacks' best ε on the image `
  + `(2·ε* where none fooled it; 2u if APGD fails at u), ${APGD_BISECTION.steps} halvings (resolution u/${2 ** APGD_BISECTION.steps}), `
  + '100 iterations per run (APGD-T: 9 target classes), then refined to the boundary along its δ';

function decode(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, attacks: { type: 'boolean', default: false }, count: { type: 'string' } }, strict: true });
  const id = values.model ?? fail('--model <id> is required');
  const count = values.count === undefined ? Infinity : Number(values.count);
  if (!(Number.isInteger(count) && count >= 1) && count !== Infinity) fail(`--count must be an integer ≥ 1, got ${String(values.count)}`);
  const dir = 'training/exact';
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(id) && f.endsWith('.jsonl')) : [];
  if (!files.length) fail(`no ${dir}/${id}*.jsonl: run /usr/bin/python3 training/exact_mip.py ${id} first`);
  const byKey = new Map<string, Line>();
  for (const f of files) {
    for (const raw of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!raw.trim()) continue;
      const l = JSON.parse(raw) as Line;
      byKey.set(`${l.kappa}/${l.index}`, l);
    }
  }
  const lines = [...byKey.values()];
  const kappas = [...new Set(lines.map((l) => l.kappa))].sort((a, b) => a - b);

  await tf.setBackend('wasm');
  await tf.ready();
  registerKernels();
  const { model, card } = await loadModelNode(id);
  if (card.dataset !== 'mnist') fail('only single-channel (MNIST) models: ε in pixel units is ‖δ‖∞ · std');
  const norm = NORMALIZATION[card.dataset];
  const std = norm.std[0];
  const shard = await loadShardNode(card.dataset);
  const size = 28 * 28;
  const retrofitted = await retrofit(model, 0);
  const toInput = (pixels: Float32Array | Float64Array, n: number) =>
    tf.tidy(() => tf.div(tf.sub(tf.tensor4d(Float32Array.from(pixels), [n, 28, 28, 1]), norm.mean), norm.std) as tf.Tensor4D);
  const predict = (k: number, pixels: Float32Array | Float64Array, n: number): Int32Array => {
    const clf = classifierFromRetrofit(retrofitted, norm, k);
    return tf.tidy(() => {
      const x = toInput(pixels, n);
      return Int32Array.from(tf.argMax(clf.logits(x), 1).dataSync());
    });
  };

  let failures = 0;
  const rows: ExactSection['rows'] = [];
  for (const k of kappas) {
    const solutions: ExactSolution[] = [];
    for (const l of lines.filter((q) => q.kappa === k).sort((a, b) => a.index - b.index).slice(0, count)) {
      const x0 = Float64Array.from(shard.images.subarray(l.index * size, (l.index + 1) * size), (v) => v / 255);
      const sol: ExactSolution = { index: l.index, label: l.label, status: l.status, eps: null, seconds: l.seconds ?? null,
        upperBound: l.pgdEps ?? null, unstable: l.unstable ?? null, adversarial: null, verified: null };
      if (l.status === 'optimal' && l.x) {
        const xa = decode(l.x);
        let eps = 0;
        let inBox = true;
        for (let i = 0; i < size; i++) {
          eps = Math.max(eps, Math.abs(xa[i] - x0[i]));
          if (xa[i] < 0 || xa[i] > 1) inBox = false;
        }
        const scaled = Float32Array.from(xa, (v, i) => x0[i] + 0.999 * (v - x0[i]));
        const both = new Float32Array(3 * size);
        both.set(Float32Array.from(x0), 0);
        both.set(xa, size);
        both.set(scaled, 2 * size);
        const [clean, adv, near] = predict(k, both, 3);
        const ok = inBox && clean === l.label && adv !== l.label && near === l.label && Math.abs(eps - (l.eps ?? NaN)) < 1e-6;
        if (!ok) {
          failures++;
          console.error(`exact-verify: κ ${k} image ${l.index}: FAILED (in box ${inBox}, clean → ${clean}, adversarial → ${adv}, 0.999× → ${near}, label ${l.label}, ε ${eps} vs ${l.eps})`);
        }
        Object.assign(sol, { eps, predicted: adv, adversarial: l.x, verified: ok });
      }
      solutions.push(sol);
    }
    const solved = solutions.filter((s) => s.status === 'optimal');
    console.log(`κ ${k}: ${solved.length} of ${solutions.length} solved, ${solved.filter((s) => s.verified).length} verified in TF.js (wasm)`);
    rows.push({ kappa: k, solutions, attacks: [] });
  }

  if (values.attacks) {
    for (const row of rows) {
      const idx = row.solutions.map((s) => s.index);
      const n = idx.length;
      const pixels = new Float32Array(n * size);
      idx.forEach((src, i) => pixels.set(Float32Array.from(shard.images.subarray(src * size, (src + 1) * size), (v) => v / 255), i * size));
      const x = toInput(pixels, n);
      const labels = Int32Array.from(idx, (i) => shard.labels[i]);
      const clf = classifierFromRetrofit(retrofitted, norm, row.kappa);
      const outcomes = [];
      for (const spec of ATTACKS) {
        const t0 = performance.now();
        const attack = getAttack(spec.attack);
        const r = await runAnyAttack(attack, clf, x, labels, { ...spec.options, ...(spec.gradientMode ? { gradientMode: spec.gradientMode } : {}), clip: 'pixel' });
        const ref = await refineToBoundary(clf, x, r.adversarial, labels, r.success, {});
        const eps = Array.from(ref.linf, (v, i) => (r.success[i] ? v * std : null));
        outcomes.push({ success: r.success, l2: ref.l2, linf: ref.linf, rhoL2: ref.rhoL2, rhoLinf: ref.rhoLinf });
        ref.adversarial.dispose();
        r.adversarial.dispose();
        const seconds = (performance.now() - t0) / 1000;
        row.attacks.push({ key: spec.key, attack: spec.attack, gradientMode: spec.gradientMode ?? null, eps, seconds } satisfies ExactAttackRow);
        console.log(`κ ${row.kappa}: ${spec.key} fooled ${eps.filter((e) => e !== null).length}/${n} (${seconds.toFixed(1)} s)`);
      }
      // APGD (see APGD_BISECTION) on the images with a trusted exact ε, bracketed by what the attacks above found.
      const above = bestOf(outcomes, n);
      const attempted = row.solutions.map(trusted);
      const rowsIn = idx.flatMap((_, i) => (attempted[i] ? [i] : []));
      const upper = rowsIn.map((i) => (Number.isFinite(above.linf[i]) ? above.linf[i] : (2 * row.solutions[i].eps!) / std));
      const xIn = rowsIn.length ? gatherRows(x, rowsIn) : null;
      const labelsIn = Int32Array.from(rowsIn, (i) => labels[i]);
      for (const spec of APGD) {
        if (!xIn) {
          row.attacks.push({ key: spec.key, attack: spec.attack, gradientMode: spec.gradientMode, eps: idx.map(() => null), seconds: 0, attempted, method: APGD_METHOD });
          continue;
        }
        const t0 = performance.now();
        const bis = await epsilonBisection(getAttack(spec.attack), clf, xIn, labelsIn,
          { upper, ...APGD_BISECTION, attackOptions: { ...spec.options, gradientMode: spec.gradientMode, clip: 'pixel' } });
        const ref = await refineToBoundary(clf, xIn, bis.adversarial, labelsIn, bis.success, {});
        const at = new Map(rowsIn.map((i, j) => [i, j]));
        const pick = (a: ArrayLike<number>, i: number) => (at.has(i) && bis.success[at.get(i)!] ? a[at.get(i)!] : 0);
        const success = Uint8Array.from(idx, (_, i) => (at.has(i) ? bis.success[at.get(i)!] : 0));
        outcomes.push({ success, l2: idx.map((_, i) => pick(ref.l2, i)), linf: idx.map((_, i) => pick(ref.linf, i)),
          rhoL2: idx.map((_, i) => pick(ref.rhoL2, i)), rhoLinf: idx.map((_, i) => pick(ref.rhoLinf, i)) });
        const eps = idx.map((_, i) => (success[i] ? pick(ref.linf, i) * std : null));
        tf.dispose([ref.adversarial, bis.adversarial]);
        const seconds = (performance.now() - t0) / 1000;
        row.attacks.push({ key: spec.key, attack: spec.attack, gradientMode: spec.gradientMode, eps, seconds, attempted, method: APGD_METHOD } satisfies ExactAttackRow);
        console.log(`κ ${row.kappa}: ${spec.key} fooled ${eps.filter((e) => e !== null).length}/${rowsIn.length} attempted `
          + `(${seconds.toFixed(1)} s, ${(seconds / Math.max(1, rowsIn.length)).toFixed(1)} s per image, ${bis.runs} runs)`);
      }
      xIn?.dispose();
      const best = bestOf(outcomes, n);
      row.attacks.push({ key: 'best-of', attack: 'best-of', gradientMode: null, eps: Array.from(best.linf, (v) => (Number.isFinite(v) ? v * std : null)), seconds: null });
      x.dispose();
    }
  }

  const first = lines[0];
  const section: ExactSection = {
    solver: { ...first.solver },
    command: `/usr/bin/python3 training/exact_mip.py ${id} --kappas ${kappas.join(',')} --n ${rows[0].solutions.length} --time-limit ${first.timeLimit}`,
    timeLimitSeconds: first.timeLimit,
    onMargin: Math.max(...lines.map((l) => l.onMargin)),
    logitMargin: first.logitMargin,
    gapRel: first.gapRel,
    units: 'pixel',
    encoding: 'float32-base64',
    verification: { backend: tf.getBackend(), tfjs: tf.version.tfjs, failures },
    attackClip: values.attacks ? 'pixel' : null,
    rows,
  };
  // The table the README carries: truth and each attack's gap, per κ; then the verdict per κ > 0.
  const pc = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '–');
  for (const row of rows) {
    const solved = row.solutions.filter((q) => q.status === 'optimal' && q.verified);
    const secs = solved.map((q) => q.seconds ?? NaN);
    console.log(`| κ = ${row.kappa} | exact (MILP) | ${solved.length}/${row.solutions.length} solved | median ε ${median(solved.map((q) => q.eps!)).toFixed(4)} | `
      + `median ${median(secs).toFixed(0)} s, max ${Math.max(...secs).toFixed(0)} s |`);
    for (const g of attackGaps(row)) {
      console.log(`| κ = ${row.kappa} | ${g.key} | fooled ${g.fooled}/${g.compared} | median gap ${pc(g.medianGap)} | worst ${pc(g.worstGap)}${g.belowTruth ? ` | BELOW THE TRUTH on ${g.belowTruth}` : ''} |`);
    }
  }
  if (values.attacks) console.log(`APGD rows: ε = the ${APGD_METHOD}.`);
  const base = rows.find((r) => r.kappa === 0);
  if (base) for (const row of rows.filter((r) => r.kappa > 0)) console.log(kappaVerdict(base, row).sentence);

  const refPath = `public/reference/${id}.json`;
  if (!existsSync(refPath)) fail(`${refPath} is missing: run npm run reproduce for ${id} first (the app reads its other sections)`);
  const ref = JSON.parse(readFileSync(refPath, 'utf8')) as Record<string, unknown>;
  ref.exact = section;
  writeFileSync(refPath, JSON.stringify(ref));
  console.log(`exact-verify: wrote the exact section of ${refPath} (${failures} verification failure(s))`);
  retrofitted.model.dispose();
  model.dispose();
  process.exit(failures ? 1 : 0);
}

runMain('exact-verify', main);
