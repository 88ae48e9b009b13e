/**
 * The reference-file format, once: what the reproduction command writes (scripts/reproduce.ts →
 * public/reference/<model-id>.json, typed `ReferenceFile`), the schema that reads it back, and the shape
 * the panels show (`ReferenceResults`). The file is validated, not trusted: a missing file is "no reference", a
 * malformed one, one written for another model, or one with an accuracy or rate outside [0, 1] is an error
 * naming it. The adaptive section (`reproduce --adaptive`: attacks × gradient modes, refined ρ, best of,
 * red flags), the randomized model's EOT section (`adaptiveRandomized`) and the binarization test's pass rates
 * (`binarization`) are read when present.
 */
import { z } from 'zod';
import type { DatasetName } from '../data/manifest';
import type { DetectionTableRow } from '../detection/detection-table';
import type { AdaptiveSection } from './adaptive-suite';
import type { AttackPassRate } from './binarization-test';
import type { Indicator } from './attack-failure';
import type { RandomizedEnsemble } from './randomized-ensemble';
import type { EnsembleSettings, RobustAccuracyRow } from './robust-accuracy';
import { exactSummary, parseExactSection, type ExactSummary } from './exact-gap';
import type { ColumnKey, TableProtocol } from './paper-protocol';
import type { TableCell, TableRow } from './robustness-table';

/** What `npm run reproduce` writes; the schema below reads every file of this type (checked at compile time). */
export interface ReferenceFile {
  version: 1;
  model: string;
  dataset: DatasetName;
  count: number;
  seed: number;
  clip: 'paper' | 'pixel';
  backend: string;
  shard: string;
  protocol: TableProtocol;
  whiteBox: TableRow[];
  grayBox: TableRow[];
  seconds: number;
  /** "Is the defence real?" per κ (reproduce --adaptive). */
  adaptive?: AdaptiveSection[];
  /**
   * The randomized JumpReLU under the fixed-ε ensemble with EOT, judged over several κ draws (reproduce
   * --adaptive with a randomized white-box row or --randomized <b>; randomized-ensemble.ts).
   */
  adaptiveRandomized?: RandomizedEnsemble;
  /** Table 3: the LID detector's AUC per attack and κ (reproduce --detection). */
  detection?: DetectionSection;
  /** The binarization test's pass rates per κ and attack (npm run binarization -- --update <file>). */
  binarization?: BinarizationSection;
}

/** What `npm run binarization -- --update` writes (core/metrics/binarization-test.ts, Zimmermann et al. 2022). */
export interface BinarizationSection {
  /** The first n test images; each correctly classified one gets its own readout. */
  n: number;
  /** The L∞ radius in pixel units [0, 1] and in the model's normalised units. */
  epsPixel: number;
  epsilon: number;
  /** PGD and APGD-CE steps; random inner points per sample. */
  steps: number;
  inner: number;
  seed: number;
  kappas: { kappa: number; samples: number; misclassified: number; invalid: number; valid: number; attacks: AttackPassRate[] }[];
  seconds: number;
}

/** What reproduce --detection writes: the settings and core/detection/detection-table.ts's rows. */
export interface DetectionSection {
  /** Images used per row (correct and fooled, whole minibatches), of the first `pool` test images. */
  n: number;
  pool: number;
  batch: number;
  k: number;
  sigma: number | 'match-l2';
  trSteps: number;
  awareSteps: number;
  taps: string[];
  rows: DetectionTableRow[];
  seconds: number;
}

/** A reference file as the panels show it. */
export interface ReferenceRow { kappa: number; randomized: boolean; clean: number; cells: Partial<Record<ColumnKey, TableCell>> }
export interface ReferenceResults {
  model: string;
  count: number;
  seed: number;
  backend: string;
  whiteBox: ReferenceRow[];
  grayBox: ReferenceRow[];
  /** "Is the defence real?" per κ (reproduce --adaptive). */
  adaptive?: AdaptiveReference[];
  /** The randomized model's EOT rows (absent in files written before them, or without a randomized row). */
  adaptiveRandomized?: RandomizedEnsemble;
  /** The exact minimal L∞ perturbations against the attacks (scripts/exact-verify.ts; exact-gap.ts). */
  exact?: ExactSummary;
  /** Table 3 (reproduce --detection); absent in files written before it. */
  detection?: DetectionReference;
  /** The binarization test (npm run binarization -- --update); absent in files written before it. */
  binarization?: BinarizationSection;
}

export interface DetectionReference {
  n: number;
  batch: number;
  rows: { attack: string; title: string; kappa: number; auc: number; used: number; testPerSet: number; error?: string }[];
}

