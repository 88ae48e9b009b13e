import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kappaF32 } from '../jump-relu';
import { jumpReluLoop } from './jump-relu.cpu';
import { JUMP_RELU_WASM_PLAIN, JUMP_RELU_WASM_SHARED } from './jump-relu.wasm-bytes';
import { defineJumpReluKernel } from './define-kernel';

type SimdKernel = (src: number, dst: number, n: number, k: number) => void;
type SimdGradKernel = (dy: number, x: number, dst: number, n: number, k: number) => void;
export interface SimdKernels { jumpRelu: SimdKernel; jumpReluGrad: SimdGradKernel }
type EmscriptenModule = { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };

/**
 * One instance of our SIMD module per backend memory (it imports the backend's own WebAssembly.Memory, so
 * it reads and writes tensors in place and sees heap growth). `null` records that the memory is not
 * reachable or SIMD is unsupported, so the kernel falls back to a TypeScript loop on heap views.
 */
const simdByMemory = new WeakMap<object, SimdKernels | null>();

/** Our module's exports on this backend's memory, or null (TypeScript fallback). Shared with the gradient kernel. */
export function simdKernels(backend: BackendWasm): SimdKernels | null {
  const mod = backend.wasm as unknown as EmscriptenModule;
  const memory = mod.asm?.memory ?? mod.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let k = simdByMemory.get(memory);
  if (k === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const bytes = Uint8Array.from(atob(shared ? JUMP_RELU_WASM_SHARED : JUMP_RELU_WASM_PLAIN), (c) => c.charCodeAt(0));
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      k = { jumpRelu: instance.exports.jumpRelu as SimdKernel, jumpReluGrad: instance.exports.jumpReluGrad as SimdGradKernel };
    } catch {
      k = null;
    }
    simdByMemory.set(memory, k);
  }
  return k;
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
