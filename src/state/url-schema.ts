/**
 * The permalink schema: every shareable setting, listed once with its key, codec, default and range.
 * `decode` never throws — bad values fall back to defaults with a warning; `encode` writes only what
 * differs from the default, so links stay short. Pure: no window, no history (see url-sync.ts).
 */
import type { BackendName, ParamValue, ThreatModel } from '../worker/protocol';
import { FULL_SHARD } from './slices/evaluation-slice';

export const URL_VERSION = 1;

export interface UrlState {
  /** null: the app's default model. */
  model: string | null;
  /** null: the model card's default κ. */
  kappa: number | null;
  randomized: boolean;
  seed: number;
  sampleSize: number;
  image: number | null;
  attack: string;
  threat: ThreatModel;
  /** Only the parameters that differ from the attack's defaults. */
  params: Record<string, ParamValue>;
  backend: BackendName | null;
}

type Codec<T> = { parse(raw: string): T | undefined; format(v: T): string };

const num = (lo: number, hi: number): Codec<number> => ({
  parse: (r) => { const v = Number(r); return r.trim() !== '' && Number.isFinite(v) && v >= lo && v <= hi ? v : undefined; },
  format: (v) => String(Number(v.toFixed(6))),
});
const int = (lo: number, hi: number): Codec<number> => ({
  parse: (r) => { const v = Number(r); return /^\d+$/.test(r) && v >= lo && v <= hi ? v : undefined; },
  format: (v) => String(v),
});
const bool: Codec<boolean> = { parse: (r) => (r === '1' || r === 'true' ? true : r === '0' || r === 'false' ? false : undefined), format: (v) => (v ? '1' : '0') };
const id: Codec<string> = { parse: (r) => (/^[a-z0-9][a-z0-9-]{0,63}$/.test(r) ? r : undefined), format: (v) => v };
const enumOf = <T extends string>(map: Record<string, T>): Codec<T> => ({
  parse: (r) => map[r],
  format: (v) => Object.keys(map).find((k) => map[k] === v) ?? String(v),
});
const nullable = <T>(c: Codec<T>): Codec<T | null> => ({
  parse: (r) => (r === '' ? undefined : c.parse(r)),
  format: (v) => (v === null ? '' : c.format(v)),
});

const SAMPLE_SIZE: Codec<number> = {
  parse: (r) => (r === '500' ? 500 : r === '1000' ? 1000 : r === 'full' ? FULL_SHARD : undefined),
  format: (v) => (v === FULL_SHARD ? 'full' : String(v)),
};

interface Field<K extends keyof UrlState> { key: string; prop: K; codec: Codec<UrlState[K]>; default: UrlState[K] }
const field = <K extends keyof UrlState>(key: string, prop: K, codec: Codec<UrlState[K]>, def: UrlState[K]): Field<K> =>
  ({ key, prop, codec, default: def });

/** The one list both directions read. Keys are short and stable: links in course material depend on them. */
export const URL_FIELDS = [
  field('model', 'model', nullable(id), null),
  field('kappa', 'kappa', nullable(num(0, 100)), null),
  field('rand', 'randomized', bool, false),
  field('seed', 'seed', int(0, 2 ** 32 - 1), 1),
  field('n', 'sampleSize', SAMPLE_SIZE, 1000),
  field('img', 'image', nullable(int(0, 1_000_000)), null),
  field('attack', 'attack', id, 'deepfool-l2'),
  field('threat', 'threat', enumOf<ThreatModel>({ white: 'white-box', gray: 'gray-box' }), 'white-box'),
  field('backend', 'backend', nullable(enumOf<BackendName>({ webgpu: 'webgpu', wasm: 'wasm', webgl: 'webgl', cpu: 'cpu' })), null),
] as const;

const PARAM_PREFIX = 'p.';

export function defaultUrlState(): UrlState {
  const s = { params: {} } as unknown as Record<string, unknown>;
  for (const f of URL_FIELDS) s[f.prop] = f.default;
  return s as unknown as UrlState;
}

function parseParam(raw: string): ParamValue | undefined {
  if (raw === 'null') return null;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  const v = Number(raw);
  if (raw.trim() !== '' && Number.isFinite(v)) return v;
  return /^[a-z0-9_-]{1,32}$/i.test(raw) ? raw : undefined;
}

export function decode(search: string): { state: UrlState; warnings: string[] } {
  const state = defaultUrlState() as unknown as Record<string, unknown>;
  const warnings: string[] = [];
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(search.startsWith('#') ? search.slice(1) : search);
  } catch {
    return { state: defaultUrlState(), warnings: ['The link could not be read; showing the default view.'] };
  }
  const v = q.get('v');
  if (v !== null && v !== String(URL_VERSION)) warnings.push(`Link version ${v} is not ${URL_VERSION}; settings were read as far as possible.`);
  for (const f of URL_FIELDS) {
    const raw = q.get(f.key);
    if (raw === null) continue;
    const parsed = (f.codec as Codec<unknown>).parse(raw);
    if (parsed === undefined) warnings.push(`Ignored ${f.key}=${raw.slice(0, 40)}: not a valid value; using the default.`);
    else state[f.prop] = parsed;
  }
  const params: Record<string, ParamValue> = {};
  for (const [k, raw] of q) {
    if (!k.startsWith(PARAM_PREFIX)) continue;
    const name = k.slice(PARAM_PREFIX.length);
    const value = parseParam(raw);
    if (!/^[a-zA-Z][a-zA-Z0-9]{0,31}$/.test(name) || value === undefined) warnings.push(`Ignored attack parameter ${k.slice(0, 40)}.`);
    else params[name] = value;
  }
  state.params = params;
  return { state: state as unknown as UrlState, warnings };
}

export function encode(state: UrlState): string {
  const q = new URLSearchParams();
  q.set('v', String(URL_VERSION));
  for (const f of URL_FIELDS) {
    const value = state[f.prop];
    if (value !== f.default) q.set(f.key, (f.codec as Codec<unknown>).format(value));
  }
  for (const [k, v] of Object.entries(state.params)) q.set(`${PARAM_PREFIX}${k}`, v === null ? 'null' : String(v));
  return `?${q.toString()}`;
}
