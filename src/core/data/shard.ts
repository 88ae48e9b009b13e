/**
 * Loader for the compact test shards (public/data/<name>.{json,bin}), shared by browser and Node: the
 * caller passes a ByteSource. Every failure names the file and what is wrong with it.
 */
import type { DatasetName, ShardManifest } from './manifest';
import { AssetError, sha256Hex, type ByteSource } from './sha256';

export interface Shard {
  manifest: ShardManifest;
  /** count·H·W·C uint8 pixels, NHWC. */
  images: Uint8Array;
  labels: Uint8Array;
}

export const SHARD_NAMES: Record<DatasetName, string> = { mnist: 'mnist-test', cifar10: 'cifar10-test' };

export function parseShardManifest(text: string, path: string): ShardManifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new AssetError(`${path}: not valid JSON (${(e as Error).message})`, path);
  }
  const o = m as Partial<ShardManifest>;
  const bad = (what: string): never => { throw new AssetError(`${path}: ${what}`, path); };
  if (!o || typeof o !== 'object') bad('manifest is not an object');
  if (o.version !== 1) bad(`unsupported manifest version ${String(o.version)}`);
  if (o.dataset !== 'mnist' && o.dataset !== 'cifar10') bad(`unknown dataset ${String(o.dataset)}`);
  if (!Array.isArray(o.shape) || o.shape.length !== 3 || !o.shape.every((d) => Number.isInteger(d) && d > 0)) bad('shape must be [H, W, C]');
  if (!Number.isInteger(o.count) || (o.count as number) <= 0) bad('count must be a positive integer');
  if (!Array.isArray(o.classNames) || o.classNames.length < 2) bad('classNames missing');
  if (typeof o.sha256 !== 'string' || typeof o.file !== 'string') bad('file/sha256 missing');
  const [h, w, c] = o.shape as number[];
  if (o.byteLength !== (o.count as number) * (h * w * c + 1)) bad(`byteLength ${String(o.byteLength)} does not match count × (H·W·C + 1)`);
  return o as ShardManifest;
}

export async function loadShard(source: ByteSource, dir: string, name: string,
  onProgress?: (loaded: number, total: number | null) => void): Promise<Shard> {
  const jsonPath = `${dir}/${name}.json`;
  const manifest = parseShardManifest(new TextDecoder().decode(await source(jsonPath)), jsonPath);
  const binPath = `${dir}/${manifest.file}`;
  const bin = await source(binPath, onProgress);
  if (bin.length !== manifest.byteLength) {
    throw new AssetError(`${binPath}: ${bin.length} bytes, expected ${manifest.byteLength} (truncated or wrong file)`, binPath);
  }
  const digest = await sha256Hex(bin);
  if (digest !== manifest.sha256) throw new AssetError(`${binPath}: checksum ${digest} does not match manifest ${manifest.sha256}`, binPath);
  const [h, w, c] = manifest.shape;
  const nPix = manifest.count * h * w * c;
  const labels = bin.subarray(nPix);
  const nClasses = manifest.classNames.length;
  if (labels.some((l) => l >= nClasses)) throw new AssetError(`${binPath}: label out of range 0..${nClasses - 1}`, binPath);
  return { manifest, images: bin.subarray(0, nPix), labels };
}
