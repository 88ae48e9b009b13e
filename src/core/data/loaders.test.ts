import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { loadModel } from '../models/load';
import { MODELS_DIR } from '../models/load-node';
import { fileSource, loadShardNode, PUBLIC_DIR } from './shard-node';
import { loadShard } from './shard';

const DATA = join(PUBLIC_DIR, 'data');

function tempCopy(files: string[], from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'jrl-'));
  for (const f of files) copyFileSync(join(from, f), join(dir, f));
  return dir;
}

describe('test shards', () => {
  it('MNIST shard is the full official test set; CIFAR-10 is class-balanced', async () => {
    const m = await loadShardNode('mnist');
    expect(m.manifest.count).toBe(10000);
    expect(Array.from(m.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]); // the official test set's first labels
    const c = await loadShardNode('cifar10');
    expect(c.manifest.count).toBeGreaterThanOrEqual(2000);
    const counts = new Array(10).fill(0);
    c.labels.forEach((l) => counts[l]++);
    expect(new Set(counts).size).toBe(1);
    expect(c.manifest.indices!.every((v, i, a) => i === 0 || v > a[i - 1])).toBe(true);
  });

  it('a missing file names the file', async () => {
    await expect(loadShard(fileSource, join(DATA, 'nope'), 'mnist-test')).rejects.toThrow(/nope\/mnist-test\.json: cannot read \(ENOENT\)/);
  });

  it('a truncated bin is refused', async () => {
    const dir = tempCopy(['cifar10-test.json'], DATA);
    writeFileSync(join(dir, 'cifar10-test.bin'), readFileSync(join(DATA, 'cifar10-test.bin')).subarray(0, 1000));
    await expect(loadShard(fileSource, dir, 'cifar10-test')).rejects.toThrow(/1000 bytes, expected .*truncated/);
  });

  it('a corrupted bin fails its checksum', async () => {
    const dir = tempCopy(['cifar10-test.json', 'cifar10-test.bin'], DATA);
    const b = readFileSync(join(dir, 'cifar10-test.bin'));
    b[123] ^= 0xff;
    writeFileSync(join(dir, 'cifar10-test.bin'), b);
    await expect(loadShard(fileSource, dir, 'cifar10-test')).rejects.toThrow(/checksum/);
  });

  it('a manifest that does not describe its file is refused', async () => {
    const dir = tempCopy(['cifar10-test.bin'], DATA);
    const m = JSON.parse(readFileSync(join(DATA, 'cifar10-test.json'), 'utf8'));
    writeFileSync(join(dir, 'cifar10-test.json'), JSON.stringify({ ...m, count: 10 }));
    await expect(loadShard(fileSource, dir, 'cifar10-test')).rejects.toThrow(/byteLength/);
    writeFileSync(join(dir, 'cifar10-test.json'), '{"version": 1,');
    await expect(loadShard(fileSource, dir, 'cifar10-test')).rejects.toThrow(/not valid JSON/);
  });
});

describe('model loader', () => {
  const id = 'mnist-lenetlike-base';
  const files = ['card.json', 'model.json', 'weights.bin'];

  it('refuses corrupted weights, a truncated file and a bad id with clear messages', async () => {
    await useBackend('cpu');
    const root = mkdtempSync(join(tmpdir(), 'jrl-models-'));
    const dir = join(root, id);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    for (const f of files) copyFileSync(join(MODELS_DIR, id, f), join(dir, f));
    const w = readFileSync(join(dir, 'weights.bin'));
    w[10] ^= 1;
    writeFileSync(join(dir, 'weights.bin'), w);
    await expect(loadModel(fileSource, root, id)).rejects.toThrow(/weights\.bin: checksum/);
    writeFileSync(join(dir, 'weights.bin'), w.subarray(0, 100));
    await expect(loadModel(fileSource, root, id)).rejects.toThrow(/weights\.bin: 100 bytes, card says/);
    await expect(loadModel(fileSource, root, '../etc')).rejects.toThrow(/invalid model id/);
    await expect(loadModel(fileSource, root, 'no-such-model')).rejects.toThrow(/no-such-model\/card\.json: cannot read/);
  });
});
