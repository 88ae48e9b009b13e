/**
 * Attack parameter specs and the one range rule that link, number box and core all apply.
 *
 * Each attack file declares a `ParamMeta` per option beside its defaults (label, range, doc, the paper's
 * value per data set); `paramSpecs` joins them with the defaults, so a default is written once. The
 * UI builds its boxes from the specs, the paper protocol reads their paper values, and `checkParams`
 * bounds every value before anything runs.
 *
 * No TF.js here: the UI's state imports this module.
 */
import type { DatasetName } from '../data/manifest';

/** null: "not set" where an option allows it (e.g. DeepFool candidates = all classes). */
export type ParamValue = number | boolean | string | null;

export type ParamKind = 'number' | 'integer' | 'boolean' | 'enum';

export interface ParamSpec {
  key: string;
  label: string;
  kind: ParamKind;
  default: ParamValue;
  /** Inclusive range of a number or integer. */
  min?: number;
  max?: number;
  /** Step of the number box. */
  step?: number;
  options?: readonly string[];
  /** One line: meaning, unit, where the value comes from. */
  doc: string;
  /** null is allowed (an empty box). */
  nullable?: boolean;
  /** The paper's value on each data set, where the paper states one. */
  paper?: Partial<Record<DatasetName, ParamValue>>;
  /** The key a permalink writes it under, where a link carries the setting itself (analysis settings). */
  url?: string;
}

/** What an attack file writes for one option: everything but its key and default. */
export type ParamMeta = Omit<ParamSpec, 'key' | 'default'>;

/** One `ParamMeta` for every option of an attack: the type system catches a missing or extra key. */
export type ParamMetas<O extends object> = { readonly [K in keyof O]-?: ParamMeta };

/** The specs of an attack, in the order of its defaults. */
export function paramSpecs<O extends object>(defaults: Readonly<O>, metas: ParamMetas<O>): readonly ParamSpec[] {
  return (Object.keys(defaults) as (keyof O & string)[]).map((key) => ({
    key, ...metas[key], default: defaults[key] as ParamValue,
  }));
}

const withPaper = (meta: ParamMeta, paper?: ParamMeta['paper']): ParamMeta => (paper ? { ...meta, paper } : meta);

/** The iteration budget of an iterative attack; `doc` names the paper's and the libraries' values. */
export const stepsMeta = (doc: string, paper?: ParamMeta['paper']): ParamMeta =>
  withPaper({ label: 'Max iterations', kind: 'integer', min: 0, max: 2000, step: 1, doc }, paper);

/** The overshoot past a linearised boundary (DeepFool, Trust Region). */
export const overshootMeta = (doc: string, paper?: ParamMeta['paper']): ParamMeta =>
  withPaper({ label: 'Overshoot', kind: 'number', min: 0, max: 1, step: 0.01, doc }, paper);

/** A step size or ball radius ε in normalised input units; L2 radii need a larger `max` than L∞ ones. */
export const epsilonMeta = (max: number, step: number, doc: string, paper?: ParamMeta['paper']): ParamMeta =>
  withPaper({ label: 'ε (normalised units)', kind: 'number', min: 0, max, step, doc }, paper);

/** The same value on both data sets. */
export const onBoth = (v: ParamValue): ParamMeta['paper'] => ({ mnist: v, cifar10: v });

/** The clip range, a run option of every attack (see clip-range.ts). */
export const CLIP_SPEC: ParamSpec = {
  key: 'clip', label: 'Clip range', kind: 'enum', options: ['paper', 'pixel'], default: 'paper',
  doc: 'paper: the image\'s own min/max (authors); pixel: [0, 1]',
};

/** An attack's options with the paper's values on `dataset` over its defaults. */
export function paperValues(specs: readonly ParamSpec[], dataset: DatasetName): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const s of specs) out[s.key] = s.paper && Object.hasOwn(s.paper, dataset) ? s.paper[dataset]! : s.default;
  return out;
}

export interface ParamCheck {
  /** The given values that may run, clamped into range; refused ones are absent (their default applies). */
  values: Record<string, ParamValue>;
  /** One line per value changed or refused, naming it. Empty: every value was accepted as given. */
  notices: string[];
}

const show = (v: unknown): string => (typeof v === 'string' ? `"${v.slice(0, 40)}"` : String(v).slice(0, 40));

/** One value against its spec: the value to use (undefined = refused) and what was wrong. */
function checkOne(spec: ParamSpec, value: unknown): { value?: ParamValue; notice?: string } {
  if (value === null && spec.nullable) return { value: null };
  const refuse = (why: string) => ({ notice: `${spec.key} = ${show(value)} ${why}; using the default ${String(spec.default)}.` });
  switch (spec.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? { value } : refuse('is not true or false');
    case 'enum':
      return typeof value === 'string' && (spec.options ?? []).includes(value)
        ? { value } : refuse(`is not one of ${(spec.options ?? []).join(', ')}`);
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return refuse('is not a finite number');
      const lo = spec.min ?? -Infinity;
      const hi = spec.max ?? Infinity;
      const rounded = spec.kind === 'integer' ? Math.round(value) : value;
      const clamped = Math.min(hi, Math.max(lo, rounded));
      if (clamped === value) return { value };
      const why = rounded !== value && clamped === rounded ? 'not a whole number' : `outside ${lo}–${hi}`;
      return { value: clamped, notice: `${spec.key} = ${show(value)} is ${why}; using ${clamped}.` };
    }
  }
}

/**
 * The one range rule for attack parameters. Only own properties count (`toString`, `constructor` of a
 * plain object are not parameters). Per key: no spec → dropped (core refuses the run); a number out of range → clamped, an
 * integer rounded; a value of the wrong type, NaN, ±∞ or an unlisted option → refused (the default
 * applies). Every change is named in `notices`, prefixed with the attack.
 */
export function checkParams(attackId: string, specs: readonly ParamSpec[], raw: Readonly<Record<string, unknown>>): ParamCheck {
  const values: Record<string, ParamValue> = {};
  const notices: string[] = [];
  for (const key of Object.keys(raw)) {
    const spec = specs.find((s) => s.key === key);
    if (!spec) {
      notices.push(`${attackId}: unknown parameter "${key.slice(0, 40)}" (known: ${specs.map((s) => s.key).join(', ')}).`);
      continue;
    }
    const r = checkOne(spec, raw[key]);
    if (r.value !== undefined) values[key] = r.value;
    if (r.notice) notices.push(`${attackId}: ${r.notice}`);
  }
  return { values, notices };
}
