import { getThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { setWinogradReady, winogradConv3x3Shape, winogradScratchFloats } from '../winograd-conv3x3';
import { defineWinogradConv3x3Kernel } from './define-kernel';
import { moduleOnBackendMemory } from './wasm-module';
import { WINOGRAD_CONV3X3_WASM_PLAIN, WINOGRAD_CONV3X3_WASM_SHARED } from './winograd-conv3x3.wasm-bytes';

type Conv = (...args: number[]) => void;
const VARIANTS = { plain: WINOGRAD_CONV3X3_WASM_PLAIN, shared: WINOGRAD_CONV3X3_WASM_SHARED };

const simd = (backend: BackendWasm): Conv | null => (moduleOnBackendMemory(backend, VARIANTS)?.winogradConv3x3 as Conv | undefined) ?? null;

// No scalar fallback: without the SIMD module callers keep tf.conv2d. The kernel runs on one thread; XNNPACK's
// convolutions parallelise. Measured in Chromium (`npm run bench -- --slider-only`, κ change on 1,000 images): with
// 2 threads, taking the kernel was as fast (ResNet-20) or 20% faster (AlexLike) than leaving the convolutions to
// XNNPACK's two threads; with more threads (4-core machines and up) XNNPACK keeps them (not measured here).
export const WINOGRAD_MAX_THREADS = 2;
setWinogradReady(() => tf.getBackend() === 'wasm' && getThreadsCount() <= WINOGRAD_MAX_THREADS && simd(tf.backend() as BackendWasm) !== null);

export const winogradConv3x3WasmConfig = defineWinogradConv3x3Kernel<BackendWasm>('wasm', ({ inputs, backend, attrs }) => {
  const s = winogradConv3x3Shape(inputs, attrs);
  const run = simd(backend);
  if (!run) throw new Error('WinogradConv3x3: the wasm SIMD module is not available on this backend');
  const out = backend.makeOutput([s.n, s.oh, s.ow, s.k], 'float32');
  const scratch = backend.makeOutput([winogradScratchFloats(s.tileBlock, s.c, s.k)], 'float32');
  const at = (t: tf.TensorInfo) => backend.getMemoryOffset(t.dataId);
  run(at(inputs.x), at(inputs.u), at(out), at(scratch), s.n, s.h, s.w, s.c, s.k, s.tileBlock, s.oh, s.ow, s.pt, s.pl);
  backend.disposeData(scratch.dataId);
  return out;
});
