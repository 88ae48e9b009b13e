/**
 * The analysis panels' experiments, run on the loaded model through the compute core's metrics (Figure 4
 * trade-off, Tables 1/2, Figure 7 transfer, Figure 8 iterations) plus the κ tuner. Every run samples its
 * images from the evaluation split only (see splits.ts), owns the tensors it creates and disposes them
 * whether it finishes, fails or is cancelled.
 */
import { accuracy } from '../core/metrics/accuracy';
import { accuracyVsIterations } from '../core/metrics/accuracy-vs-iterations';
import { classifierFromRetrofit, type KappaSetting as CoreKappa } from '../core/metrics/classifier-from-retrofit';
import { makeEvalSet, type EvalSet } from '../core/metrics/eval-set';
import type { ExperimentOptions, ExperimentProgress, ExperimentSubject } from '../core/metrics/experiment';
import { kappaSweep } from '../core/metrics/kappa-sweep';
import { PAPER_PROTOCOL, paperOptions, TABLE_COLUMNS, type TableProtocol } from '../core/metrics/paper-protocol';
import { robustnessTable, type TableRow } from '../core/metrics/robustness-table';
import { transferAttack, transferMatrix } from '../core/metrics/transfer-matrix';
import type { Shard } from '../core/data/shard';
import type { Normalization } from '../core/data/normalization';
import type { ModelCard } from '../core/models/card';
import type { RetrofittedModel } from '../core/retrofit/retrofit';
import { kappaGrid, proposeByStrongerAttacker, proposeKappa, thinCandidates } from '../core/metrics/kappa-tuner';
import { runCell } from '../core/metrics/adaptive-suite';
import { adaptiveSections, randomizedFor, strongerRho } from './adaptive';
import {
  type AdaptiveRequest, type AdaptiveResult, type IterationsRequest, type IterationsResult, type ProgressFn,
  type SplitInfo, type TableRequest, type TableResult, type TableRowView, type TradeoffRequest, type TradeoffResult,
  type TransferRequest, type TransferResult, type TuneCandidate, type TuneRequest, type TuneResult,
} from './jobs';
import { kappaSetting } from '../core/retrofit/kappa';
import { batchWithinBudget, BROWSER_BATCH_BUDGET } from '../core/models/batch-budget';
import { splitSource } from './splits';

export interface AnalysisContext {
  net: RetrofittedModel;
  card: ModelCard;
  /** How the model's inputs are scaled (the paper's for shipped models; the user's choice for their own). */
  normalization: Normalization;
  shard: Shard;
  /** Evaluation and validation split of the shard (splits.ts). */
  split: SplitInfo;
  signal: AbortSignal;
  onProgress: ProgressFn;
  /** Every shipped model's card (for the tuner's per-model comparison). */
  allCards(): Promise<ModelCard[]>;
}

/** Images per attack batch: small enough that progress moves and a cancel lands within seconds. */
const BATCH = 50;
/** BATCH, lowered for a network whose activations at 50 images would crowd the wasm heap (the MobileNetV2: 24). */
const batchFor = (ctx: AnalysisContext): number => batchWithinBudget(ctx.net.model, BATCH, BROWSER_BATCH_BUDGET);

const DF2 = (p: TableProtocol) => p.filter((c) => c.key === 'deepfool-l2');

/** Maps a sequence of phases (each reporting its own 0–1 progress) onto one progress bar. */
function phases(onProgress: ProgressFn, weights: number[]) {
  const total = weights.reduce((a, b) => a + b, 0);
  let offset = 0;
  let current = 0;
  return {
    next(i: number) {
      offset = weights.slice(0, i).reduce((a, b) => a + b, 0);
      current = weights[i];
    },
    report(fraction: number, label: string) {
      onProgress({ done: offset + current * Math.min(1, Math.max(0, fraction)), total, label });
    },
    experiment(p: ExperimentProgress) {
      const f = p.stages ? (p.stageIndex + (p.total ? p.done / p.total : 0)) / p.stages : 0;
      this.report(f, `${p.stage} (${p.done} / ${p.total} images)`);
    },
  };
}

