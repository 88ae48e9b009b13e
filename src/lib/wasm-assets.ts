/** Browser-only: the wasm binaries as Vite asset URLs (bundled, relative to the page: no CDN, any sub-path). */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

const absolute = (u: string): string => new URL(u, self.location.href).href;

export const WASM_PATHS: Record<string, string> = {
  'tfjs-backend-wasm.wasm': absolute(wasmPlain),
  'tfjs-backend-wasm-simd.wasm': absolute(wasmSimd),
  'tfjs-backend-wasm-threaded-simd.wasm': absolute(wasmThreaded),
};
