/**
 * Every shipped model: loads with checksums matching its card, its TF.js accuracy on the shipped shard is
 * within 0.3 points of the card, its logits match the trainer's on a fixed batch, and retrofitting it at
 * κ = 0 reproduces its outputs exactly. Runs on wasm in Node.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { NORMALIZATION } from '../data/normalization';
import { loadShardNode } from '../data/shard-node';
import { retrofit } from '../retrofit/retrofit';
import { loadModelIndexNode, loadModelNode } from './load-node';
import { accuracyOver, shardSource } from '../metrics/accuracy';
import { layersClassifier } from './classifier';
import { shardBatch } from '../data/shard-batch';

const index = JSON.parse(readFileSync(join(import.meta.dirname, '../../../public/models/index.json'), 'utf8')) as { models: { id: string }[] };

describe('model index', () => {
  it('lists at least the MNIST base model', async () => {
    const idx = await loadModelIndexNode();
    expect(idx.models.map((m) => m.id)).toContain('mnist-lenetlike-base');
  });
});

describe.each(index.models.map((m) => m.id))('shipped model %s', (id) => {
  beforeAll(async () => { await useBackend('wasm'); });

  it('loads, accuracy within 0.3 points of its card, retrofit κ = 0 is exact', async () => {
    const { card, model } = await loadModelNode(id);
    const shard = await loadShardNode(card.dataset);
    const norm = NORMALIZATION[card.dataset];
    const acc = (await accuracyOver(layersClassifier(model, norm), shardSource(shard, norm))).accuracy;
    expect(Math.abs(acc - card.evaluation.testAccuracy) * 100).toBeLessThanOrEqual(0.3);
    expect(card.evaluation.count).toBe(shard.manifest.count);

    const ref = JSON.parse(readFileSync(join(import.meta.dirname, `../../../training/reference/${id}.json`), 'utf8')) as { logits: number[][] };
    const x = shardBatch(shard, 0, ref.logits.length, norm);
    const logits = model.predict(x) as tf.Tensor2D;
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(logits, tf.tensor2d(ref.logits)))).dataSync()[0]);
    expect(err).toBeLessThan(1e-3);

    const r = await retrofit(model, 0);
    const again = r.model.predict(x) as tf.Tensor;
    expect(Array.from(await again.data())).toEqual(Array.from(await logits.data()));
    tf.dispose([x, logits, again]);
    model.dispose();
    r.model.dispose();
  });
});
