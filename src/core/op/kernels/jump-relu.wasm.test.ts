import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileVariants, render } from '../../../../scripts/build-wasm-kernel';
import { useBackend } from '../../../testing/backends';
import { wasmKernelUsesSimd } from './jump-relu.wasm';

describe('wasm SIMD kernel', () => {
  it('committed bytes are the compilation of jump-relu.wat', async () => {
    const committed = readFileSync(join(import.meta.dirname, 'jump-relu.wasm-bytes.ts'), 'utf8');
    expect(committed).toBe(render(await compileVariants()));
  });

  it('runs on the backend memory (SIMD path active, not the TypeScript fallback)', async () => {
    await useBackend('wasm');
    expect(wasmKernelUsesSimd(tf.backend() as BackendWasm)).toBe(true);
  });
});
