import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { kappaF32 } from '../jump-relu';
import { defineJumpReluGradKernel } from './define-kernel';

/** Loop shared by the cpu and wasm kernels. `k` is κ already rounded to float32. */
export function jumpReluGradLoop(dy: Float32Array, x: Float32Array, out: Float32Array, k: number): void {
  // NaN fails x > k: 0, as in the reference.
  for (let i = 0; i < x.length; i++) out[i] = x[i] > k ? dy[i] : 0;
}

export const jumpReluGradCpuConfig = defineJumpReluGradKernel<MathBackendCPU>('cpu', ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs;
  const xs = backend.data.get(x.dataId).values as Float32Array;
  const out = new Float32Array(xs.length);
  jumpReluGradLoop(backend.data.get(dy.dataId).values as Float32Array, xs, out, kappaF32(attrs.kappa));
  return backend.makeTensorInfo(x.shape, 'float32', out);
});
