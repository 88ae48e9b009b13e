import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { pooledConvInputGradShape } from '../pooled-conv-input-grad';
import { definePooledConvInputGradKernel } from './define-kernel';
import { pooledConvInputGradLoop } from './pooled-conv-input-grad.cpu';
import { POOLED_CONV_INPUT_GRAD_WASM_PLAIN, POOLED_CONV_INPUT_GRAD_WASM_SHARED } from './pooled-conv-input-grad.wasm-bytes';
import { moduleOnBackendMemory } from './wasm-module';

type Fused = (...args: number[]) => void;
const VARIANTS = { plain: POOLED_CONV_INPUT_GRAD_WASM_PLAIN, shared: POOLED_CONV_INPUT_GRAD_WASM_SHARED };

/** The SIMD module's entry point on this backend's memory, or null (TypeScript fallback on heap views). */
export const pooledConvSimd = (backend: BackendWasm): Fused | null =>
  (moduleOnBackendMemory(backend, VARIANTS)?.pooledConvInputGrad as Fused | undefined) ?? null;

export const pooledConvInputGradWasmConfig = definePooledConvInputGradKernel<BackendWasm>('wasm', ({ inputs, backend, attrs }) => {
  const s = pooledConvInputGradShape(inputs, attrs);
  const out = backend.makeOutput([s.rows, s.ih, s.iw, s.cin], 'float32');
  const simd = pooledConvSimd(backend);
  if (simd) {
    const at = (t: TensorInfo | undefined) => (t ? backend.getMemoryOffset(t.dataId) : 0);
    simd(at(inputs.dy), at(inputs.x), at(inputs.d), at(inputs.wt), at(out), s.rows, attrs.copies, s.ph, s.pw, s.c,
      s.h, s.w, s.sh, s.sw, s.kh, s.kw, s.cin, s.ih, s.iw, s.top, s.left);
    return out;
  }
  // Views are taken after makeOutput: allocating can grow the heap and detach earlier views.
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  pooledConvInputGradLoop(view(inputs.dy), view(inputs.x), view(inputs.wt), inputs.d ? view(inputs.d) : null, view(out), attrs.copies, s);
  return out;
});
