/**
 * The permalink schema: every shareable setting, listed once with its key, codec, default and range.
 * `decode` never throws — bad values fall back to defaults with a warning; `encode` writes only what
 * differs from the default, so links stay short. Pure: no window, no history (see url-sync.ts).
 * Numbers are read strictly (plain decimals only: no `0x1`, `1e0`, ` 1` or BOM, which Number() accepts, and
 * no leading zeros such as `007`, which encode never writes), and every pair of the link that is not applied
 * as written is named in exactly one warning.
 */
import { decodeDrawing } from '../core/input/drawing-code';
import { quoteText } from '../core/models/quoted-text';
import { DEFAULT_SMOOTHING_TAU } from '../core/op/gradient-mode';
import type { BackendName, GradientMode, ParamValue, ThreatModel } from '../worker/jobs';
import type { ParamSpec } from '../core/attacks/params';
import { ANALYSIS_PANELS, ANALYSIS_SETTINGS, EMBED_PANELS, type AnalysisPanelId, type AnalysisParams, type EmbedPanelId } from './panels';
import { FULL_SHARD } from './app-state';

export const URL_VERSION = 1;

/** `model=own`: the view was made with the sender's own model, which a link cannot carry (see `ownChecksum`). */
export const OWN_MODEL_LINK = 'own';

export interface UrlState extends AnalysisParams {
  /** null: the app's default model; OWN_MODEL_LINK: a user's own model. */
  model: string | null;
  /** SHA-256 of the own model's files, so the recipient can tell whether theirs are the same. */
  ownChecksum: string | null;
  /** null: the model card's default κ. */
  kappa: number | null;
  randomized: boolean;
  seed: number;
  sampleSize: number;
  image: number | null;
  /** A drawn or uploaded MNIST digit (drawing-code.ts), attacked instead of a test image; null: none. */
  drawing: string | null;
  /** Targeted attack: the class the image should become; null: any wrong class. */
  target: number | null;
  /** Guided tour step (0-based); null: no tour. */
  tour: number | null;
  attack: string;
  threat: ThreatModel;
  gradientMode: GradientMode;
  smoothingTau: number;
  /** Only the parameters that differ from the attack's defaults. */
  params: Record<string, ParamValue>;
  backend: BackendName | null;
  /** Analysis panels open in the full app. */
  panels: AnalysisPanelId[];
  /** Embed mode: the panels shown without the app chrome; null = the full app. */
  embed: EmbedPanelId[] | null;
}

/**
 * parse: is the text a value of the right type (undefined = invalid → default + warning); clamp: bring a
 * well-formed value into range (a change is reported as a warning too); format: the inverse of parse.
 */
type Codec<T> = { parse(raw: string): T | undefined; format(v: T): string; clamp?(v: T): T };

/** The only number forms a link may use; encode never writes any other. No leading zeros: `0`, `7`, `0.5`, not `007`. */
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const INTEGER = /^-?(0|[1-9]\d*)$/;
const NATURAL = /^(0|[1-9]\d*)$/;

/** At most the six decimals `format` writes back, so a value read from a link is the value it shares. */
const DECIMAL_6 = /^-?(0|[1-9]\d*)(\.\d{1,6})?$/;
/** An attack parameter's number; exponents allowed: encode writes String(v), which uses them for tiny step sizes. */
const PARAM_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?(e[-+]?\d+)?$/;

/** Classes of every model the lab opens (a user's own model must have 10 too): a target is one of them. */
const CLASSES = 10;

