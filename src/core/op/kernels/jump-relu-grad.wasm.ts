import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kappaF32 } from '../jump-relu';
import { gradLoop } from './jump-relu-grad.cpu';
import { simdKernels } from './jump-relu.wasm';
import { defineJumpReluGradKernel } from './define-kernel';

/**
 * In place on the wasm heap: the 'step' rule with the SIMD module's jumpReluGrad; the 'smoothed' rule (it
 * needs exp, which wasm SIMD lacks) and the no-SIMD fallback in TypeScript on heap views.
 */
export const jumpReluGradWasmConfig = defineJumpReluGradKernel<BackendWasm>('wasm', ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs;
  const out = backend.makeOutput(x.shape, 'float32');
  const n = x.shape.reduce((a, b) => a * b, 1);
  const simd = attrs.rule === 'step' ? simdKernels(backend) : null;
  if (simd) {
    if (n > 0) simd.jumpReluGrad(backend.getMemoryOffset(dy.dataId), backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(out.dataId), n, kappaF32(attrs.threshold));
    return out;
  }
  // Views are taken after makeOutput: allocating can grow the heap and detach earlier views.
  gradLoop(backend.typedArrayFromHeap(dy) as Float32Array, backend.typedArrayFromHeap(x) as Float32Array,
    backend.typedArrayFromHeap(out) as Float32Array, attrs);
  return out;
});
