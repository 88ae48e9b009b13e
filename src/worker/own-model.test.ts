/** The worker's own-model loader: a card in the shipped shape, and no tensors left when a step after validation fails. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadShardNode } from '../core/data/shard-node';
import { useBackend } from '../testing/backends';
import { asFiles, modelFiles, sequentialMnist } from '../testing/user-model-files';
import { loadOwnModel } from './own-model';

describe('loadOwnModel', () => {
  let files: ReturnType<typeof asFiles>;
  beforeAll(async () => {
    await useBackend('cpu');
    const m = sequentialMnist();
    files = asFiles(await modelFiles(m));
    m.dispose();
  });

  it('validates, measures at the chosen scaling and returns a user card', async () => {
    const steps: string[] = [];
    const loaded = await loadOwnModel({ name: 'tiny', files, scaling: 'unit' }, loadShardNode, (p) => steps.push(p.label ?? ''));
    expect(loaded.card.user?.name).toBe('tiny');
    expect(loaded.card.architecture).toBe('user');
    expect(loaded.normalization).toEqual({ mean: [0], std: [1] });
    expect(loaded.card.evaluation.accuracyByKappa).toHaveLength(6);
    expect(steps[0]).toBe('checking the files');
    loaded.net.model.dispose();
  });

  it('without a choice: the paper\'s scaling, unless model.json declares one', async () => {
    const paper = await loadOwnModel({ name: 'tiny', files, scaling: null }, loadShardNode, () => {});
    expect(paper.card.user?.scaling).toBe('paper');
    paper.net.model.dispose();
    const json = JSON.parse(new TextDecoder().decode(files[0].bytes)) as Record<string, unknown>;
    json.userDefinedMetadata = { normalization: 'symmetric' };
    const declaring = [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(json)) }, files[1]];
    const declared = await loadOwnModel({ name: 'tiny', files: declaring, scaling: null }, loadShardNode, () => {});
    expect(declared.card.user?.scaling).toBe('declared');
    expect(declared.normalization).toEqual({ mean: [0.5], std: [0.5] });
    declared.net.model.dispose();
  });

  it('disposes the model when the shard cannot be read', async () => {
    const before = tf.memory().numTensors;
    await expect(loadOwnModel({ name: 'tiny', files, scaling: 'unit' }, () => Promise.reject(new Error('no shard')), () => {}))
      .rejects.toThrow('no shard');
    expect(tf.memory().numTensors).toBe(before);
  });
});
