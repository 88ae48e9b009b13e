/**
 * The wasm backend's thread count, and why it is 1 on a 2-core machine whatever `setThreadsCount` asks.
 *
 * TF.js 4.22's wasm backend (src/cc/backend.cc, `init_with_threads_count`) caps XNNPACK's pool at
 * `navigator.hardwareConcurrency / 2` ("many x86-64 processors have 2 threads per core") and at 8, after
 * reading the request. On a machine that reports 2 logical cores the cap is 1: the threaded binary loads
 * (cross-origin isolation works, `WASM_HAS_MULTITHREAD_SUPPORT` is true) yet `getThreadsCount()` returns 1.
 * Measured in headless Chromium on the 2-core build machines, 2026-12-06.
 *
 * `requestWasmThreads(n)` asks for n threads and, when the cap would refuse them, raises the
 * hardwareConcurrency this realm reports to 2n before the backend starts, so the cap allows n. It must run
 * before `tf.setBackend('wasm')` (the pool is sized once); `getThreadsCount()` afterwards says what was
 * granted. Used by the diagnostics page's `threads=` (npm run bench compares 1 thread with 2) and by the app's
 * worker (`appWasmThreads`).
 */
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** The pool TF.js's wasm backend grants for a request, given the logical cores the browser reports. */
export function grantedWasmThreads(requested: number, logicalCores: number): number {
  const cores = Math.floor(logicalCores / 2);
  const count = requested < 0 ? cores : requested;
  return Math.min(Math.max(count, 1), 8, cores);
}

export function requestWasmThreads(n: number, nav: { hardwareConcurrency?: number } | undefined = globalThis.navigator): void {
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new RangeError(`wasm threads must be a whole number from 1 to 8, got ${n}`);
  setThreadsCount(n);
  const reported = nav?.hardwareConcurrency ?? 1;
  if (nav && grantedWasmThreads(n, reported) < n) {
    // An own property shadows the prototype's getter for this realm only (the page or this worker).
    Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * n, configurable: true });
  }
}

/**
 * The app's pool: TF.js's own choice (half the logical cores, at most 8), but at least 2 where the machine reports
 * 2 or more. Measured on the 2-core machines (`npm run bench -- --slider-only`, Chromium wasm, 1,000 images, training
 * paused, 2026-12-06): 2 threads take 0.59× the time of 1 for the ResNet-20's κ change, 0.57× for the AlexLike,
 * 0.66× for the LeNetLike. Larger machines keep TF.js's choice (not measured here).
 */
export function appWasmThreads(logicalCores: number): number {
  const cores = Number.isFinite(logicalCores) && logicalCores >= 1 ? Math.floor(logicalCores) : 1;
  return Math.min(8, Math.max(grantedWasmThreads(-1, cores), Math.min(2, cores)));
}
