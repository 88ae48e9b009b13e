/**
 * The diagnostics page's size parameters, bounded: a hand-edited `moves=1e9` must be refused with its name
 * and range before anything is allocated (it ended in "Invalid array length"). Pure, for the unit test.
 */
export const DIAGNOSTICS_LIMITS = {
  forward: { min: 0, max: 10_000, default: 1000 },
  kappa: { min: 0, max: 10_000, default: 1000 },
  moves: { min: 1, max: 100, default: 15 },
  deepfool: { min: 0, max: 1000, default: 100 },
  single: { min: 0, max: 1000, default: 100 },
  repeats: { min: 1, max: 50, default: 5 },
  images: { min: 1, max: 50, default: 20 },
  /** wasm threads (`threads=1`: one; absent: as TF.js picks, half the logical cores, at most 8, when
   *  cross-origin isolated; see core/backend/wasm-threads.ts). */
  threads: { min: 1, max: 8, default: 0 },
  /** Images per forward batch of the κ rows (`kbatch=`; absent: the core's 250). */
  kbatch: { min: 1, max: 1000, default: 250 },
} as const;

export type DiagnosticsCount = keyof typeof DIAGNOSTICS_LIMITS;
export type CountLimits = { readonly min: number; readonly max: number; readonly default: number };

/** `images` of the adaptive-suite benchmark (`adaptivebench=`): the attacks' batch, up to 500 test images. */
export const ADAPTIVE_BENCH_IMAGES: CountLimits = { min: 1, max: 500, default: 100 };

/** Kernel benchmark tensor sizes (`bench=4096,65536`): at most 8, each 1 … 2^24 elements. */
export const BENCH_SIZE_MAX = 2 ** 24;
const BENCH_SIZES_MAX = 8;

function readInt(key: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new Error(`diagnostics parameter ${key}=${JSON.stringify(raw.slice(0, 20))} must be a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

/**
 * The value of `key`, or its default (`single` defaults to `deepfool`, so a lone deepfool=n runs both sides on n).
 * `limits` overrides the key's own where one mode bounds it differently (`images` of `adaptivebench`).
 */
export function readCount(params: URLSearchParams, key: DiagnosticsCount, limits: CountLimits = DIAGNOSTICS_LIMITS[key]): number {
  const raw = params.get(key);
  if (raw !== null) return readInt(key, raw, limits.min, limits.max);
  return key === 'single' ? readCount(params, 'deepfool') : limits.default;
}

export function readBenchSizes(raw: string | null): number[] {
  const parts = (raw || '65536').split(',');
  if (parts.length > BENCH_SIZES_MAX) throw new Error(`diagnostics parameter bench lists ${parts.length} sizes; at most ${BENCH_SIZES_MAX}`);
  return parts.map((p) => readInt('bench', p, 1, BENCH_SIZE_MAX));
}