function evalSet(ctx: AnalysisContext, split: SplitInfo, n: number): EvalSet {
  const m = ctx.shard.manifest;
  const source = splitSource(ctx.shard.images, ctx.shard.labels, m.shape, split.evaluation);
  return makeEvalSet(source, ctx.normalization, Math.max(1, Math.min(n, split.evaluation.count)), 0);
}

function rowView(r: TableRow): TableRowView {
  const k = r.kappa;
  return typeof k === 'number'
    ? { kappa: k, randomized: false, clean: r.clean, cells: r.cells }
    : { kappa: k.randomized.b, randomized: true, clean: r.clean, cells: r.cells };
}

async function withSets<T>(sets: EvalSet[], run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    for (const s of sets) s.x.dispose();
  }
}

export async function tradeoff(ctx: AnalysisContext, req: TradeoffRequest): Promise<TradeoffResult> {
  const { split } = ctx;
  const t0 = performance.now();
  const kappas = [...new Set(req.kappas)].sort((a, b) => a - b);
  const p = phases(ctx.onProgress, [0.1, 0.45, 0.45]);
  const cleanSet = evalSet(ctx, split, req.cleanSample);
  const rhoSet = evalSet(ctx, split, req.rhoSample);
  return withSets([cleanSet, rhoSet], async () => {
    const norm = ctx.normalization;
    const clean: number[] = [];
    p.next(0);
    for (let i = 0; i < kappas.length; i++) {
      p.report(i / kappas.length, `clean accuracy at κ = ${kappas[i]}`);
      const view = classifierFromRetrofit(ctx.net, norm, kappas[i]);
      clean.push((await accuracy(view, cleanSet, { signal: ctx.signal })).accuracy);
    }
    p.next(1);
    const subject: ExperimentSubject = { retrofitted: ctx.net, normalization: norm, set: rhoSet };
    const sweep = await kappaSweep(subject, kappas,
      DF2(PAPER_PROTOCOL[ctx.card.dataset]), { batchSize: batchFor(ctx), signal: ctx.signal, onProgress: (e) => p.experiment(e) });
    // The stronger attacker on the same images: straight-through gradients, refined to the boundary.
    p.next(2);
    const stronger: { rho: number; foolRate: number }[] = [];
    for (let i = 0; i < kappas.length; i++) {
      const label = `straight-through DeepFool at κ = ${kappas[i]}`;
      stronger.push(await strongerRho(subject, ctx.card.dataset, kappas[i], {
        batchSize: batchFor(ctx), signal: ctx.signal,
        onProgress: (q) => p.report((i + q.done / Math.max(1, q.total)) / kappas.length, `${label} (${q.done} / ${q.total} images)`),
      }));
    }
    // The one fool rate (core/metrics/fool-rate.ts): fooled among the attacked (correctly classified) images.
    const points = sweep.map((s, i) => ({
      kappa: kappas[i], clean: clean[i], rho: s.rho['deepfool-l2'] ?? NaN,
      foolRate: s.foolRate['deepfool-l2'] ?? NaN,
      rhoStraightThrough: stronger[i].rho, foolRateStraightThrough: stronger[i].foolRate,
    }));
    return {
      kind: 'tradeoff', request: req, points, cleanCount: cleanSet.labels.length, rhoCount: rhoSet.labels.length,
      split, ms: performance.now() - t0,
    };
  });
}

export async function table(ctx: AnalysisContext, req: TableRequest): Promise<TableResult> {
  const { split } = ctx;
  const t0 = performance.now();
  const set = evalSet(ctx, split, req.sample);
  return withSets([set], async () => {
    const protocol = PAPER_PROTOCOL[ctx.card.dataset]
      .filter((c) => c.key !== 'trust-region' || req.trSteps > 0)
      .map((c) => (c.key === 'trust-region' ? { ...c, options: { ...c.options, steps: req.trSteps } } : c));
    const current = kappaSetting(req);
    const kappas: CoreKappa[] = current === 0 ? [0] : [0, current];
    const p = phases(ctx.onProgress, [1]);
    p.next(0);
    const subject: ExperimentSubject = { retrofitted: ctx.net, normalization: ctx.normalization, set };
    const t = await robustnessTable(subject, kappas, protocol, {
      batchSize: batchFor(ctx), signal: ctx.signal, grayBox: true, onProgress: (e) => p.experiment(e),
    });
    return {
      kind: 'table', request: req, count: t.count, whiteBox: t.whiteBox.map(rowView), grayBox: t.grayBox.map(rowView),
      columns: TABLE_COLUMNS.map(({ key, title }) => ({ key, title })), split, ms: performance.now() - t0,
    };
  });
}