const num = (lo: number, hi: number): Codec<number> => ({
  parse: (r) => { const v = Number(r); return DECIMAL_6.test(r) && v >= lo && v <= hi ? v : undefined; },
  format: (v) => String(Number(v.toFixed(6))),
});
const int = (lo: number, hi: number): Codec<number> => ({
  parse: (r) => { const v = Number(r); return NATURAL.test(r) && v >= lo && v <= hi ? v : undefined; },
  format: (v) => String(v),
});
const bool: Codec<boolean> = { parse: (r) => (r === '1' || r === 'true' ? true : r === '0' || r === 'false' ? false : undefined), format: (v) => (v ? '1' : '0') };
const id: Codec<string> = { parse: (r) => (/^[a-z0-9][a-z0-9-]{0,63}$/.test(r) ? r : undefined), format: (v) => v };
const sha256: Codec<string> = { parse: (r) => (/^[0-9a-f]{64}$/.test(r) ? r : undefined), format: (v) => v };
const enumOf = <T extends string>(map: Record<string, T>): Codec<T> => ({
  parse: (r) => (Object.hasOwn(map, r) ? map[r] : undefined), // not `map[r]`: 'constructor' is in every object
  format: (v) => Object.keys(map).find((k) => map[k] === v) ?? String(v),
});
const nullable = <T>(c: Codec<T>): Codec<T | null> => ({
  parse: (r) => (r === '' ? undefined : c.parse(r)),
  format: (v) => (v === null ? '' : c.format(v)),
  clamp: c.clamp ? (v) => (v === null ? null : c.clamp!(v)) : undefined,
});
/** A number of the right kind, clamped into [lo, hi] (and snapped to whole numbers when `integer`). */
const ranged = (lo: number, hi: number, integer: boolean): Codec<number> => ({
  parse: (r) => {
    const v = Number(r);
    return (integer ? INTEGER : DECIMAL).test(r) && Number.isFinite(v) ? v : undefined;
  },
  format: (v) => String(Number(v.toFixed(6))),
  clamp: (v) => Math.min(hi, Math.max(lo, integer ? Math.round(v) : Number(v.toFixed(6)))),
});
/** A comma-separated set drawn from `allowed`, kept in `allowed`'s order so equal sets give equal links. */
const setOf = <T extends string>(allowed: readonly T[]): Codec<T[]> => ({
  parse: (r) => {
    const parts = r === '' ? [] : r.split(',');
    if (parts.some((p) => !(allowed as readonly string[]).includes(p))) return undefined;
    return allowed.filter((a) => parts.includes(a));
  },
  format: (v) => allowed.filter((a) => v.includes(a)).join(','),
});

/** A drawing code, checked by its decoder (length, alphabet, canonical padding). */
const drawingCode: Codec<string> = { parse: (r) => ('pixels' in decodeDrawing(r) ? r : undefined), format: (v) => v };

const SAMPLE_SIZE: Codec<number> = {
  parse: (r) => (r === '500' ? 500 : r === '1000' ? 1000 : r === 'full' ? FULL_SHARD : undefined),
  format: (v) => (v === FULL_SHARD ? 'full' : String(v)),
};

interface Field<K extends keyof UrlState> { key: string; prop: K; codec: Codec<UrlState[K]>; default: UrlState[K] }
const field = <K extends keyof UrlState>(key: string, prop: K, codec: Codec<UrlState[K]>, def: UrlState[K]): Field<K> =>
  ({ key, prop, codec, default: def });

/** An analysis setting's field, from its spec (worker/jobs/<analysis>.ts): link key, range, whole numbers, empty allowed. */
function analysisField(spec: ParamSpec): Field<keyof AnalysisParams> {
  const codec = ranged(spec.min!, spec.max!, spec.kind === 'integer');
  return field(spec.url!, spec.key as keyof AnalysisParams, (spec.nullable ? nullable(codec) : codec) as Codec<UrlState[keyof AnalysisParams]>,
    spec.default as UrlState[keyof AnalysisParams]);
}

/** The one list both directions read. Keys are short and stable: links in course material depend on them. */
export const URL_FIELDS = [
  field('model', 'model', nullable(id), null),
  field('sha', 'ownChecksum', nullable(sha256), null),
  field('kappa', 'kappa', nullable(num(0, 100)), null),
  field('rand', 'randomized', bool, false),
  field('seed', 'seed', int(0, 2 ** 32 - 1), 1),
  field('n', 'sampleSize', SAMPLE_SIZE, 1000),
  field('img', 'image', nullable(int(0, 1_000_000)), null),
  field('draw', 'drawing', nullable(drawingCode), null),
  field('target', 'target', nullable(int(0, CLASSES - 1)), null),
  field('tour', 'tour', nullable(int(0, 99)), null),
  field('attack', 'attack', id, 'deepfool-l2'),
  field('threat', 'threat', enumOf<ThreatModel>({ white: 'white-box', gray: 'gray-box' }), 'white-box'),
  field('grad', 'gradientMode', enumOf<GradientMode>({ exact: 'exact', st: 'straight-through', smooth: 'smoothed' }), 'exact'),
  // τ ≤ 0 has no smoothed surrogate: a link's 0 or negative τ is clamped to the smallest width, with a notice.
  field('tau', 'smoothingTau', ranged(0.001, 10, false), DEFAULT_SMOOTHING_TAU),
  field('backend', 'backend', nullable(enumOf<BackendName>({ webgpu: 'webgpu', wasm: 'wasm', webgl: 'webgl', cpu: 'cpu' })), null),
  field('panels', 'panels', setOf(ANALYSIS_PANELS), []),
  field('embed', 'embed', nullable(setOf(EMBED_PANELS)), null),
  ...Object.values(ANALYSIS_SETTINGS).map(analysisField),
] as const;

