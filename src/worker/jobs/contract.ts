/**
 * What a job contract is: a kind of work declared once, as TF.js declares a kernel (name, attributes) apart
 * from its bodies. A contract names the kind, its request and result types and what a new job of the kind
 * supersedes; an analysis adds its title, its settings as parameter specs (link key, label, range, step,
 * default: used by the URL schema, the panel's number boxes and the worker's check alike) and how the page
 * builds its request. The worker's body for the kind lives in worker/runners.ts.
 *
 * Types and plain values only: the page imports the contracts without pulling in TF.js.
 */
import type { ModelCard } from '../../core/models/card';
import type { KappaChoice } from '../../core/retrofit/kappa';
import { checkParams, paramSpecs, type ParamMetas, type ParamSpec } from '../../core/attacks/params';

export interface Progress {
  done: number;
  total: number;
  /** Short words for the progress bar, e.g. "unprotected model, iteration 3 of 40". */
  label?: string;
  /** Evaluations: correct answers among the `done` images so far (a partial result to show while it runs). */
  correct?: number;
  /** Evaluations: the gallery's predictions, once made (after the first batch), before the sweep ends. */
  gallery?: { index: number; predicted: number; confidence: number; correct: boolean }[];
}

export type ProgressFn = (p: Progress) => void;

/** κ as the page chooses it and a request carries it: the core's one κ type (core/retrofit/kappa.ts). */
export type { KappaChoice };

/**
 * Which shard images the analyses may use. The validation split (the last images of the shard) is reserved
 * for the κ tuner; every other analysis samples only from the evaluation split, so the κ it proposes is
 * never measured on the images it was chosen on.
 */
export interface SplitInfo {
  evaluation: { start: number; count: number };
  validation: { start: number; count: number };
}

export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  backend: string;
}

/**
 * What a new job of the kind aborts, and waits for before it starts: 'own' the earlier jobs of its kind
 * (the slider, the picker or the Run button has moved on); 'model' also every model load and every job
 * computed on the model it replaces; 'everything' a backend switch, which disposes every tensor.
 */
export type Supersedes = 'own' | 'model' | 'everything';

export interface JobContract<K extends string = string, Req = unknown, Res = unknown> {
  kind: K;
  supersedes: Supersedes;
  /** Computed on the loaded model: a model load or a backend switch supersedes it. */
  onModel: boolean;
  /** Type carrier only (never set): the request and the result of the kind. */
  readonly types?: { request: Req; result: Res };
}

/** Declares a kind: `job<Request, Result>()({ kind, supersedes, onModel })`. */
export const job = <Req, Res>() => <const K extends string>(c: { kind: K; supersedes: Supersedes; onModel: boolean }): JobContract<K, Req, Res> => c;

/** What an analysis's request is built from besides its own settings: the loaded model and the κ chosen. */
export interface AnalysisApp extends KappaChoice {
  modelId: string;
  card: Pick<ModelCard, 'dataset' | 'kappa'>;
}

/** A request's field filled straight from a setting: the worker checks it against that setting's spec. */
type Fields<Req, P> = { readonly [F in keyof Req]?: keyof P & string };

export interface AnalysisContract<K extends string = string, Req extends { kind: K; modelId: string } = { kind: K; modelId: string }, Res = unknown,
  P extends object = object, Shared extends object = object> extends JobContract<K, Req, Res> {
  /** The panel's name (embed picker, layout). */
  title: string;
  /** An exported figure's subtitle: which attack ran, at which κ, on how many images, read from the result (what ran, not the settings now on screen). */
  caption(result: Res): string;
  /**
   * The panel's height in an embed 720 px wide as it opens (measured in Chromium on the built app), and the room
   * a run adds (its chart, its table): the no-script snippet's fixed frame holds both.
   */
  embedHeight: { open: number; grows: number };
  defaults: Readonly<P>;
  /** The settings as specs (`url`: the key a link writes), in the order of `defaults`. */
  settings: readonly ParamSpec[];
  fields: Fields<Req, P>;
  /** The request the Run button sends; `params` also holds other analyses' settings it reads (`Shared`). Pure. */
  request(app: AnalysisApp, params: Readonly<P & Shared>): Req;
}

/** Declares an analysis: a job that is computed on the model and supersedes only its own kind. */
export const analysis = <Req extends { kind: string; modelId: string }, Res, P extends object, Shared extends object = object>() =>
  <const K extends Req['kind'] & string>(c: {
    kind: K; title: string; caption(result: Res): string; embedHeight: { open: number; grows: number };
    defaults: Readonly<P>; metas: ParamMetas<P>; fields: Fields<Req, P>;
    request(app: AnalysisApp, params: Readonly<P & Shared>): Req;
  }): AnalysisContract<K, Req & { kind: K }, Res, P, Shared> => ({
    kind: c.kind, supersedes: 'own', onModel: true, title: c.title, caption: c.caption, embedHeight: c.embedHeight, defaults: c.defaults,
    settings: paramSpecs(c.defaults, c.metas), fields: c.fields, request: c.request as AnalysisContract<K, Req & { kind: K }, Res, P, Shared>['request'],
  });

/**
 * The worker's check of an analysis request: every field filled from a setting must be a value its spec
 * accepts as given (the page's boxes and links already clamp, so only a hand-made request fails here).
 */
export function checkAnalysisRequest(c: Pick<AnalysisContract, 'kind' | 'settings'> & { fields: object }, req: object): void {
  const raw: Record<string, unknown> = {};
  const specs: ParamSpec[] = [];
  for (const [field, key] of Object.entries(c.fields as Record<string, string>)) {
    const spec = c.settings.find((s) => s.key === key)!;
    specs.push({ ...spec, key: field });
    raw[field] = (req as Record<string, unknown>)[field];
  }
  const { notices } = checkParams(c.kind, specs, raw);
  if (notices.length) throw new Error(notices.map((n) => n.replace(/; using .*$/, '.')).join(' '));
}

/** κ values in a caption: up to four listed, more as their range. */
export const kappaList = (kappas: readonly number[]): string =>
  (kappas.length > 4 ? `${kappas[0]}…${kappas[kappas.length - 1]}` : kappas.join(', '));

/** A number setting's meta: label, inclusive range, box step, link key, one line of doc. */
export const setting = (url: string, label: string, kind: 'number' | 'integer', min: number, max: number, step: number, doc: string,
  nullable = false) => ({ url, label, kind, min, max, step, doc, ...(nullable ? { nullable } : {}) });