/**
 * The shape the transfer and iterations runs share: sorted distinct κ values, one evaluation set, one
 * progress phase, tensors released however the run ends.
 */
async function overKappas<T>(ctx: AnalysisContext, split: SplitInfo, sample: number, requested: number[],
  run: (subject: ExperimentSubject, kappas: number[], opts: ExperimentOptions) => Promise<T>,
): Promise<{ out: T; kappas: number[]; count: number; ms: number }> {
  const t0 = performance.now();
  const kappas = [...new Set(requested)].sort((a, b) => a - b);
  const set = evalSet(ctx, split, sample);
  return withSets([set], async () => {
    const p = phases(ctx.onProgress, [1]);
    p.next(0);
    const out = await run({ retrofitted: ctx.net, normalization: ctx.normalization, set }, kappas,
      { batchSize: batchFor(ctx), signal: ctx.signal, onProgress: (e: ExperimentProgress) => p.experiment(e) });
    return { out, kappas, count: set.labels.length, ms: performance.now() - t0 };
  });
}

export async function transfer(ctx: AnalysisContext, req: TransferRequest): Promise<TransferResult> {
  const { split } = ctx;
  const r = await overKappas(ctx, split, req.sample, req.kappas, (subject, kappas, opts) =>
    transferMatrix(subject, kappas, transferAttack(ctx.card.dataset, req.steps), opts));
  return { kind: 'transfer', request: req, kappas: r.kappas, accuracy: r.out.accuracy, count: r.count, split, ms: r.ms };
}

export async function iterations(ctx: AnalysisContext, req: IterationsRequest): Promise<IterationsResult> {
  const { split } = ctx;
  const r = await overKappas(ctx, split, req.sample, req.kappas, (subject, kappas, opts) =>
    accuracyVsIterations(subject, kappas, { epsilon: Number(paperOptions('ifgsm', ctx.card.dataset).epsilon), steps: req.steps }, opts));
  return {
    kind: 'iterations', request: req, curves: r.out.map((c, i) => ({ kappa: r.kappas[i], accuracy: c.accuracy })),
    count: r.count, split, ms: r.ms,
  };
}

