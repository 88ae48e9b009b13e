/** Node-side loaders (tests, reproduction, benchmarks): the same checks as the browser, reading files. */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetName } from './manifest';
import { AssetError, type ByteSource } from './sha256';
import { loadShard, SHARD_NAMES, type Shard } from './shard';

export const PUBLIC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'public');

export const fileSource: ByteSource = async (path) => {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new AssetError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
};

export function loadShardNode(dataset: DatasetName, dir = join(PUBLIC_DIR, 'data')): Promise<Shard> {
  return loadShard(fileSource, dir, SHARD_NAMES[dataset]);
}
