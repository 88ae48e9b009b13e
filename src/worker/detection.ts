/**
 * The Table 3 panel's body: core/detection/detection-table.ts on images of the evaluation split only (the
 * same rows `npm run reproduce --detection` writes). The evaluation set is disposed however the run ends; a
 * cancel lands between attack batches and feature minibatches.
 */
import { detectionTable } from '../core/detection/detection-table';
import { makeEvalSet } from '../core/metrics/eval-set';
import type { AnalysisContext } from './analysis';
import type { DetectionRequest, DetectionResult } from './jobs';
import { splitSource } from './splits';

/** Attacked images per needed one: room for attacks that fool few (IFGSM on MNIST at κ = 1 fools about one in six). */
const HEADROOM = 8;

export async function detection(ctx: AnalysisContext, req: DetectionRequest): Promise<DetectionResult> {
  const { split, signal } = ctx;
  const t0 = performance.now();
  const m = ctx.shard.manifest;
  const source = splitSource(ctx.shard.images, ctx.shard.labels, m.shape, split.evaluation);
  const set = makeEvalSet(source, ctx.normalization, Math.min(split.evaluation.count, HEADROOM * req.sample), 0);
  try {
    const t = await detectionTable(ctx.net, ctx.normalization, ctx.card.dataset, set, req.kappa === 0 ? [0] : [0, req.kappa], {
      sample: req.sample, batch: req.batch, sigma: req.sigma ?? 'match-l2', trSteps: req.trSteps, awareSteps: req.awareSteps, signal,
      onProgress: (p) => ctx.onProgress({ done: p.row + p.fraction, total: p.total, label: p.label }),
    });
    return { kind: 'detection', request: req, ...t, split, ms: performance.now() - t0 };
  } finally {
    set.x.dispose();
  }
}
