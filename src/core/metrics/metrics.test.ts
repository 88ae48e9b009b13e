import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predict, runAttack } from '../attacks/run-attack';
import { ifgsm } from '../attacks/ifgsm';
import { jumpReluReference } from '../op/jump-relu';
import { retrofit } from '../retrofit/retrofit';
import type { RetrofittedModel } from '../retrofit/retrofit';
import { useBackend } from '../../testing/backends';
import { accuracy } from './accuracy';
import { accuracyCurve, accuracyVsIterations } from './accuracy-vs-iterations';
import { attackSet } from './attack-set';
import { classifierFromRetrofit } from './classifier-from-retrofit';
import type { EvalSet } from './eval-set';
import { makeEvalSet, pickIndices } from './eval-set';
import type { ExperimentSubject } from './experiment';
import { kappaSweep } from './kappa-sweep';
import type { TableProtocol } from './paper-protocol';
import { PAPER_PROTOCOL } from './paper-protocol';
import { relativePerturbation } from './relative-perturbation';
import { robustnessTable } from './robustness-table';
import { transferMatrix } from './transfer-matrix';
import { getAttack } from '../attacks/index';

const NORM = { mean: [0.5], std: [0.25] };
const SMALL: TableProtocol = [
  { key: 'pgd', title: 'PGD', attack: 'ifgsm', options: { epsilon: 0.05, steps: 10 } },
  { key: 'deepfool-linf', title: 'DF∞', attack: 'deepfool-linf', options: { steps: 10 } },
  { key: 'deepfool-l2', title: 'DF2', attack: 'deepfool-l2', options: { steps: 10 } },
  { key: 'trust-region', title: 'TR', attack: 'trust-region-l2', options: { steps: 100, radius: 0.05 } },
];

async function tinyModel(): Promise<{ base: tf.LayersModel; r: RetrofittedModel }> {
  const base = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [4, 4, 1] }),
      tf.layers.dense({ units: 12, activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ seed: 2, stddev: 0.3 }) }),
      tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
    ],
  });
  return { base, r: await retrofit(base, 0) };
}

