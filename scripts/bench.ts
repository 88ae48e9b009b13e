/**
 * `npm run bench`: speed, always as a ratio against a baseline measured in the same run.
 * Part 1 (Node: cpu, wasm): our JumpRelu kernel vs TF.js's built-in Relu on the same tensor.
 * Writes bench/results.json so changes are comparable. Not part of the tests: no timed assertions.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, writeFileSync } from 'node:fs';
import { jumpRelu } from '../src/core/op/jump-relu';
import { registerJumpRelu } from '../src/core/op/register';

interface Row { backend: string; what: string; size: number; baselineMs: number; oursMs: number; ratio: number }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Interleaves baseline and candidate so drift (thermal, other load) hits both alike. */
async function compare(base: () => tf.Tensor, ours: () => tf.Tensor, reps: number): Promise<[number, number]> {
  const time = async (f: () => tf.Tensor): Promise<number> => {
    const t0 = performance.now();
    const y = f();
    await y.data();
    const dt = performance.now() - t0;
    y.dispose();
    return dt;
  };
  for (let i = 0; i < 5; i++) { await time(base); await time(ours); }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < reps; i++) {
    if (i % 2) { a.push(await time(base)); b.push(await time(ours)); } else { b.push(await time(ours)); a.push(await time(base)); }
  }
  return [median(a), median(b)];
}

async function main(): Promise<void> {
  registerJumpRelu();
  const rows: Row[] = [];
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    await tf.ready();
    if (tf.getBackend() !== backend) { console.log(`${backend}: unavailable`); continue; }
    for (const size of [1 << 16, 1 << 20]) {
      const x = tf.randomNormal([size], 0, 1, 'float32', 1);
      const [baselineMs, oursMs] = await compare(() => tf.relu(x), () => jumpRelu(x, 0.5), backend === 'cpu' ? 41 : 101);
      x.dispose();
      rows.push({ backend, what: 'JumpRelu kernel vs tf.relu', size, baselineMs, oursMs, ratio: oursMs / baselineMs });
    }
  }
  console.table(rows.map((r) => ({ ...r, baselineMs: r.baselineMs.toFixed(3), oursMs: r.oursMs.toFixed(3), ratio: r.ratio.toFixed(3) })));
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 1) + '\n');
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
