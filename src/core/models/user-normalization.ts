/**
 * How a user's model expects its inputs scaled. The shipped models use the paper's per-channel mean/std
 * (data/normalization.ts); models trained elsewhere often take pixels in [0, 1] or [−1, 1]. The choice is
 * a Normalization like any other, so attacks, ε, clipping and ρ live in that model's own input space.
 *
 * model.json may declare it: `"userDefinedMetadata": { "normalization": "unit" | "symmetric" | "paper" |
 * { "mean": [...], "std": [...] } }` (one value, or one per channel).
 */
import type { DatasetName } from '../data/manifest';
import { NORMALIZATION, type Normalization } from '../data/normalization';
import { INPUT_SCALING_LABELS, UserModelError, type InputScaling, type NamedScaling } from './user-model-input';

export type { InputScaling, NamedScaling };
export type DeclaredScaling = NamedScaling | Normalization;

const NAMED = Object.keys(INPUT_SCALING_LABELS).filter((k) => k !== 'declared') as NamedScaling[];

function named(scaling: NamedScaling, dataset: DatasetName): Normalization {
  const c = dataset === 'mnist' ? 1 : 3;
  if (scaling === 'unit') return { mean: Array(c).fill(0), std: Array(c).fill(1) };
  if (scaling === 'symmetric') return { mean: Array(c).fill(0.5), std: Array(c).fill(0.5) };
  return NORMALIZATION[dataset];
}

/** The normalisation a scaling choice means for a data set; 'declared' needs what model.json declared. */
export function scalingNormalization(scaling: InputScaling, dataset: DatasetName, declared: DeclaredScaling | null): Normalization {
  if (scaling !== 'declared') return named(scaling, dataset);
  if (declared === null) throw new UserModelError('the model declares no normalisation (userDefinedMetadata.normalization): choose one', 'normalization');
  return typeof declared === 'string' ? named(declared, dataset) : declared;
}

/** model.json's userDefinedMetadata.normalization, checked; null when the model declares none. */
export function parseDeclaredScaling(metadata: unknown, field: string, channels: number): DeclaredScaling | null {
  const value = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>).normalization : undefined;
  if (value === undefined) return null;
  if (typeof value === 'string') {
    if ((NAMED as string[]).includes(value)) return value as NamedScaling;
    throw new UserModelError(`${field}: "${value}" is none of ${NAMED.join(', ')} or {mean, std}`, field);
  }
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const list = (key: 'mean' | 'std'): number[] => {
    const v = typeof o[key] === 'number' ? [o[key]] : o[key];
    const ok = Array.isArray(v) && (v.length === 1 || v.length === channels)
      && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (key === 'mean' || x > 0));
    if (!ok) throw new UserModelError(`${field}.${key}: expected ${key === 'std' ? 'positive ' : ''}numbers, one or ${channels} (one per channel)`, `${field}.${key}`);
    return v as number[];
  };
  const mean = list('mean');
  const std = list('std');
  const c = Math.max(mean.length, std.length);
  const widen = (v: number[]) => (v.length === c ? v : Array(c).fill(v[0]));
  return { mean: widen(mean), std: widen(std) };
}
