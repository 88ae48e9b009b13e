/**
 * Backend selection: WebGPU on a real adapter, then WASM (SIMD; threads when cross-origin isolated), then
 * WebGL, then CPU. A software WebGPU adapter (fallback/SwiftShader) never wins over WASM: it is ~400×
 * slower. Every choice is verified with tf.getBackend() after setting it, and the reasons are recorded so
 * the UI can say which backend is active and why. Every start has a deadline: a wasm backend whose thread
 * pool is blocked (a Content-Security-Policy without blob: in script-src) never settles, and the page
 * would wait at "Starting the compute engine…" forever.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { isSoftwareAdapter, type AdapterSummary } from './adapter';

export { isSoftwareAdapter, type AdapterSummary };

export const BACKENDS = ['webgpu', 'wasm', 'webgl', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendChoice {
  backend: BackendName;
  /** One line per backend considered, in order, saying why it was or was not taken. */
  reasons: string[];
  adapter: AdapterSummary | null;
  /** The override asked for (?backend=…), and whether it could be honoured. */
  requested: BackendName | null;
  requestedFailed: boolean;
  /** Backends tried before the chosen one that failed to start or missed the deadline, in order. */
  failed: { backend: BackendName; timedOut: boolean }[];
  wasm: { simd: boolean; threads: boolean } | null;
}

/** How long one backend may take to start (wasm compiles ~10 MB on a loaded 2-core machine in ~2 s). */
export const BACKEND_START_TIMEOUT_MS = 20_000;

export interface SelectOptions {
  /** Force this backend first; if it cannot start, fall back in the usual order and say so. */
  prefer?: BackendName | null;
  /** Where the .wasm binaries are served (Vite asset URLs in the browser). Omit in Node. */
  wasmPaths?: Record<string, string> | string;
  /** Allow a software WebGPU adapter (tests of the WGSL kernel only). */
  allowSoftwareWebGPU?: boolean;
  /** Deadline per backend start (and for the WebGPU adapter probe). */
  startTimeoutMs?: number;
}

/** The value of `p`, or `onTimeout` once `ms` have passed without it settling. */
async function withDeadline<T>(p: Promise<T>, ms: number, onTimeout: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<T>((resolve) => { timer = setTimeout(() => resolve(onTimeout), ms); });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

type GpuLike = { requestAdapter(o?: unknown): Promise<null | { isFallbackAdapter?: boolean; info?: Record<string, string>; requestAdapterInfo?: () => Promise<Record<string, string>> }> };

export async function probeWebGPU(timeoutMs = BACKEND_START_TIMEOUT_MS): Promise<AdapterSummary | null> {
  const gpu = (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return null;
  const adapter = await withDeadline(gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null), timeoutMs, null);
  if (!adapter) return null;
  const info = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean(adapter.isFallbackAdapter ?? (info as { isFallbackAdapter?: boolean }).isFallbackAdapter),
  };
}

/** Backends removed after missing their deadline in this page's lifetime. */
const timedOut = new Set<BackendName>();

async function trySet(name: BackendName, timeoutMs: number): Promise<'started' | 'failed' | 'timeout'> {
  const attempt = (async () => {
    try {
      const ok = await tf.setBackend(name);
      if (!ok) return 'failed';
      await tf.ready();
      return tf.getBackend() === name ? 'started' : 'failed';
    } catch {
      return 'failed';
    }
  })();
  const result = await withDeadline(attempt, timeoutMs, 'timeout' as const);
  // A start still pending would make every later op wait for it (tf.ready() awaits the pending init):
  // removing the backend makes that init obsolete. It cannot be retried without a reload.
  if (result === 'timeout') {
    tf.removeBackend(name);
    timedOut.add(name);
  }
  return result;
}

export async function selectBackend(opts: SelectOptions = {}): Promise<BackendChoice> {
  if (opts.wasmPaths) setWasmPaths(opts.wasmPaths as Parameters<typeof setWasmPaths>[0]);
  const reasons: string[] = [];
  const timeoutMs = opts.startTimeoutMs ?? BACKEND_START_TIMEOUT_MS;
  const adapter = await probeWebGPU(timeoutMs);
  const isolated = Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
  const requested = opts.prefer ?? null;
  let requestedFailed = false;
  const failed: BackendChoice['failed'] = [];

  const order: BackendName[] = requested ? [requested, ...BACKENDS.filter((b) => b !== requested)] : [...BACKENDS];
  for (const name of order) {
    const forced = name === requested;
    if (name === 'webgpu' && !forced) {
      if (!adapter) { reasons.push('webgpu: no adapter (navigator.gpu missing or requestAdapter() returned null)'); continue; }
      if (isSoftwareAdapter(adapter) && !opts.allowSoftwareWebGPU) {
        reasons.push(`webgpu: adapter is software (${adapter.architecture || adapter.description || 'fallback'}); skipped in favour of wasm`);
        continue;
      }
    }
    if (timedOut.has(name)) {
      reasons.push(`${name}: unavailable (an earlier start of it timed out; reload the page to retry)`);
      if (forced) requestedFailed = true;
      failed.push({ backend: name, timedOut: true });
      continue;
    }
    const result = await trySet(name, timeoutMs);
    if (result === 'started') {
      reasons.push(`${name}: started${forced ? ' (requested)' : ''}`);
      const wasm = name === 'wasm' ? await wasmFeatures(isolated) : null;
      return { backend: name, reasons, adapter, requested, requestedFailed, failed, wasm };
    }
    if (forced) requestedFailed = true;
    failed.push({ backend: name, timedOut: result === 'timeout' });
    const what = result === 'timeout' ? `did not start within ${timeoutMs / 1000} s` : 'failed to start';
    reasons.push(`${name}: ${what}${forced ? ' (requested)' : ''}; falling back`);
  }
  throw new Error(`No TF.js backend could start:\n${reasons.join('\n')}`);
}

async function wasmFeatures(isolated: boolean): Promise<{ simd: boolean; threads: boolean }> {
  const flag = async (f: string): Promise<boolean> => Boolean(await tf.env().getAsync(f).catch(() => false));
  return { simd: await flag('WASM_HAS_SIMD_SUPPORT'), threads: isolated && (await flag('WASM_HAS_MULTITHREAD_SUPPORT')) };
}
