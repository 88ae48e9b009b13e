import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kappaF32 } from '../jump-relu';
import { jumpReluLoop } from './jump-relu.cpu';
import { defineJumpReluKernel } from './define-kernel';

/** Pure TypeScript on views of the wasm heap (as tfjs-backend-wasm's own Slice kernel): no C++ build. */
export const jumpReluWasmConfig = defineJumpReluKernel<BackendWasm>('wasm', ({ inputs, backend, attrs }) => {
  const { x } = inputs;
  const out = backend.makeOutput(x.shape, 'float32');
  // Views are taken after makeOutput: allocating can grow the heap and detach earlier views.
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  jumpReluLoop(src, dst, kappaF32(attrs.kappa));
  return out;
});
