import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { kappaF32 } from '../jump-relu';
import { defineJumpReluKernel } from './define-kernel';

/** Loop shared by the cpu and wasm kernels. `k` is κ already rounded to float32. */
export function jumpReluLoop(x: Float32Array, out: Float32Array, k: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    // NaN fails both tests and is kept: `v > k` false, `v <= k` false.
    out[i] = v <= k ? 0 : v;
  }
}

export const jumpReluCpuConfig = defineJumpReluKernel<MathBackendCPU>('cpu', ({ inputs, backend, attrs }) => {
  const { x } = inputs;
  const values = backend.data.get(x.dataId).values as Float32Array;
  const out = new Float32Array(values.length);
  jumpReluLoop(values, out, kappaF32(attrs.kappa));
  return backend.makeTensorInfo(x.shape, 'float32', out);
});
