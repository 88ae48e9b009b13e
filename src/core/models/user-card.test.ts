/**
 * The user-model card and its quick check: a shipped model dropped in as a user's files scores exactly
 * what the shipped pipeline measures on the same images at κ = 0, with no warning; a model fed wrongly
 * scaled inputs (or an untrained one) is flagged as near chance. The input scalings and model.json's
 * declared one. Runs on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { asFiles, modelFiles, sequentialMnist } from '../../testing/user-model-files';
import { NORMALIZATION } from '../data/normalization';
import { loadShardNode, PUBLIC_DIR } from '../data/shard-node';
import type { Shard } from '../data/shard';
import { accuracyOver, shardSource } from '../metrics/accuracy';
import { layersClassifier } from './classifier';
import { loadModelNode } from './load-node';
import { userModelCard } from '../metrics/user-model-card';
import { asModelCard, nearChanceWarning } from './user-card';
import { loadUserModel } from './user-model';
import { UserModelError, type UserModelFile } from './user-model-input';
import { scalingNormalization } from './user-normalization';

const dir = join(PUBLIC_DIR, 'models', 'mnist-lenetlike-base');
const shippedFiles = (): UserModelFile[] => ['model.json', 'weights.bin'].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));

let shard: Shard;
beforeAll(async () => {
  await useBackend('wasm');
  shard = await loadShardNode('mnist');
});

describe('user model card', () => {
  it('a shipped model as user files: κ = 0 accuracy equals the shipped pipeline\'s, no warning, user-supplied', async () => {
    const baseline = tf.memory().numTensors;
    const user = await loadUserModel(shippedFiles());
    const card = await userModelCard(user, 'lenet', shard, 'paper', { count: 300, kappas: [0, 1] });
    const { model } = await loadModelNode('mnist-lenetlike-base');
    const norm = NORMALIZATION.mnist;
    const want = (await accuracyOver(layersClassifier(model, norm), shardSource(shard, norm, 300))).accuracy;
    model.dispose();
    expect(card.userSupplied).toBe(true);
    expect(card.evaluation.count).toBe(300);
    expect(card.evaluation.accuracyByKappa.map((a) => a.kappa)).toEqual([0, 1]);
    expect(card.evaluation.accuracyByKappa[0].accuracy).toBe(want);
    expect(want).toBeGreaterThan(0.95);
    expect(card.warning).toBeNull();
    expect(card.normalization).toEqual(norm);
    expect(card.parameters).toBe(user.parameters);
    expect(Object.keys(card.files)).toEqual(['model.json', 'weights.bin']);

    const shown = asModelCard(card, 'wasm', 'mnist-test');
    expect(shown.id).toBe(`user-${user.checksum.slice(0, 16)}-paper`);
    expect([shown.architecture, shown.variant]).toEqual(['user', 'user']);
    expect(shown.name).toBe('Your own model: lenet');
    expect(shown.evaluation.testAccuracy).toBe(want);
    expect(shown.kappa).toEqual({ default: 0, paper: 1, min: 0, max: 2, step: 0.05 });
    expect(shown.notes).toEqual([]);
    expect(shown.user).toBe(card);
    user.net.model.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('an untrained model is flagged near chance: "is the normalisation right?"', async () => {
    const m = sequentialMnist();
    const user = await loadUserModel(asFiles(await modelFiles(m)));
    m.dispose();
    const card = await userModelCard(user, 'random', shard, 'unit', { count: 200, kappas: [0] });
    const acc = card.evaluation.accuracyByKappa[0].accuracy;
    expect(acc).toBeLessThan(0.25);
    expect(card.warning).toBe(nearChanceWarning(acc, 200, 10));
    expect(card.warning).toContain('is the normalisation right?');
    expect(asModelCard(card, 'wasm', 'mnist-test').notes[0]).toBe(card.warning);
    user.net.model.dispose();
  });

  it('a warning from loading (an overflowing weight) reaches the card and its notes, before the near-chance one', async () => {
    const [json, weights] = shippedFiles();
    const specs = (JSON.parse(new TextDecoder().decode(json.bytes)) as { weightsManifest: { weights: { name: string }[] }[] }).weightsManifest.flatMap((g) => g.weights);
    const floats = new Float32Array(weights.bytes.slice().buffer);
    floats[floats.length - 1] = 3e7;
    const user = await loadUserModel([json, { name: 'weights.bin', bytes: new Uint8Array(floats.buffer) }]);
    expect(user.warnings).toHaveLength(1);
    expect(user.warnings[0]).toContain(`weight "${specs[specs.length - 1].name}" holds values up to 3.0e+7`);
    const card = await userModelCard(user, 'loud', shard, 'paper', { count: 100, kappas: [0] });
    const acc = card.evaluation.accuracyByKappa[0].accuracy;
    expect(card.warning).toBe(`${user.warnings[0]}; ${nearChanceWarning(acc, 100, 10)}`);
    expect(asModelCard(card, 'wasm', 'mnist-test').notes[0]).toBe(card.warning);
    user.net.model.dispose();
  });

  it('refuses a shard of the other data set', async () => {
    const user = await loadUserModel(shippedFiles());
    const cifar = await loadShardNode('cifar10');
    await expect(userModelCard(user, 'x', cifar, 'paper')).rejects.toThrow('the model takes mnist inputs, the test shard is cifar10');
    user.net.model.dispose();
  });
});

describe('near-chance warning', () => {
  it('warns below 2.5× chance only', () => {
    expect(nearChanceWarning(0.249, 500, 10)).toContain('24.9 % on 500 test images, near chance (10 %)');
    expect(nearChanceWarning(0.25, 500, 10)).toBeNull();
    expect(nearChanceWarning(0.99, 500, 10)).toBeNull();
  });
});

describe('input scalings', () => {
  it('unit, symmetric and paper per data set; declared from model.json', async () => {
    expect(scalingNormalization('unit', 'cifar10', null)).toEqual({ mean: [0, 0, 0], std: [1, 1, 1] });
    expect(scalingNormalization('symmetric', 'mnist', null)).toEqual({ mean: [0.5], std: [0.5] });
    expect(scalingNormalization('paper', 'cifar10', null)).toEqual(NORMALIZATION.cifar10);
    expect(() => scalingNormalization('declared', 'mnist', null)).toThrow(UserModelError);
    expect(scalingNormalization('declared', 'mnist', 'symmetric')).toEqual({ mean: [0.5], std: [0.5] });

    const withMeta = (normalization: unknown): UserModelFile[] => {
      const [json, weights] = shippedFiles();
      const j = JSON.parse(new TextDecoder().decode(json.bytes)) as Record<string, unknown>;
      j.userDefinedMetadata = { normalization };
      return [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(j)) }, weights];
    };
    const named = await loadUserModel(withMeta('paper'));
    expect(named.declaredScaling).toBe('paper');
    named.net.model.dispose();
    const explicit = await loadUserModel(withMeta({ mean: 0.1307, std: [0.3081] }));
    expect(scalingNormalization('declared', 'mnist', explicit.declaredScaling)).toEqual({ mean: [0.1307], std: [0.3081] });
    explicit.net.model.dispose();
    const none = await loadUserModel(shippedFiles());
    expect(none.declaredScaling).toBeNull();
    none.net.model.dispose();
  });
});