/** One cell of the adaptive section: an attack under one gradient mode (null: gradient-free); ρ raw and refined. */
export interface AdaptiveReferenceCell {
  gradientMode: string | null;
  distance: 'l2' | 'linf' | null;
  rho: number;
  rhoRefined: number;
  foolRate: number;
  meanIterations: number;
}

export interface AdaptiveReference {
  kappa: number;
  count: number;
  /** Keyed `<attack id>[+<gradient mode>]`. */
  cells: Record<string, AdaptiveReferenceCell>;
  bestOf: { rhoL2: number; rhoLinf: number; foolRate: number; robustAccuracy?: Record<'l2' | 'linf', { epsilons: number[]; accuracy: number[] }> };
  redFlags: Record<string, { flagged: boolean; explanation: string }>;
  /** Robust accuracy at fixed ε from the APGD-CE / APGD-T / Square ensemble (absent in files written before it). */
  robustAccuracy?: { settings: EnsembleSettings; rows: RobustAccuracyRow[] };
  /** Indicators of attack failure (absent in files written before them). */
  failureIndicators?: Indicator[];
}

/** Accuracies and rates; ρ = ‖Δ‖/‖x‖ is only non-negative. z.number() already refuses NaN and ±Infinity. */
const fraction = z.number().min(0).max(1);

const cell = z.object({
  accuracy: fraction,
  rho: z.number().nonnegative(),
  foolRate: fraction.nullable().optional(),
  meanIterations: z.number().nullable().optional(),
});

const kappa = z.union([z.number(), z.object({ randomized: z.object({ b: z.number(), seed: z.number() }) })]);

const row = z.object({
  kappa,
  clean: fraction,
  cells: z.object({
    pgd: cell.optional(), 'deepfool-linf': cell.optional(), 'deepfool-l2': cell.optional(), 'trust-region': cell.optional(),
  }),
});

/** JSON writes NaN as null (e.g. a fool rate with no attacked image): read it back as NaN. */
const num = z.number().nullable().transform((v) => v ?? NaN);

const curve = z.object({ epsilons: z.array(z.number()), accuracy: z.array(num) });

const indicator = z.object({
  id: z.enum(['silent-success', 'incomplete-optimisation', 'unbounded-below-100', 'non-converging-restarts', 'unstable-predictions', 'zero-gradients']),
  name: z.string(), attack: z.string(), measured: z.boolean(), triggered: z.boolean(),
  images: z.number().int().nonnegative(), of: z.number().int().nonnegative(), meaning: z.string(), message: z.string(),
});

const ensembleSettings = z.object({
  steps: z.number().int().nonnegative(), targetClasses: z.number().int().positive(), queries: z.number().int().positive(),
  // Absent in files written before APGD-CE's restarts (2026-12-06): none were run.
  restarts: z.number().int().nonnegative().optional(),
});

const robustRow = z.object({
  epsilon: z.number().positive(),
  units: z.enum(['pixel', 'normalised']),
  label: z.string(),
  gradientMode: z.enum(['exact', 'straight-through', 'smoothed']),
  robustAccuracy: fraction,
  cleanAccuracy: fraction,
  count: z.number().int().positive(),
  brokenBy: z.record(z.string(), z.number().int().nonnegative()),
  attacks: z.string(),
  drawAccuracies: z.array(fraction).optional(),
  indicators: z.record(z.string(), z.array(indicator)).optional(),
});

const randomizedSection = z.object({
  b: z.number().positive(),
  seed: z.number().int(),
  eotSamples: z.number().int().positive(),
  draws: z.number().int().positive(),
  settings: ensembleSettings.optional(),
  // Every randomized row is judged on its draws (the type keeps drawAccuracies optional, as for fixed κ).
  rows: z.array(robustRow.refine((r) => (r.drawAccuracies?.length ?? 0) > 0, { message: 'a randomized row needs its accuracy per κ draw', path: ['drawAccuracies'] })),
});

const adaptiveSection = z.object({
  kappa: z.number(),
  count: z.number().int().positive(),
  cells: z.record(z.string(), z.object({
    gradientMode: z.string().nullable().optional(),
    distance: z.enum(['l2', 'linf']).optional(),
    rho: num,
    rhoRefined: num,
    foolRate: num,
    meanIterations: num,
  })),
  bestOf: z.object({ rhoL2: num, rhoLinf: num, foolRate: num, robustAccuracy: z.object({ l2: curve, linf: curve }).optional() }),
  redFlags: z.record(z.string(), z.object({ flagged: z.boolean(), explanation: z.string() })),
  robustAccuracy: z.object({ settings: ensembleSettings, rows: z.array(robustRow) }).optional(),
  failureIndicators: z.array(indicator).optional(),
});

