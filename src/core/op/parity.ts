/**
 * Backend parity checks for the JumpRelu kernel and its JumpReluGrad kernel: one case table, run by Vitest on cpu/wasm (Node), by
 * Playwright on webgl/webgpu (diagnostics page), and by the app once at start-up on the chosen backend.
 */
import * as tf from '@tensorflow/tfjs';
import { GRADIENT_MODES, jumpReluBackward, type GradientMode, type JumpReluBackward } from './gradient-mode';
import { jumpRelu, jumpReluGrad, jumpReluGradReference, jumpReluReference, kappaF32 } from './jump-relu';
import { mulberry32 } from './randomized';

export interface ParityCase {
  name: string;
  shape: number[];
  values: Float32Array;
  kappa: number;
}

function randomValues(n: number, seed: number, scale = 3): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

/** `large` adds a tensor of 2^20 + 3 elements (odd size: exercises partial workgroups/texels). */
export function parityCases({ large }: { large: boolean }): ParityCase[] {
  const k = 0.3;
  const kf = kappaF32(k);
  // Values straddling the float32-rounded threshold: the one just below, κ itself, the one just above.
  const below = kf - Math.abs(kf) * 2 ** -23;
  const above = kf + Math.abs(kf) * 2 ** -23;
  const cases: ParityCase[] = [
    { name: 'around κ (float32-rounded)', shape: [6], values: Float32Array.from([below, kf, above, k, 0.3000001, 0.2999999]), kappa: k },
    { name: 'κ = 0 is ReLU, incl. ±0', shape: [2, 3], values: Float32Array.from([-1, -0, 0, 1e-30, 5, -1e-30]), kappa: 0 },
    { name: 'negatives with negative κ', shape: [5], values: Float32Array.from([-3, -2, -1.5, -1, 0]), kappa: -1.5 },
    { name: 'NaN and ±Inf', shape: [4], values: Float32Array.from([NaN, Infinity, -Infinity, 0.5]), kappa: 0.2 },
    { name: 'empty tensor', shape: [0, 4], values: new Float32Array(0), kappa: 1 },
    { name: 'random 4-D batch', shape: [3, 5, 7, 2], values: randomValues(210, 7), kappa: 1 },
    { name: 'huge κ zeroes all finite values', shape: [8], values: randomValues(8, 3), kappa: 1e30 },
  ];
  if (large) cases.push({ name: 'large (2^20 + 3)', shape: [2 ** 20 + 3], values: randomValues(2 ** 20 + 3, 11), kappa: 0.5 });
  return cases;
}

export interface CaseResult {
  name: string;
  ok: boolean;
  /** Index and values of the first mismatch (NaN matches NaN; bit-exactness otherwise). */
  mismatch?: { index: number; got: number; want: number };
}

function sameFloat(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || a === b;
}

/**
 * The smoothed rule computes exp: GPUs round it differently from JS, so it matches to a relative 1e-5
 * (infinities and exact zeros still exactly); the step rules are selects and match bit for bit.
 */
function closeFloat(a: number, b: number): boolean {
  if (sameFloat(a, b)) return true;
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));
}

export async function runKernelCase(c: ParityCase): Promise<CaseResult> {
  const x = tf.tensor(c.values, c.shape, 'float32');
  const y = jumpRelu(x, c.kappa);
  const got = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  const want = jumpReluReference(c.values, c.kappa);
  for (let i = 0; i < want.length; i++) {
    if (!sameFloat(got[i], want[i])) return { name: c.name, ok: false, mismatch: { index: i, got: got[i], want: want[i] } };
  }
  return { name: c.name, ok: got.length === want.length };
}

/** A cotangent for the gradient kernel: random, with ±∞, NaN and −0 mixed in (a select must pass them through or zero them). */
function cotangent(n: number, seed: number): Float32Array {
  const specials = [Infinity, -Infinity, NaN, -0];
  return randomValues(n, seed).map((v, i) => (i % 5 === 2 ? specials[((i / 5) | 0) % 4] : v));
}

/** τ of the smoothed rule in the parity table: small enough that the cases around κ reach both cut-offs. */
const PARITY_TAU = 0.05;

/** The JumpReluGrad kernel on a case's values as x under one gradient mode, against `jumpReluGradReference`. */
export async function runGradKernelCase(c: ParityCase, mode: GradientMode = 'exact'): Promise<CaseResult> {
  const backward = jumpReluBackward(mode, PARITY_TAU);
  const dyValues = cotangent(c.values.length, 13);
  const [dy, x] = [tf.tensor(dyValues, c.shape, 'float32'), tf.tensor(c.values, c.shape, 'float32')];
  const g = jumpReluGrad(dy, x, c.kappa, backward);
  const got = (await g.data()) as Float32Array;
  tf.dispose([dy, x, g]);
  const want = jumpReluGradReference(dyValues, c.values, c.kappa, backward);
  const name = `gradient kernel${mode === 'exact' ? '' : ` (${mode})`}: ${c.name}`;
  const same = mode === 'smoothed' ? closeFloat : sameFloat;
  for (let i = 0; i < want.length; i++) {
    if (!same(got[i], want[i])) return { name, ok: false, mismatch: { index: i, got: got[i], want: want[i] } };
  }
  return { name, ok: got.length === want.length };
}

export interface GradResult {
  ok: boolean;
  maxAbsError: number;
  checked: number;
}

/**
 * The function whose derivative a gradient mode's backward is: J itself (exact), ReLU (straight-through),
 * z·σ((z − κ)/τ) (smoothed). Written with TF.js's own ops, independently of the JumpReluGrad kernel.
 */
