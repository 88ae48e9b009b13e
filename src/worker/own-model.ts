/**
 * The worker's side of "your own model": validate the files (core/models/user-model.ts), measure the
 * card on the test shard at the chosen input scaling, and hand back what the session keeps as its
 * loaded model. Nothing is sent anywhere: the files arrive from the page and stay in memory.
 */
import * as tf from '@tensorflow/tfjs';
import type { Normalization } from '../core/data/normalization';
import type { Shard } from '../core/data/shard';
import type { DatasetName } from '../core/data/manifest';
import type { ModelCard } from '../core/models/card';
import { userModelCard } from '../core/metrics/user-model-card';
import { asModelCard } from '../core/models/user-card';
import { loadUserModel } from '../core/models/user-model';
import type { RetrofittedModel } from '../core/retrofit/retrofit';
import type { OwnModelRequest, ProgressFn } from './jobs';

export interface LoadedOwnModel {
  net: RetrofittedModel;
  card: ModelCard;
  normalization: Normalization;
  shard: Shard;
}

export async function loadOwnModel(req: OwnModelRequest, shardFor: (d: DatasetName) => Promise<Shard>,
  onProgress: ProgressFn, signal?: AbortSignal): Promise<LoadedOwnModel> {
  onProgress({ done: 0, total: 1, label: 'checking the files' });
  const user = await loadUserModel(req.files);
  try {
    onProgress({ done: 0.2, total: 1, label: 'test images' });
    const shard = await shardFor(user.dataset);
    const scaling = req.scaling ?? (user.declaredScaling ? 'declared' : 'paper');
    const card = await userModelCard(user, req.name, shard, scaling, {
      signal, onProgress: (p) => onProgress({ done: 0.2 + (0.8 * p.done) / p.total, total: 1, label: `accuracy per κ (${p.done} of ${p.total})` }),
    });
    return { net: user.net, card: asModelCard(card, tf.getBackend(), shard.manifest.file), normalization: card.normalization, shard };
  } catch (e) {
    user.net.model.dispose();
    throw e;
  }
}
