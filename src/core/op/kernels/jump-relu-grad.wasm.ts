import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kappaF32 } from '../jump-relu';
import { jumpReluGradLoop } from './jump-relu-grad.cpu';
import { simdKernels } from './jump-relu.wasm';
import { defineJumpReluGradKernel } from './define-kernel';

/** In place on the wasm heap: the SIMD module's jumpReluGrad, or (fallback) TypeScript on heap views. */
export const jumpReluGradWasmConfig = defineJumpReluGradKernel<BackendWasm>('wasm', ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs;
  const out = backend.makeOutput(x.shape, 'float32');
  const n = x.shape.reduce((a, b) => a * b, 1);
  const k = kappaF32(attrs.kappa);
  const simd = simdKernels(backend);
  if (simd) {
    if (n > 0) simd.jumpReluGrad(backend.getMemoryOffset(dy.dataId), backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(out.dataId), n, k);
    return out;
  }
  // Views are taken after makeOutput: allocating can grow the heap and detach earlier views.
  jumpReluGradLoop(backend.typedArrayFromHeap(dy) as Float32Array, backend.typedArrayFromHeap(x) as Float32Array,
    backend.typedArrayFromHeap(out) as Float32Array, k);
  return out;
});