export async function tune(ctx: AnalysisContext, req: TuneRequest): Promise<TuneResult> {
  const { split } = ctx;
  const t0 = performance.now();
  const m = ctx.shard.manifest;
  const norm = ctx.normalization;
  const { min, max, step } = ctx.card.kappa;
  const grid = kappaGrid(Math.min(0, min), max, step);
  const valSource = splitSource(ctx.shard.images, ctx.shard.labels, m.shape, split.validation);
  const valSet = makeEvalSet(valSource, norm, split.validation.count, 0);
  const rhoSet = evalSet(ctx, split, req.rhoSample);
  return withSets([valSet, rhoSet], async () => {
    const p = phases(ctx.onProgress, [0.4, 0.6]);
    p.next(0);
    const validation: { kappa: number; accuracy: number }[] = [];
    for (let i = 0; i < grid.length; i++) {
      p.report(i / grid.length, `validation accuracy at κ = ${grid[i]} (${valSet.labels.length} images)`);
      const view = classifierFromRetrofit(ctx.net, norm, grid[i]);
      const acc = (await accuracy(view, valSet, { signal: ctx.signal })).accuracy;
      validation.push({ kappa: grid[i], accuracy: acc });
      // Past the first κ that breaks the budget the rule cannot change its answer: stop early.
      if (proposeKappa(validation, req.budget) !== validation.at(-1)!.kappa && i > 0) break;
    }
    const baseline = validation[0].accuracy;
    const largest = proposeKappa(validation, req.budget) ?? 0;
    // Rank by the stronger attacker: the exact gradient overstates κ's gain (gradient masking), so it is measured beside, never ranked on.
    const pool = validation.map((v) => v.kappa).filter((k) => k > 0 && k <= largest);
    const kappas = [0, ...thinCandidates(pool, req.candidates)];
    const subject: ExperimentSubject = { retrofitted: ctx.net, normalization: norm, set: rhoSet };
    const df2 = paperOptions('deepfool-l2', m.dataset);
    const candidates: TuneCandidate[] = [];
    p.next(1);
    for (let i = 0; i < kappas.length; i++) {
      const k = kappas[i];
      p.report(i / kappas.length, `DeepFool L2 at κ = ${k}: straight-through and exact gradients (${rhoSet.labels.length} images)`);
      const opts = { batchSize: batchFor(ctx), signal: ctx.signal };
      const st = await runCell(subject, k, { attack: 'deepfool-l2', options: df2, gradientMode: 'straight-through' }, opts);
      const exact = await runCell(subject, k, { attack: 'deepfool-l2', options: df2, gradientMode: 'exact' }, opts);
      const view = classifierFromRetrofit(ctx.net, norm, k);
      const clean = (await accuracy(view, rhoSet, { signal: ctx.signal })).accuracy;
      candidates.push({
        kappa: k, validationAccuracy: validation.find((v) => v.kappa === k)?.accuracy ?? NaN,
        rhoStraightThrough: st.cell.rhoRefined, foolRateStraightThrough: st.cell.foolRate, rhoExact: exact.cell.rho, clean,
      });
    }
    const proposed = proposeByStrongerAttacker(candidates);
    const at = candidates.find((c) => c.kappa === proposed)!;
    const cards = await ctx.allCards().catch(() => [] as ModelCard[]);
    const byModel = cards.map((c) => {
      const pts = c.evaluation?.accuracyByKappa ?? [];
      return { id: c.id, name: c.name, proposed: proposeKappa(pts, req.budget), grid: pts.map((q) => q.kappa) };
    });
    return {
      kind: 'tuner', request: req, validation, validationCount: valSet.labels.length, baseline, proposed, largestWithinBudget: largest, candidates,
      rho: { baseline: candidates[0].rhoStraightThrough, proposed: at.rhoStraightThrough },
      rhoExact: { baseline: candidates[0].rhoExact, proposed: at.rhoExact },
      clean: { baseline: candidates[0].clean, proposed: at.clean },
      rhoCount: rhoSet.labels.length, byModel, split, ms: performance.now() - t0,
    };
  });
}

export async function adaptive(ctx: AnalysisContext, req: AdaptiveRequest): Promise<AdaptiveResult> {
  const { split } = ctx;
  const t0 = performance.now();
  const set = evalSet(ctx, split, req.sample);
  return withSets([set], async () => {
    const weights = req.kappa === 0 ? [1] : [1, 1];
    const withRandomized = Boolean(req.randomized && req.kappa > 0 && req.apgdSteps > 0);
    const p = phases(ctx.onProgress, withRandomized ? [...weights, 1] : weights);
    const subject: ExperimentSubject = { retrofitted: ctx.net, normalization: ctx.normalization, set };
    const sections = await adaptiveSections(subject, ctx.card.dataset, req, {
      batchSize: batchFor(ctx), signal: ctx.signal, onKappa: (i) => p.next(i), onProgress: (e) => p.experiment(e),
    });
    if (withRandomized) p.next(weights.length);
    const randomized = await randomizedFor(subject, ctx.card.dataset, req, { batchSize: batchFor(ctx), signal: ctx.signal, onProgress: (e) => p.experiment(e) });
    return {
      kind: 'adaptive', request: req, sections, ...(randomized ? { randomized } : {}), queries: req.queries, count: set.labels.length, split, ms: performance.now() - t0,
    };
  });
}
