/**
 * Loads a shipped model (public/models/<id>/{model.json, weights.bin, card.json}) with its card, checking
 * every file against the card's checksums first. Shared by browser and Node via a ByteSource.
 */
import * as tf from '@tensorflow/tfjs';
import { AssetError, sha256Hex, type ByteSource } from '../data/sha256';
import type { ModelCard, ModelIndex } from './card';

export interface LoadedModel {
  card: ModelCard;
  model: tf.LayersModel;
}

function parseJson<T>(bytes: Uint8Array, path: string): T {
  const text = new TextDecoder().decode(bytes);
  // Single-page-app servers answer a missing file with index.html: say "missing", not "not valid JSON".
  if (/^\s*<!doctype html|^\s*<html/i.test(text)) throw new AssetError(`${path}: missing (the server answered with an HTML page instead)`, path);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new AssetError(`${path}: not valid JSON (${(e as Error).message})`, path);
  }
}

export async function loadModelIndex(source: ByteSource, dir: string): Promise<ModelIndex> {
  const path = `${dir}/index.json`;
  const index = parseJson<ModelIndex>(await source(path), path);
  if (index?.version !== 1 || !Array.isArray(index.models)) throw new AssetError(`${path}: not a model index (version 1)`, path);
  return index;
}

async function verified(source: ByteSource, card: ModelCard, dir: string, file: string,
  onProgress?: (loaded: number, total: number | null) => void): Promise<Uint8Array> {
  const path = `${dir}/${file}`;
  const expect = card.files[file];
  if (!expect) throw new AssetError(`${path}: not listed in the model card`, path);
  const bytes = await source(path, onProgress);
  if (bytes.length !== expect.bytes) throw new AssetError(`${path}: ${bytes.length} bytes, card says ${expect.bytes} (truncated or replaced)`, path);
  const digest = await sha256Hex(bytes);
  if (digest !== expect.sha256) throw new AssetError(`${path}: checksum ${digest} does not match the card's ${expect.sha256}`, path);
  return bytes;
}

export async function loadModel(source: ByteSource, modelsDir: string, id: string,
  onProgress?: (fraction: number) => void): Promise<LoadedModel> {
  if (!/^[a-z0-9-]+$/.test(id)) throw new AssetError(`invalid model id "${id}"`, id);
  const dir = `${modelsDir}/${id}`;
  const card = parseJson<ModelCard>(await source(`${dir}/card.json`), `${dir}/card.json`);
  if (card?.version !== 1 || card.id !== id || !card.files) throw new AssetError(`${dir}/card.json: not a model card for ${id}`, `${dir}/card.json`);
  const json = parseJson<tf.io.ModelJSON>(await verified(source, card, dir, 'model.json'), `${dir}/model.json`);
  const group = json.weightsManifest?.[0];
  if (!group || group.paths.length !== 1) throw new AssetError(`${dir}/model.json: expected one weights file`, `${dir}/model.json`);
  const weights = await verified(source, card, dir, group.paths[0], (l, t) => onProgress?.(t ? l / t : 0));
  const expectedBytes = group.weights.reduce((s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  if (weights.length !== expectedBytes) throw new AssetError(`${dir}/${group.paths[0]}: ${weights.length} bytes, topology needs ${expectedBytes}`, dir);
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: group.weights, weightData: buffer,
  }));
  onProgress?.(1);
  return { card, model };
}
