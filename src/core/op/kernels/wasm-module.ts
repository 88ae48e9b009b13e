import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type EmscriptenModule = { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
type Variants = { plain: string; shared: string };

/**
 * One instance per (module, backend memory) of our hand-written wasm modules (*.wat, compiled by
 * scripts/build-wasm-kernel.ts). Each imports the backend's own WebAssembly.Memory, so it reads and writes
 * tensors in place and sees heap growth. `null` records that the memory is not reachable or the engine
 * lacks SIMD, so callers fall back.
 */
const instances = new WeakMap<WebAssembly.Memory, Map<Variants, WebAssembly.Exports | null>>();

export function moduleOnBackendMemory(backend: BackendWasm, variants: Variants): WebAssembly.Exports | null {
  const mod = backend.wasm as unknown as EmscriptenModule;
  const memory = mod.asm?.memory ?? mod.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let byModule = instances.get(memory);
  if (!byModule) instances.set(memory, (byModule = new Map()));
  let exports = byModule.get(variants);
  if (exports === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const bytes = Uint8Array.from(atob(shared ? variants.shared : variants.plain), (c) => c.charCodeAt(0));
      exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
    } catch {
      exports = null;
    }
    byModule.set(variants, exports);
  }
  return exports;
}