const PARAM_PREFIX = 'p.';

export function defaultUrlState(): UrlState {
  const s = { params: {} } as unknown as Record<string, unknown>;
  for (const f of URL_FIELDS) s[f.prop] = Array.isArray(f.default) ? [...f.default] : f.default;
  return s as unknown as UrlState;
}

function parseParam(raw: string): ParamValue | undefined {
  if (raw === 'null') return null;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  // A lenient form (`0x10`, `007`) is not a number: it stays text, which the attack's range rule refuses by name.
  if (PARAM_NUMBER.test(raw) && Number.isFinite(Number(raw))) return Number(raw);
  return /^[a-z0-9_-]{1,32}$/i.test(raw) ? raw : undefined;
}

/** A link's value echoed in a warning: the one quoting rule for user-supplied text (core/models/quoted-text.ts). */
export const quote = quoteText;

/** How a warning names one key=value pair of the link. */
export const quotePair = (key: string, raw: string): string => quote(`${key}=${raw}`);

/** `search` is location.search; `hash` is location.hash, which is never read but named when it holds anything. */
export function decode(search: string, hash = ''): { state: UrlState; warnings: string[] } {
  const state = defaultUrlState() as unknown as Record<string, unknown>;
  const warnings: string[] = [];
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(search);
  } catch {
    return { state: defaultUrlState(), warnings: ['The link could not be read; showing the default view.'] };
  }
  if (hash !== '' && hash !== '#') warnings.push(`Ignored ${quote(hash)}: settings after # are not read; put them after ? instead.`);
  const fields = new Map<string, (typeof URL_FIELDS)[number]>(URL_FIELDS.map((f) => [f.key, f]));
  const seen = new Set<string>();
  const params: Record<string, ParamValue> = {};
  for (const [k, raw] of q) {
    const pair = quotePair(k, raw);
    if (seen.has(k)) {
      warnings.push(`Ignored ${pair}: ${quote(k)} appears more than once; the first one is used.`);
      continue;
    }
    seen.add(k);
    if (k === 'v') {
      if (raw !== String(URL_VERSION)) warnings.push(`Link version ${pair} is not ${URL_VERSION}; settings were read as far as possible.`);
      continue;
    }
    if (k.startsWith(PARAM_PREFIX)) {
      const name = k.slice(PARAM_PREFIX.length);
      const value = parseParam(raw);
      if (!/^[a-zA-Z][a-zA-Z0-9]{0,31}$/.test(name) || value === undefined) warnings.push(`Ignored attack parameter ${pair}.`);
      else params[name] = value;
      continue;
    }
    const f = fields.get(k);
    if (!f) {
      warnings.push(`Ignored ${pair}: not a setting of this lab.`);
      continue;
    }
    const codec = f.codec as Codec<unknown>;
    const parsed = codec.parse(raw);
    if (parsed === undefined) {
      warnings.push(`Ignored ${pair}: not a valid value; using the default.`);
      continue;
    }
    const clamped = codec.clamp ? codec.clamp(parsed) : parsed;
    if (codec.format(clamped) !== codec.format(parsed)) warnings.push(`${pair} is out of range; using ${quote(codec.format(clamped))}.`);
    state[f.prop] = clamped;
  }
  state.params = params;
  return { state: state as unknown as UrlState, warnings };
}

export function encode(state: UrlState): string {
  const q = new URLSearchParams();
  q.set('v', String(URL_VERSION));
  for (const f of URL_FIELDS) {
    const codec = f.codec as Codec<unknown>;
    // Compared as text: list fields are fresh arrays, equal in content but never identical.
    const text = codec.format(state[f.prop]);
    if (text !== codec.format(f.default)) q.set(f.key, text);
  }
  for (const [k, v] of Object.entries(state.params)) q.set(`${PARAM_PREFIX}${k}`, v === null ? 'null' : String(v));
  return `?${q.toString()}`;
}