const detectionSection = z.object({
  n: z.number().int().positive(),
  batch: z.number().int().positive(),
  rows: z.array(z.object({
    attack: z.string(), title: z.string(), kappa: z.number(),
    // NaN (a row that could not be measured) is written as null.
    auc: z.number().min(0).max(1).nullable().transform((v) => v ?? NaN),
    used: z.number().int().nonnegative(), testPerSet: z.number().int().nonnegative(), error: z.string().optional(),
  })),
});

const count = z.number().int().nonnegative();
const binarizationSection = z.object({
  n: z.number().int().positive(),
  epsPixel: z.number().positive(),
  epsilon: z.number().positive(),
  steps: z.number().int().positive(),
  inner: count,
  seed: z.number().int(),
  kappas: z.array(z.object({
    kappa: z.number(), samples: count, misclassified: count, invalid: count, valid: count,
    attacks: z.array(z.object({ label: z.string(), passed: count, valid: count, rate: z.number().min(0).max(1) })
      .refine((a) => a.passed <= a.valid, { message: 'an attack passed on more samples than were valid' })),
  }).refine((k) => k.valid + k.invalid + k.misclassified === k.samples, { message: 'valid + invalid + misclassified must equal the samples' })),
  seconds: z.number().nonnegative(),
});

const file = z.object({
  version: z.literal(1),
  model: z.string(),
  count: z.number().int().positive(),
  seed: z.number().int().optional(),
  backend: z.string().optional(),
  whiteBox: z.array(row),
  grayBox: z.array(row).optional(),
  adaptive: z.array(adaptiveSection).optional(),
  adaptiveRandomized: randomizedSection.optional(),
  detection: detectionSection.optional(),
  binarization: binarizationSection.optional(),
});

/** Every file reproduce writes is one the schema reads: a compile-time check that the two stay one format. */
type Readable = ReferenceFile extends z.input<typeof file> ? true : never;
export const REFERENCE_FILE_READABLE: Readable = true;

const kappaNumber = (k: z.infer<typeof kappa>): number => (typeof k === 'number' ? k : k.randomized.b);

function toRow(r: z.infer<typeof row>): ReferenceRow {
  const cells: ReferenceRow['cells'] = {};
  for (const [k, c] of Object.entries(r.cells)) {
    if (c) cells[k as keyof ReferenceRow['cells']] = { accuracy: c.accuracy, rho: c.rho, foolRate: c.foolRate ?? NaN, meanIterations: c.meanIterations ?? NaN };
  }
  return { kappa: kappaNumber(r.kappa), randomized: typeof r.kappa !== 'number', clean: r.clean, cells };
}

export function parseReference(json: unknown, path: string, modelId: string): ReferenceResults {
  const parsed = file.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: not a reproduce result (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  const f = parsed.data;
  if (f.model !== modelId) throw new Error(`${path}: results for model ${JSON.stringify(f.model.slice(0, 64))}, not ${modelId}`);
  let exact: ExactSummary | undefined;
  const rawExact = (json as { exact?: unknown }).exact;
  if (rawExact !== undefined) {
    try {
      exact = exactSummary(parseExactSection(rawExact));
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`);
    }
  }
  return {
    exact,
    model: f.model, count: f.count, seed: f.seed ?? 0, backend: f.backend ?? 'unknown',
    whiteBox: f.whiteBox.map(toRow), grayBox: (f.grayBox ?? []).map(toRow),
    adaptive: f.adaptive?.map((a) => ({
      ...a,
      cells: Object.fromEntries(Object.entries(a.cells).map(([k, c]) => [k, { ...c, gradientMode: c.gradientMode ?? null, distance: c.distance ?? null }])),
    })),
    ...(f.adaptiveRandomized ? { adaptiveRandomized: f.adaptiveRandomized } : {}),
    ...(f.detection ? { detection: {
      n: f.detection.n, batch: f.detection.batch,
      rows: f.detection.rows.map((r) => ({ attack: r.attack, title: r.title, kappa: r.kappa, auc: r.auc, used: r.used, testPerSet: r.testPerSet, ...(r.error ? { error: r.error } : {}) })),
    } } : {}),
    ...(f.binarization ? { binarization: f.binarization } : {}),
  };
}

/** null when the file does not exist (the normal case before anyone ran `npm run reproduce`). */
export async function loadReference(url: string, modelId: string): Promise<ReferenceResults | null> {
  const res = await fetch(url);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const text = await res.text();
  // Some static servers answer a missing file with the SPA's index.html: treat that as absent too.
  if (/^\s*</.test(text)) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${url}: not valid JSON (${(e as Error).message})`);
  }
  return parseReference(json, url, modelId);
}
