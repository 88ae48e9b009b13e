/**
 * Backend parity checks for the JumpRelu kernel and its JumpReluGrad kernel: one case table, run by Vitest on cpu/wasm (Node), by
 * Playwright on webgl/webgpu (diagnostics page), and by the app once at start-up on the chosen backend.
 */
import * as tf from '@tensorflow/tfjs';
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

/** The JumpReluGrad kernel on a case's values as x, against `jumpReluGradReference`. */
export async function runGradKernelCase(c: ParityCase): Promise<CaseResult> {
  const dyValues = cotangent(c.values.length, 13);
  const [dy, x] = [tf.tensor(dyValues, c.shape, 'float32'), tf.tensor(c.values, c.shape, 'float32')];
  const g = jumpReluGrad(dy, x, c.kappa);
  const got = (await g.data()) as Float32Array;
  tf.dispose([dy, x, g]);
  const want = jumpReluGradReference(dyValues, c.values, c.kappa);
  const name = `gradient kernel: ${c.name}`;
  for (let i = 0; i < want.length; i++) {
    if (!sameFloat(got[i], want[i])) return { name, ok: false, mismatch: { index: i, got: got[i], want: want[i] } };
  }
  return { name, ok: got.length === want.length };
}

export interface GradResult {
  ok: boolean;
  maxAbsError: number;
  checked: number;
}

/**
 * d/dx Σ w·J(x, κ) through tf.grad against a central finite difference, on points at least 2h from κ
 * (the jump itself is where the derivative is, by the paper's convention, not the FD limit).
 */
export async function runGradientCheck(seed = 5, n = 257, kappa = 0.4, h = 1e-2): Promise<GradResult> {
  const xs = randomValues(n, seed, 2).map((v) => (Math.abs(v - kappa) < 2 * h ? v + 4 * h : v));
  const ws = randomValues(n, seed + 1, 1);
  const [analytic, fd] = tf.tidy(() => {
    const x = tf.tensor1d(xs);
    const w = tf.tensor1d(ws);
    const f = (t: tf.Tensor) => tf.mul(w, jumpRelu(t, kappa));
    const g = tf.grad((t: tf.Tensor) => tf.sum(f(t)))(x);
    const numeric = tf.div(tf.sub(f(tf.add(x, h)), f(tf.sub(x, h))), 2 * h);
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
  /** Programs compiled by 20 κ changes of both kernels after a first call (must be 0: κ is a uniform). */
  programsCreated: number | null;
  /** The outputs did change with κ (so the test is not vacuous). */
  outputsChanged: boolean;
}

export async function runKappaProgramCheck(): Promise<KappaProgramResult> {
  const x = tf.tensor1d(randomValues(64, 17, 2));
  const dy = tf.onesLike(x);
  // Both kernels, forward and backward, each compiled once at the first κ.
  const first = [jumpRelu(x, 0.05), jumpReluGrad(dy, x, 0.05)];
  const firstValues = await Promise.all(first.map((t) => t.data()));
  tf.dispose(first);
  const before = compiledProgramCount();
  let outputsChanged = false;
  for (let i = 1; i <= 20; i++) {
    const ys = [jumpRelu(x, 0.05 + i * 0.07), jumpReluGrad(dy, x, 0.05 + i * 0.07)];
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
  cases: CaseResult[];
  gradient: GradResult;
  kappaPrograms: KappaProgramResult;
  ok: boolean;
}

export async function runParity(opts: { large: boolean }): Promise<ParityReport> {
  const cases: CaseResult[] = [];
  for (const c of parityCases(opts)) cases.push(await runKernelCase(c), await runGradKernelCase(c));
  const gradient = await runGradientCheck();
  const kappaPrograms = await runKappaProgramCheck();
  const ok = cases.every((c) => c.ok) && gradient.ok && kappaPrograms.outputsChanged && !kappaPrograms.programsCreated;
  return { backend: tf.getBackend(), cases, gradient, kappaPrograms, ok };
}
