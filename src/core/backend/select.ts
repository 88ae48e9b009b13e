/**
 * Backend selection: WebGPU on a real adapter, then WASM (SIMD; threads when cross-origin isolated), then
 * WebGL, then CPU. A software WebGPU adapter (fallback/SwiftShader) never wins over WASM: it is ~1000×
 * slower. Every choice is verified with tf.getBackend() after setting it, and the reasons are recorded so
 * the UI can say which backend is active and why.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export const BACKENDS = ['webgpu', 'wasm', 'webgl', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface BackendChoice {
  backend: BackendName;
  /** One line per backend considered, in order, saying why it was or was not taken. */
  reasons: string[];
  adapter: AdapterSummary | null;
  /** The override asked for (?backend=…), and whether it could be honoured. */
  requested: BackendName | null;
  requestedFailed: boolean;
  wasm: { simd: boolean; threads: boolean } | null;
}

export interface SelectOptions {
  /** Force this backend first; if it cannot start, fall back in the usual order and say so. */
  prefer?: BackendName | null;
  /** Where the .wasm binaries are served (Vite asset URLs in the browser). Omit in Node. */
  wasmPaths?: Record<string, string> | string;
  /** Allow a software WebGPU adapter (tests of the WGSL kernel only). */
  allowSoftwareWebGPU?: boolean;
}

type GpuLike = { requestAdapter(o?: unknown): Promise<null | { isFallbackAdapter?: boolean; info?: Record<string, string>; requestAdapterInfo?: () => Promise<Record<string, string>> }> };

export async function probeWebGPU(): Promise<AdapterSummary | null> {
  const gpu = (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return null;
  const info = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean(adapter.isFallbackAdapter ?? (info as { isFallbackAdapter?: boolean }).isFallbackAdapter),
  };
}

export function isSoftwareAdapter(a: AdapterSummary): boolean {
  return a.isFallbackAdapter || /swiftshader|llvmpipe|software/i.test(`${a.architecture} ${a.description} ${a.vendor}`);
}

async function trySet(name: BackendName): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

export async function selectBackend(opts: SelectOptions = {}): Promise<BackendChoice> {
  if (opts.wasmPaths) setWasmPaths(opts.wasmPaths as Parameters<typeof setWasmPaths>[0]);
  const reasons: string[] = [];
  const adapter = await probeWebGPU();
  const isolated = Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
  const requested = opts.prefer ?? null;
  let requestedFailed = false;

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
    if (await trySet(name)) {
      reasons.push(`${name}: started${forced ? ' (requested)' : ''}`);
      const wasm = name === 'wasm' ? await wasmFeatures(isolated) : null;
      return { backend: name, reasons, adapter, requested, requestedFailed, wasm };
    }
    if (forced) requestedFailed = true;
    reasons.push(`${name}: failed to start${forced ? ' (requested); falling back' : ''}`);
  }
  throw new Error(`No TF.js backend could start:\n${reasons.join('\n')}`);
}

async function wasmFeatures(isolated: boolean): Promise<{ simd: boolean; threads: boolean }> {
  const flag = async (f: string): Promise<boolean> => Boolean(await tf.env().getAsync(f).catch(() => false));
  return { simd: await flag('WASM_HAS_SIMD_SUPPORT'), threads: isolated && (await flag('WASM_HAS_MULTITHREAD_SUPPORT')) };
}