export function surrogate(t: tf.Tensor, kappa: number, backward: JumpReluBackward): tf.Tensor {
  switch (backward.mode) {
    case 'exact':
      return jumpRelu(t, kappa);
    case 'straight-through':
      return tf.relu(t);
    case 'smoothed':
      return tf.mul(t, tf.sigmoid(tf.div(tf.sub(t, kappa), backward.tau)));
  }
}

/**
 * d/dx Σ w·J(x, κ) through tf.grad, under one gradient mode, against a central finite difference of that
 * mode's surrogate, on points at least 2h from κ and 0 (the kinks of J and ReLU: there the derivative is
 * a convention, not the FD limit).
 */
export async function runGradientCheck(seed = 5, n = 257, kappa = 0.4, h = 1e-2, mode: GradientMode = 'exact'): Promise<GradResult> {
  // τ well above h: the smoothed surrogate's curvature (~1/τ²) keeps the central difference accurate.
  const backward = jumpReluBackward(mode, 0.25);
  const away = (v: number) => Math.abs(v - kappa) < 2 * h || Math.abs(v) < 2 * h;
  const xs = randomValues(n, seed, 2).map((v) => (away(v) ? v + 5 * h : v));
  const ws = randomValues(n, seed + 1, 1);
  const [analytic, fd] = tf.tidy(() => {
    const x = tf.tensor1d(xs);
    const w = tf.tensor1d(ws);
    const f = (t: tf.Tensor) => tf.mul(w, jumpRelu(t, kappa, backward));
    const g = tf.grad((t: tf.Tensor) => tf.sum(f(t)))(x);
    const s = (t: tf.Tensor) => tf.mul(w, surrogate(t, kappa, backward));
    const numeric = tf.div(tf.sub(s(tf.add(x, h)), s(tf.sub(x, h))), 2 * h);
    return [g, numeric];
  });
  const a = await analytic.data();
  const b = await fd.data();
  tf.dispose([analytic, fd]);
  let maxAbsError = 0;
  for (let i = 0; i < n; i++) maxAbsError = Math.max(maxAbsError, Math.abs(a[i] - b[i]));
  return { ok: maxAbsError < 2e-3, maxAbsError, checked: n };
}

/**
 * Compiled GPU programs held by the active backend (WebGL binaries, WebGPU pipelines), or null on backends
 * that compile nothing. Reads private caches: this is a diagnostic, not an API.
 */
export function compiledProgramCount(): number | null {
  const b = tf.backend() as unknown as { binaryCache?: object; pipelineCache?: object };
  const cache = b.binaryCache ?? b.pipelineCache;
  return cache ? Object.keys(cache).length : null;
}

export interface KappaProgramResult {
  /** Programs compiled by 20 κ (and τ) changes of both kernels after a first call (must be 0: κ and τ are uniforms). */
  programsCreated: number | null;
  /** The outputs did change with κ (so the test is not vacuous). */
  outputsChanged: boolean;
}

export async function runKappaProgramCheck(): Promise<KappaProgramResult> {
  const x = tf.tensor1d(randomValues(64, 17, 2));
  const dy = tf.onesLike(x);
  // Both kernels, forward and backward (both rules), each compiled once at the first κ (and τ).
  const smooth = (i: number) => jumpReluBackward('smoothed', 0.05 + i * 0.01);
  const first = [jumpRelu(x, 0.05), jumpReluGrad(dy, x, 0.05), jumpReluGrad(dy, x, 0.05, smooth(0))];
  const firstValues = await Promise.all(first.map((t) => t.data()));
  tf.dispose(first);
  const before = compiledProgramCount();
  let outputsChanged = false;
  for (let i = 1; i <= 20; i++) {
    const ys = [jumpRelu(x, 0.05 + i * 0.07), jumpReluGrad(dy, x, 0.05 + i * 0.07), jumpReluGrad(dy, x, 0.05 + i * 0.07, smooth(i))];
    const vs = await Promise.all(ys.map((t) => t.data()));
    tf.dispose(ys);
    outputsChanged ||= vs.every((v, o) => v.some((val, j) => val !== firstValues[o][j]));
  }
  tf.dispose([x, dy]);
  const after = compiledProgramCount();
  return { programsCreated: before === null || after === null ? null : after - before, outputsChanged };
}

export interface ParityReport {
  backend: string;
  /** Per table case: the forward kernel, then the gradient kernel under each gradient mode. */
  cases: CaseResult[];
  /** The exact gradient against finite differences. */
  gradient: GradResult;
  /** Each gradient mode against finite differences of its surrogate. */
  gradientModes: Record<GradientMode, GradResult>;
  kappaPrograms: KappaProgramResult;
  ok: boolean;
}

export async function runParity(opts: { large: boolean }): Promise<ParityReport> {
  const cases: CaseResult[] = [];
  for (const c of parityCases(opts)) {
    cases.push(await runKernelCase(c));
    for (const mode of GRADIENT_MODES) cases.push(await runGradKernelCase(c, mode));
  }
  const gradientModes = {} as Record<GradientMode, GradResult>;
  for (const mode of GRADIENT_MODES) gradientModes[mode] = await runGradientCheck(5, 257, 0.4, 1e-2, mode);
  const gradient = gradientModes.exact;
  const kappaPrograms = await runKappaProgramCheck();
  const ok = cases.every((c) => c.ok) && Object.values(gradientModes).every((g) => g.ok) && kappaPrograms.outputsChanged && !kappaPrograms.programsCreated;
  return { backend: tf.getBackend(), cases, gradient, gradientModes, kappaPrograms, ok };
}
