import { join } from 'node:path';
import { fileSource, PUBLIC_DIR } from '../data/shard-node';
import { loadModel, loadModelIndex, type LoadedModel } from './load';
import type { ModelIndex } from './card';

export const MODELS_DIR = join(PUBLIC_DIR, 'models');

export function loadModelNode(id: string, dir = MODELS_DIR): Promise<LoadedModel> {
  return loadModel(fileSource, dir, id);
}

export function loadModelIndexNode(dir = MODELS_DIR): Promise<ModelIndex> {
  return loadModelIndex(fileSource, dir);
}