describe('metrics', () => {
  let base: tf.LayersModel;
  let r: RetrofittedModel;
  let set: EvalSet;
  let subject: ExperimentSubject;

  beforeAll(async () => {
    await useBackend('cpu');
    ({ base, r } = await tinyModel());
    // Pixels 0..255 so the normalisation and the paper clip range are realistic; labels from κ = 0,
    // with every fifth flipped so some images start misclassified.
    const n = 20;
    const images = Uint8Array.from({ length: n * 16 }, (_, i) => (i * 97 + 13) % 256);
    const pre = makeEvalSet({ images, labels: new Uint8Array(n), shape: [4, 4, 1] }, NORM, n);
    const pred = await predict(classifierFromRetrofit(r, NORM, 0), pre.x);
    pre.x.dispose();
    const labels = Uint8Array.from(pred, (p, i) => (i % 5 === 0 ? (p + 1) % 4 : p));
    set = makeEvalSet({ images, labels, shape: [4, 4, 1] }, NORM, n);
    subject = { retrofitted: r, normalization: NORM, set };
  });

  afterAll(() => {
    set.x.dispose();
    base.dispose();
    r.model.dispose();
  });

  it('classifierFromRetrofit sets κ on every pass, so views of one model interleave', async () => {
    const hidden = tf.model({ inputs: r.model.inputs, outputs: r.model.layers[1].output as tf.SymbolicTensor });
    const pre = await (hidden.predict(set.x) as tf.Tensor).data();
    const w2 = r.model.layers[r.model.layers.length - 1].getWeights();
    const manual = async (kappa: number) =>
      tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(jumpReluReference(pre, kappa), [20, 12]), w2[0]), w2[1])).data();
    const v0 = classifierFromRetrofit(r, NORM, 0);
    const v1 = classifierFromRetrofit(r, NORM, 0.8);
    for (const [view, kappa] of [[v1, 0.8], [v0, 0], [v1, 0.8]] as const) {
      const got = await tf.tidy(() => view.logits(set.x)).data();
      const want = await manual(kappa);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    }
    expect(v0.numClasses).toBe(4);
    expect(v0.inputShape).toEqual([4, 4, 1]);
    // Gradients flow through apply().
    const g = tf.grad((x: tf.Tensor) => tf.sum(v1.logits(x as tf.Tensor4D)))(set.x);
    expect((await tf.max(tf.abs(g)).data())[0]).toBeGreaterThan(0);
    g.dispose();
  });

  it('randomized views draw fresh κ per pass, reproducibly per seed', async () => {
    const a = classifierFromRetrofit(r, NORM, { randomized: { b: 1.5, seed: 4 } });
    const b = classifierFromRetrofit(r, NORM, { randomized: { b: 1.5, seed: 4 } });
    const [a1, a2, b1] = [await tf.tidy(() => a.logits(set.x)).data(), await tf.tidy(() => a.logits(set.x)).data(), await tf.tidy(() => b.logits(set.x)).data()];
    expect(Array.from(a1)).toEqual(Array.from(b1));
    expect(Array.from(a1)).not.toEqual(Array.from(a2));
    r.control.setKappa(0);
  });

  it('clean accuracy counts correct labels, batched', async () => {
    const res = await accuracy(classifierFromRetrofit(r, NORM, 0), set, { batchSize: 7 });
    expect(res.accuracy).toBeCloseTo(16 / 20, 6);
    expect(Array.from(res.correct).filter((_, i) => i % 5 === 0)).toEqual([0, 0, 0, 0]);
  });

  it('ρ is the mean of per-image ratios; misclassified images count as 0', async () => {
    expect(relativePerturbation([0, 0.2, 0.4, 0])).toBeCloseTo(0.15, 9);
    const res = await attackSet(getAttack('deepfool-l2'), { steps: 10 }, classifierFromRetrofit(r, NORM, 0), set, { batchSize: 20, clip: 'pixel' });
    const x = await set.x.data();
    // Recompute ρ for one attacked image by hand: ‖Δ‖₂ / ‖x‖₂.
    const norm = Math.hypot(...x.slice(16, 32));
    expect(res.rhoL2[1]).toBeCloseTo(res.l2[1] / norm, 5);
    expect(res.rhoL2[0]).toBe(0);
    expect(res.rho).toBeCloseTo(relativePerturbation(res.rhoL2), 9);
  });

  it('attackSet gives the same per-image results in any batch size (pixel clip)', async () => {
    const view = classifierFromRetrofit(r, NORM, 0.3);
    const one = await attackSet(ifgsm, { epsilon: 0.05, steps: 10 }, view, set, { batchSize: 20, clip: 'pixel' });
    const many = await attackSet(ifgsm, { epsilon: 0.05, steps: 10 }, view, set, { batchSize: 6, clip: 'pixel' });
    expect(Array.from(many.iterations)).toEqual(Array.from(one.iterations));
    expect(Array.from(many.success)).toEqual(Array.from(one.success));
    many.l2.forEach((v, i) => expect(v).toBeCloseTo(one.l2[i], 5));
  });

  it('white-box and gray-box tables: κ = 0 rows agree, gray-box cells evaluate the κ = 0 adversarials', async () => {
    const before = tf.memory().numTensors;
    const stages: string[] = [];
    const t = await robustnessTable(subject, [0, 0.6], SMALL, { batchSize: 8, onProgress: (p) => stages.includes(p.stage) || stages.push(p.stage) });
    expect(tf.memory().numTensors).toBe(before);
    expect(t.whiteBox.map((row) => row.kappa)).toEqual([0, 0.6]);
    expect(t.grayBox.map((row) => row.kappa)).toEqual([0, 0.6]);
    const [w0, w1] = t.whiteBox;
    const [g0, g1] = t.grayBox;
    expect(g0.cells).toEqual(w0.cells);
    for (const key of ['pgd', 'deepfool-linf', 'deepfool-l2', 'trust-region'] as const) {
      expect(w1.cells[key]).toBeDefined();
      // The gray-box ρ is the source's: crafted at κ = 0.
      expect(g1.cells[key]!.rho).toBe(w0.cells[key]!.rho);
      expect(w0.cells[key]!.accuracy).toBeLessThanOrEqual(w0.clean);
    }
    // Minimal-perturbation attacks fool (nearly) everything they attack on their own model.
    expect(w0.cells['deepfool-l2']!.foolRate).toBe(1);
    // The gray-box accuracy at κ = 0.6 is that of the κ = 0 adversarials on the κ = 0.6 model.
    const direct = await attackSet(getAttack('deepfool-l2'), SMALL[2].options, classifierFromRetrofit(r, NORM, 0), set, {
      batchSize: 8,
      evaluateOn: [classifierFromRetrofit(r, NORM, 0.6)],
    });
    expect(g1.cells['deepfool-l2']!.accuracy).toBeCloseTo(direct.accuracyOn[0], 9);
    expect(stages.length).toBe(2 + 2 * 4);
  });

  it('κ sweep reports clean accuracy and DeepFool ρ per κ', async () => {
    const sweep = await kappaSweep(subject, [0, 0.5], PAPER_PROTOCOL.mnist.map((c) => ({ ...c, options: { ...c.options, steps: 10 } })), { batchSize: 20 });
    expect(sweep.map((p) => p.kappa)).toEqual([0, 0.5]);
    expect(Object.keys(sweep[0].rho).sort()).toEqual(['deepfool-l2', 'deepfool-linf']);
    expect(sweep[0].rho['deepfool-l2']).toBeGreaterThan(0);
  });

  it('transfer matrix: the diagonal is the white-box accuracy', async () => {
    const m = await transferMatrix(subject, [0, 0.6], { attack: 'ifgsm', options: { epsilon: 0.05, steps: 30 } }, { batchSize: 20 });
    expect(m.accuracy.length).toBe(2);
    m.accuracy.forEach((row, i) => {
      expect(row.length).toBe(2);
      expect(row[i]).toBeCloseTo(m.sourceAccuracy[i], 9);
    });
  });

  it('accuracy vs iterations: starts at clean accuracy, never increases, ends at the IFGSM accuracy', async () => {
    expect(accuracyCurve([1, 0, 1, 1], [0, 3, 2, 3], 3)).toEqual([0.75, 0.75, 0.5, 0.25]);
    const [curve] = await accuracyVsIterations(subject, [0.3], { epsilon: 0.05, steps: 12 }, { batchSize: 20 });
    const view = classifierFromRetrofit(r, NORM, 0.3);
    const clean = (await accuracy(view, set)).accuracy;
    const direct = await runAttack(ifgsm, view, set.x, set.labels, { epsilon: 0.05, steps: 12 });
    direct.adversarial.dispose();
    expect(curve.accuracy.length).toBe(13);
    expect(curve.accuracy[0]).toBeCloseTo(clean, 9);
    for (let t = 1; t <= 12; t++) expect(curve.accuracy[t]).toBeLessThanOrEqual(curve.accuracy[t - 1]);
    expect(curve.accuracy[12]).toBeCloseTo(1 - direct.success.reduce((a, v) => a + v, 0) / 20, 9);
  });

  it('randomized JumpReLU rows (Table 4): white-box on a randomized view, labelled by its range', async () => {
    const t = await robustnessTable(subject, [{ randomized: { b: 1.5, seed: 3 } }], SMALL.slice(0, 2), { batchSize: 20, grayBox: false });
    expect(t.grayBox).toEqual([]);
    expect(t.whiteBox[0].kappaLabel).toBe('U[0.9, 1.5]');
    expect(t.whiteBox[0].cells.pgd!.accuracy).toBeLessThanOrEqual(t.whiteBox[0].clean + 0.1);
    expect(t.whiteBox[0].cells['deepfool-linf']!.rho).toBeGreaterThan(0);
    r.control.setKappa(0);
  });

  it('experiments abort promptly with AbortError and leak nothing', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let calls = 0;
    const run = robustnessTable(subject, [0, 0.6], SMALL, {
      batchSize: 5,
      signal: controller.signal,
      onProgress: (p) => {
        calls++;
        if (p.stage.includes('DF2')) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('seeded subsets are reproducible; seed 0 keeps the shard order', () => {
    expect(Array.from(pickIndices(10, 4, 0))).toEqual([0, 1, 2, 3]);
    expect(Array.from(pickIndices(10, 4, 7))).toEqual(Array.from(pickIndices(10, 4, 7)));
    expect(new Set(pickIndices(10, 10, 7)).size).toBe(10);
  });
});
