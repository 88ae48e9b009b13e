/**
 * "Is the defence real?" in the worker: the core's adaptive suite (metrics/adaptive-suite.ts) at κ = 0
 * and the requested κ, with Square's query budget from the panel; and the stronger attacker's line of the
 * trade-off chart (straight-through DeepFool-L2, refined to the boundary). The compute is the core's; this
 * file only picks the protocol, checks the request before anything runs, and maps progress.
 */
import { getAttack } from '../core/attacks/index';
import { resolveOptions } from '../core/attacks/run-attack';
import type { AttackDefinition } from '../core/attacks/types';
import type { DatasetName } from '../core/data/manifest';
import { ADAPTIVE_PROTOCOL, cellKey, ensembleFor, type AdaptiveProtocol } from '../core/metrics/adaptive-protocol';
import type { EnsembleSettings } from '../core/metrics/robust-accuracy';
import { adaptiveSuite, runCell } from '../core/metrics/adaptive-suite';
import type { ExperimentOptions, ExperimentSubject } from '../core/metrics/experiment';
import { paperOptions } from '../core/metrics/paper-protocol';
import type { AdaptiveRequest, AdaptiveSection, RandomizedEnsemble } from './jobs';
import { randomizedEnsemble } from '../core/metrics/randomized-ensemble';

/**
 * The dataset's adaptive protocol with Square's budget set to `queries`. Every cell's options go through
 * the core's range rule here, so a bad value is refused with its name before the first attack runs.
 */
export function adaptiveProtocolFor(dataset: DatasetName, queries: number, ensemble: EnsembleSettings | null = null): AdaptiveProtocol {
  if (!Number.isInteger(queries) || queries < 1) {
    throw new Error(`Square Attack needs a query budget of at least 1 per image (its first query scores the starting point); got ${queries}.`);
  }
  const base = ADAPTIVE_PROTOCOL[dataset];
  const cells = base.cells.map((c) => (getAttack(c.attack).queries ? { ...c, options: { ...c.options, queries } } : c));
  for (const c of cells) resolveOptions(getAttack(c.attack) as AttackDefinition<object>, c.options);
  if (!ensemble) return { ...base, cells };
  // The ensemble's settings through the same range rule, by the attacks' own names.
  resolveOptions(getAttack('apgd-t-linf') as AttackDefinition<object>, { steps: ensemble.steps, targetClasses: ensemble.targetClasses } as Record<string, unknown>);
  resolveOptions(getAttack('square-linf') as AttackDefinition<object>, { queries: ensemble.queries } as Record<string, unknown>);
  return { ...base, cells, ensemble: ensembleFor(dataset, ensemble) };
}

/** κ = 0, then `kappa` (when it is not 0): one core suite each. */
export async function adaptiveSections(subject: ExperimentSubject, dataset: DatasetName, req: AdaptiveRequest,
  options: ExperimentOptions & { onKappa?: (index: number, of: number) => void }): Promise<AdaptiveSection[]> {
  const protocol = adaptiveProtocolFor(dataset, req.queries,
    req.apgdSteps > 0 ? { steps: req.apgdSteps, targetClasses: req.apgdTargets, queries: req.ensembleQueries } : null);
  const kappas = req.kappa === 0 ? [0] : [0, req.kappa];
  const sections: AdaptiveSection[] = [];
  for (let i = 0; i < kappas.length; i++) {
    options.onKappa?.(i, kappas.length);
    sections.push(await adaptiveSuite(subject, kappas[i], protocol, options));
  }
  return sections;
}

/** The cell of the trade-off chart's second line, as the adaptive suite names it. */
export const STRONGER_CELL = cellKey({ attack: 'deepfool-l2', gradientMode: 'straight-through' });

/** Straight-through DeepFool-L2 with the paper's options, refined to the boundary: mean ρ and fool rate at one κ. */
export async function strongerRho(subject: ExperimentSubject, dataset: DatasetName, kappa: number, options: ExperimentOptions & { onProgress?: (p: { done: number; total: number }) => void }): Promise<{ rho: number; foolRate: number }> {
  const { cell } = await runCell(subject, kappa, {
    attack: 'deepfool-l2', options: paperOptions('deepfool-l2', dataset), gradientMode: 'straight-through',
  }, options);
  return { rho: cell.rhoRefined, foolRate: cell.foolRate };
}

/**
 * The randomized model (κ ~ U[0.6b, b] per pass, b = the request's κ) under the fixed-ε ensemble with EOT
 * (core/metrics/randomized-ensemble.ts). null when the request is not randomized or the ensemble is off.
 */
export async function randomizedFor(subject: ExperimentSubject, dataset: DatasetName, req: AdaptiveRequest,
  options: ExperimentOptions): Promise<RandomizedEnsemble | null> {
  if (!req.randomized || !(req.kappa > 0) || req.apgdSteps <= 0) return null;
  return randomizedEnsemble(subject, dataset, req.kappa, req.seed ?? 0, { steps: req.apgdSteps, targetClasses: req.apgdTargets, queries: req.ensembleQueries }, options);
}
