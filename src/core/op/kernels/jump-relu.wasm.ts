import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kappaF32 } from '../jump-relu';
import { jumpReluLoop } from './jump-relu.cpu';
import { JUMP_RELU_WASM_PLAIN, JUMP_RELU_WASM_SHARED } from './jump-relu.wasm-bytes';
import { defineJumpReluKernel } from './define-kernel';
import { moduleOnBackendMemory } from './wasm-module';

type SimdKernel = (src: number, dst: number, n: number, k: number) => void;
type SimdGradKernel = (dy: number, x: number, dst: number, n: number, k: number) => void;
export interface SimdKernels { jumpRelu: SimdKernel; jumpReluGrad: SimdGradKernel }
const VARIANTS = { plain: JUMP_RELU_WASM_PLAIN, shared: JUMP_RELU_WASM_SHARED };

/** Our SIMD module's exports on this backend's memory, or null (TypeScript fallback). Shared with the gradient kernel. */
export function simdKernels(backend: BackendWasm): SimdKernels | null {
  const e = moduleOnBackendMemory(backend, VARIANTS);
  return e && { jumpRelu: e.jumpRelu as SimdKernel, jumpReluGrad: e.jumpReluGrad as SimdGradKernel };
}

/** The tensors never leave the wasm heap: our own SIMD loop, or (fallback) TypeScript on heap views. */
export const jumpReluWasmConfig = defineJumpReluKernel<BackendWasm>('wasm', ({ inputs, backend, attrs }) => {
  const { x } = inputs;
  const out = backend.makeOutput(x.shape, 'float32');
  const n = x.shape.reduce((a, b) => a * b, 1);
  const k = kappaF32(attrs.kappa);
  const simd = simdKernels(backend);
  if (simd) {
    if (n > 0) simd.jumpRelu(backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(out.dataId), n, k);
    return out;
  }
  // Views are taken after makeOutput: allocating can grow the heap and detach earlier views.
  jumpReluLoop(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array, k);
  return out;
});

/** For tests and the benchmark: whether the SIMD path is active on this backend. */
export const wasmKernelUsesSimd = (backend: BackendWasm): boolean => simdKernels(backend) !== null;
