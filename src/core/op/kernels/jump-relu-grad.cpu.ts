import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { smoothedDerivative } from '../gradient-mode';
import { kappaF32, type JumpReluGradAttrs } from '../jump-relu';
import { defineJumpReluGradKernel } from './define-kernel';

/** The 'step' rule, shared by the cpu and wasm kernels. `k` is the threshold already rounded to float32. */
export function jumpReluGradLoop(dy: Float32Array, x: Float32Array, out: Float32Array, k: number): void {
  // NaN fails x > k: 0, as in the reference.
  for (let i = 0; i < x.length; i++) out[i] = x[i] > k ? dy[i] : 0;
}

/** The 'smoothed' rule, shared by the cpu and wasm kernels: dy·s′(x), 0 (a select) where s′ is 0. */
export function smoothedGradLoop(dy: Float32Array, x: Float32Array, out: Float32Array, k: number, tau: number): void {
  for (let i = 0; i < x.length; i++) {
    const d = smoothedDerivative(x[i], k, tau);
    out[i] = d === 0 ? 0 : dy[i] * d;
  }
}

/** Either rule on float32 arrays (the cpu kernel, and the wasm kernel without SIMD or for 'smoothed'). */
export function gradLoop(dy: Float32Array, x: Float32Array, out: Float32Array, attrs: JumpReluGradAttrs): void {
  const k = kappaF32(attrs.threshold);
  if (attrs.rule === 'smoothed') smoothedGradLoop(dy, x, out, k, Math.fround(attrs.tau));
  else jumpReluGradLoop(dy, x, out, k);
}

export const jumpReluGradCpuConfig = defineJumpReluGradKernel<MathBackendCPU>('cpu', ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs;
  const xs = backend.data.get(x.dataId).values as Float32Array;
  const out = new Float32Array(xs.length);
  gradLoop(backend.data.get(dy.dataId).values as Float32Array, xs, out, attrs);
  return backend.makeTensorInfo(x.shape, 'float32', out);
});
