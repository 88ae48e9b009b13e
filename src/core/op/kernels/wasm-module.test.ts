import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesFile, compileVariants, render, WASM_MODULES } from '../../../../scripts/build-wasm-kernel';
import { useBackend } from '../../../testing/backends';
import { wasmKernelUsesSimd } from './jump-relu.wasm';

describe('wasm SIMD kernel', () => {
  it.each(WASM_MODULES)('committed bytes are the compilation of %s.wat', async (name) => {
    expect(readFileSync(bytesFile(name), 'utf8')).toBe(render(name, await compileVariants(name)));
  });

  it('runs on the backend memory (SIMD path active, not the TypeScript fallback)', async () => {
    await useBackend('wasm');
    expect(wasmKernelUsesSimd(tf.backend() as BackendWasm)).toBe(true);
  });
});
