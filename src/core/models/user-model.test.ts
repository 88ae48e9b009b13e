/**
 * User-supplied models: every refusal names the file, layer or field; accepted models (Sequential with
 * fused ReLUs, functional with ReLU layers, BN and Add, quantised weights, several shards) come out
 * retrofitted with the original's outputs; the checksum identifies the files. Runs on cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { asFiles, functionalCifar, mobileNetCifar, modelFiles, peakBytesDuring, sequentialMnist, type ModelFiles } from '../../testing/user-model-files';
import { checkRetrofittable } from '../retrofit/retrofit';
import { buildTopology, loadUserModel } from './user-model';
import { UserModelError, type UserModelFile } from './user-model-input';

type Json = Record<string, unknown>;

let seq: ModelFiles;
let fun: ModelFiles;
let seqModel: tf.LayersModel;
let funModel: tf.LayersModel;

beforeAll(async () => {
  await useBackend('cpu');
  seqModel = sequentialMnist();
  funModel = functionalCifar();
  seq = await modelFiles(seqModel);
  fun = await modelFiles(funModel);
});

afterAll(() => {
  seqModel.dispose();
  funModel.dispose();
});

/** The sequential model's files with model.json edited by `edit` (on a deep copy) and/or other weights. */
function edited(edit: (json: Json & ModelFiles['json']) => void, weights = seq.weights, from = seq): UserModelFile[] {
  const json = structuredClone(from.json);
  edit(json);
  return asFiles({ json, weights });
}

const layersOf = (json: ModelFiles['json']) => (json.modelTopology.config as { layers: { class_name: string; config: Json; inbound_nodes?: unknown[] }[] }).layers;

async function refusal(files: UserModelFile[], options?: { maxBytes: number }): Promise<UserModelError> {
  const before = tf.memory().numTensors;
  const e = await loadUserModel(files, options).then(() => null, (err: unknown) => err);
  expect(e, 'expected the model to be refused').toBeInstanceOf(UserModelError);
  // A refused model leaves no tensors behind.
  expect(tf.memory().numTensors).toBe(before);
  return e as UserModelError;
}

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const v = (await d.data())[0];
  tf.dispose([a, b, d]);
  return v;
}

describe('refusals name the file, layer or field', () => {
  it('total size over the limit', async () => {
    const files = asFiles(seq);
    const total = files.reduce((s, f) => s + f.bytes.length, 0);
    const e = await refusal(files, { maxBytes: total - 1 });
    expect(e.subject).toBe('size');
    expect(e.message).toMatch(/over the .* MB limit/);
    (await loadUserModel(files, { maxBytes: total })).net.model.dispose();
  });

  it('no model.json among the files, or several JSON files', async () => {
    const e = await refusal([{ name: 'weights.bin', bytes: seq.weights }]);
    expect(e.message).toContain('no model.json among the files (got: weights.bin)');
    const two = await refusal([{ name: 'a.json', bytes: new Uint8Array(2) }, { name: 'b.json', bytes: new Uint8Array(2) }]);
    expect(two.message).toContain('several JSON files (a.json, b.json)');
  });

  it('malformed JSON names the file', async () => {
    const e = await refusal([{ name: 'my-net.json', bytes: new TextEncoder().encode('{"modelTopology": ') }, { name: 'weights.bin', bytes: seq.weights }]);
    expect(e.subject).toBe('my-net.json');
    expect(e.message).toMatch(/^my-net\.json: not valid JSON/);
  });

  it('a graph model, a missing modelTopology, a layer without a name', async () => {
    expect((await refusal(edited((j) => { j.format = 'graph-model'; }))).message).toContain('format "graph-model"');
    expect((await refusal(edited((j) => { delete (j as Partial<Json>).modelTopology; }))).subject).toBe('model.json modelTopology');
    const e = await refusal(edited((j) => { delete layersOf(j)[1].config.name; }));
    expect(e.subject).toBe('model.json modelTopology.config.layers[1]');
  });

  it('an unsupported layer, a nested model and channels_first are named', async () => {
    const e = await refusal(edited((j) => { layersOf(j)[1].class_name = 'ZeroPadding2D'; }));
    expect(e.subject).toBe('pool1');
    expect(e.message).toMatch(/^layer "pool1": ZeroPadding2D is not supported/);
    expect((await refusal(edited((j) => { layersOf(j)[1].class_name = 'Sequential'; }))).message).toContain('nested model');
    const cf = await refusal(edited((j) => { layersOf(j)[0].config.data_format = 'channels_first'; }));
    expect(cf.message).toContain('layer "conv1" (Conv2D): data_format "channels_first"');
  });

  it('a non-ReLU hidden activation shows the retrofit\'s own message', async () => {
    const tanh = edited((j) => { layersOf(j)[3].config.activation = 'tanh'; });
    const e = await refusal(tanh);
    const json = JSON.parse(new TextDecoder().decode(tanh[0].bytes)) as ModelFiles['json'];
    expect(() => checkRetrofittable(json.modelTopology as never)).toThrow(e.message);
    expect(e.message).toBe('layer "fc1" (Dense): activation "tanh" is not ReLU; JumpReLU can only retrofit ReLU networks');
    expect(e.subject).toBe('fc1');
    const leaky = await refusal(edited((j) => { layersOf(j)[1] = { class_name: 'LeakyReLU', config: { name: 'leak', alpha: 0.2 } }; }));
    expect(leaky.message).toContain('layer "leak": activation layer LeakyReLU is not ReLU');
  });

  it('a model without any ReLU', async () => {
    const e = await refusal(edited((j) => { for (const l of layersOf(j)) if (l.config.activation === 'relu') l.config.activation = 'linear'; }));
    expect(e.message).toContain('has no ReLU');
  });

  it('an input shape of neither data set, an output that is not 10 classes', async () => {
    const big = sequentialMnist({ inputShape: [64, 64, 3] });
    const e = await refusal(asFiles(await modelFiles(big)));
    expect(e.message).toBe('input shape [null, 64, 64, 3] matches neither MNIST (28×28×1) nor CIFAR-10 (32×32×3)');
    big.dispose();
    const five = sequentialMnist({ classes: 5 });
    const o = await refusal(asFiles(await modelFiles(five)));
    expect(o.message).toContain('output shape [null, 5]: expected 10 classes');
    expect(o.message).toContain('layer "out"');
    five.dispose();
  });

  it('two outputs', async () => {
    const e = await refusal(edited((j) => {
      const cfg = (j.modelTopology.config as Json);
      cfg.output_layers = [['probs', 0, 0], ['logits', 0, 0]];
    }, fun.weights, fun));
    expect(e.message).toBe('the model has 2 outputs; a classifier has one');
  });

  it('a missing shard names the file and where model.json lists it', async () => {
    const e = await refusal([asFiles(seq)[0]]);
    expect(e.subject).toBe('weights.bin');
    expect(e.message).toBe('weights file "weights.bin" (model.json weightsManifest[0].paths[0]) is missing: give it together with model.json');
  });

  it('a short or long shard names the file and both lengths', async () => {
    const n = seq.weights.length;
    const short = await refusal(asFiles({ json: seq.json, weights: seq.weights.slice(0, n - 4) }));
    expect(short.subject).toBe('weights.bin');
    expect(short.message).toBe(`weights file weights.bin: ${n - 4} bytes, the manifest's weights need ${n} (truncated or a shard missing)`);
    const long = await refusal(asFiles({ json: seq.json, weights: new Uint8Array(n + 8) }));
    expect(long.message).toContain('a different or corrupted file');
  });

  it('weight names and shapes that do not match the topology', async () => {
    const spec = (j: ModelFiles['json'], name: string) => j.weightsManifest[0].weights.find((w) => w.name === name)!;
    const renamed = await refusal(edited((j) => { spec(j, 'fc1/bias').name = 'fc1/offset'; }));
    expect(renamed.message).toBe('layer "fc1": weight "fc1/bias" [12] is missing from the weightsManifest');
    const shape = await refusal(edited((j) => { spec(j, 'fc1/kernel').shape = [12, 12]; spec(j, 'out/kernel').shape = [108, 10]; }));
    expect(shape.message).toBe('weight "fc1/kernel": shape [12, 12] in the weightsManifest, layer "fc1" expects [108, 12]');
    const extra = await refusal(edited((j) => { j.weightsManifest[0].weights.push({ name: 'ghost/kernel', shape: [0], dtype: 'float32' }); }));
    expect(extra.message).toBe('weight "ghost/kernel" in the weightsManifest belongs to no layer of the topology');
    const twice = await refusal(edited((j) => { j.weightsManifest[0].weights.push({ name: 'fc1/bias', shape: [0], dtype: 'float32' }); }));
    expect(twice.message).toBe('weight "fc1/bias" is listed twice in the weightsManifest');
  });

  it('int8/int32 weights and unknown quantisation are refused by name', async () => {
    const int = await refusal(edited((j) => { j.weightsManifest[0].weights[0].dtype = 'int32'; }));
    expect(int.message).toBe('weight "conv1/kernel": dtype int32 is not supported (float32, or float16/uint8/uint16 quantisation of float32)');
    const half = await refusal(edited((j) => { j.weightsManifest[0].weights[0].dtype = 'float16' as 'float32'; }));
    expect(half.message).toContain('weight "conv1/kernel": dtype float16 is not supported');
    const q = await refusal(edited((j) => { j.weightsManifest[0].weights[1].quantization = { dtype: 'int8' as 'uint8', scale: 1, min: 0 }; }));
    expect(q.message).toContain('weight "conv1/bias": quantised as int8 is not supported');
    expect(q.subject).toBe('conv1/bias');
  });

  it('NaN weights are named', async () => {
    const w = new Float32Array(seq.weights.slice().buffer);
    w[w.length - 1] = NaN;
    const e = await refusal(asFiles({ json: seq.json, weights: new Uint8Array(w.buffer) }));
    expect(e.message).toBe('weight "out/bias" holds NaN or infinite values');
  });

  it('a malformed declared normalisation names the field', async () => {
    const e = await refusal(edited((j) => { j.userDefinedMetadata = { normalization: { mean: [0.1, 0.2], std: [0.3] } }; }));
    expect(e.subject).toBe('model.json userDefinedMetadata.normalization.mean');
    const bad = await refusal(edited((j) => { j.userDefinedMetadata = { normalization: 'imagenet' }; }));
    expect(bad.message).toContain('"imagenet" is none of unit, symmetric, paper');
  });
});

describe('accepted models', () => {
  it('Sequential, fused ReLUs: retrofitted, same logits, MNIST, checksum of the exact bytes', async () => {
    const baseline = tf.memory().numTensors;
    const user = await loadUserModel(asFiles(seq));
    expect(user.dataset).toBe('mnist');
    expect(user.net.jumpLayers).toEqual(['conv1_jump', 'fc1_jump']);
    expect(user.parameters).toBe(seqModel.countParams());
    expect(user.layers.map((l) => l.className)).toEqual(['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
    expect(user.softmaxRemoved).toBe(false);
    const x = tf.randomNormal([3, 28, 28, 1], 0, 1, 'float32', 5);
    expect(await maxDiff(user.net.forward(x), seqModel.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    const again = await loadUserModel(asFiles(seq, 'renamed.bin').map((f) => (f.name === 'renamed.bin' ? { ...f, name: 'weights.bin' } : f)));
    expect(again.checksum).toBe(user.checksum);
    const flipped = seq.weights.slice();
    flipped[0] ^= 1;
    const other = await loadUserModel(asFiles({ json: seq.json, weights: flipped }));
    expect(other.checksum).not.toBe(user.checksum);
    expect(user.checksum).toMatch(/^[0-9a-f]{64}$/);
    for (const u of [user, again, other]) u.net.model.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('functional with ReLU layers, BN, Add and a Softmax layer: the softmax is removed, logits match', async () => {
    const user = await loadUserModel(asFiles(fun));
    expect(user.dataset).toBe('cifar10');
    expect(user.softmaxRemoved).toBe(true);
    expect(user.net.jumpLayers).toEqual(['r1', 'r2']);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 6);
    expect(await maxDiff(tf.softmax(user.net.forward(x)), funModel.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    user.net.model.dispose();
    x.dispose();
  });

  it('MobileNet-style (depthwise convolutions, stride 1 and 2, multiplier 2, linear bottleneck, Add): planned, retrofitted, logits and gradients match', async () => {
    const model = mobileNetCifar();
    const user = await loadUserModel(asFiles(await modelFiles(model)));
    expect(user.dataset).toBe('cifar10');
    expect(user.parameters).toBe(model.countParams());
    expect(user.net.jumpLayers).toEqual(['stem_relu', 'expand_relu', 'dw_relu', 'dw2_relu']);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 8);
    expect(await maxDiff(user.net.forward(x), model.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    // The attacks' plain pass differentiates it: its ∇x equals TF.js's own through the layers model (cpu here).
    const r = tf.randomNormal([2, 10], 0, 1, 'float32', 9);
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(user.net.forward(t), r)))(x);
    const theirs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(model.apply(t) as tf.Tensor, r)))(x);
    const scale = tf.tidy(() => tf.max(tf.abs(theirs)).dataSync()[0]);
    expect(scale).toBeGreaterThan(0);
    expect(await maxDiff(ours, theirs)).toBeLessThan(1e-4 * scale);
    tf.dispose([x, r, ours, theirs]);
    user.net.model.dispose();
    model.dispose();
  });

  it('the Keras converter\'s layout: modelTopology.model_config, class_name "Functional"', async () => {
    const files = edited((j) => {
      j.modelTopology = { keras_version: '2.15.0', backend: 'tensorflow', model_config: { ...j.modelTopology, class_name: 'Functional' } };
    }, fun.weights, fun);
    const user = await loadUserModel(files);
    expect(user.net.jumpLayers).toEqual(['r1', 'r2']);
    user.net.model.dispose();
  });

  it('a fused softmax output is removed too', async () => {
    const soft = sequentialMnist({ softmax: true });
    const user = await loadUserModel(asFiles(await modelFiles(soft)));
    expect(user.softmaxRemoved).toBe(true);
    const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 7);
    expect(await maxDiff(tf.softmax(user.net.forward(x)), soft.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    user.net.model.dispose();
    soft.dispose();
    x.dispose();
  });

  it('weights split over two shards in subfolders, matched by base name', async () => {
    const cut = 1000;
    const files = edited((j) => { j.weightsManifest[0].paths = ['shards/group1-shard1of2.bin', 'shards/group1-shard2of2.bin']; });
    const user = await loadUserModel([files[0],
      { name: 'group1-shard2of2.bin', bytes: seq.weights.slice(cut) }, { name: 'group1-shard1of2.bin', bytes: seq.weights.slice(0, cut) }]);
    const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 8);
    expect(await maxDiff(user.net.forward(x), seqModel.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    user.net.model.dispose();
    x.dispose();
  });

  it('float16 and uint8-quantised weights are dequantised', async () => {
    const specs = seq.json.weightsManifest[0].weights;
    const floats = new Float32Array(seq.weights.slice().buffer);
    const parts: Uint8Array[] = [];
    const quantised: tf.io.WeightsManifestEntry[] = [];
    let offset = 0;
    specs.forEach((s, i) => {
      const n = s.shape.reduce((a, b) => a * b, 1);
      const v = floats.subarray(offset, offset + n);
      offset += n;
      if (i % 2 === 0) {
        const min = Math.min(...v);
        const scale = (Math.max(...v) - min) / 255 || 1;
        parts.push(Uint8Array.from(v, (x) => Math.round((x - min) / scale)));
        quantised.push({ ...s, quantization: { dtype: 'uint8', scale, min } });
      } else {
        // float16 by truncating the float32 bits (tiny values flush to zero): close enough for the check.
        const h = new Uint16Array(v.length);
        const f = new Float32Array(1);
        const bits = new Uint32Array(f.buffer);
        v.forEach((x, k) => {
          f[0] = x;
          const b = bits[0];
          const exp = ((b >>> 23) & 0xff) - 127 + 15;
          h[k] = exp <= 0 ? (b >>> 16) & 0x8000 : ((b >>> 16) & 0x8000) | (exp << 10) | ((b >>> 13) & 0x3ff);
        });
        parts.push(new Uint8Array(h.buffer));
        quantised.push({ ...s, quantization: { dtype: 'float16' } });
      }
    });
    const bytes = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    parts.reduce((o, p) => { bytes.set(p, o); return o + p.length; }, 0);
    const user = await loadUserModel(edited((j) => { j.weightsManifest[0].weights = quantised; }, bytes));
    const x = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 9);
    const diff = await maxDiff(user.net.forward(x), seqModel.predict(x) as tf.Tensor);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThan(0.1);
    user.net.model.dispose();
    x.dispose();
  });
});

/** Refused as `refusal` checks, having allocated (almost) no tensor memory on the way. */
async function refusedBeforeBuilding(files: UserModelFile[]): Promise<UserModelError> {
  const bytes = tf.memory().numBytes;
  const { result, peak } = await peakBytesDuring(() => refusal(files));
  expect(peak, 'tensor bytes allocated before the refusal').toBeLessThan(64 * 1024);
  expect(tf.memory().numBytes).toBe(bytes);
  return result;
}

describe('hostile topologies and weights: refused before the work, nothing leaks', () => {
  it('a Dense of 3 million units is refused by the activation budget before anything is built', async () => {
    const e = await refusedBeforeBuilding(edited((j) => { layersOf(j)[3].config.units = 3_000_000; }));
    expect(e.subject).toBe('fc1');
    expect(e.message).toMatch(/^layer "fc1" \(Dense\): 3,000,000 values per image .* over the budget of 1,048,576 per layer/);
  });

  it('a model over the parameter budget is refused naming the layer, its count and the budget', async () => {
    const e = await refusedBeforeBuilding(edited((j) => {
      Object.assign(layersOf(j)[0].config, { filters: 1000, strides: [1, 1], padding: 'same' });
      layersOf(j)[3].config.units = 200;
    }));
    expect(e.subject).toBe('fc1');
    expect(e.message).toMatch(/^layer "fc1" \(Dense\): 39,200,200 parameters .* over the budget of 25,000,000 parameters/);
  });

  it('no initializer of the file runs: every initializer is replaced by zeros before building', async () => {
    const user = await loadUserModel(edited((j) => {
      layersOf(j)[3].config.kernel_initializer = { class_name: 'Orthogonal', config: { gain: 1, seed: 3 } };
      layersOf(j)[3].config.kernel_regularizer = { class_name: 'L1L2', config: { l1: 0.1, l2: 0 } };
    }));
    const inits = user.net.model.layers.flatMap((l) => Object.entries(l.getConfig()).filter(([k]) => k.endsWith('Initializer')).map(([, v]) => (v as { className: string }).className));
    expect(inits.length).toBeGreaterThan(0);
    expect(new Set(inits)).toEqual(new Set(['Zeros']));
    const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 11);
    expect(await maxDiff(user.net.forward(x), seqModel.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    user.net.model.dispose();
    x.dispose();
  });

  it('five loads that fail while TF.js builds the layers leave no tensors behind', async () => {
    // c2 at stride 2 makes r2 8×8 while r1 is 16×16: the Add cannot be built (after c1, bn1 and c2 were).
    const files = edited((j) => { Object.assign(layersOf(j)[4].config, { strides: [2, 2] }); }, fun.weights, fun);
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const e = await refusal(files);
      expect(e.subject).toBe('skip');
    }
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('a topology TF.js fails to build midway leaves no variable or tensor behind', async () => {
    // The same Add of 16×16 and 8×8 maps, given to TF.js directly (loadUserModel's plan refuses it first).
    const json = structuredClone(fun.json);
    Object.assign(layersOf(json)[4].config, { strides: [2, 2] });
    const baseline = tf.memory().numTensors;
    const variables = Object.keys(tf.engine().state.registeredVariables).length;
    for (let i = 0; i < 5; i++) {
      const e = await buildTopology(json.modelTopology as never, 'model.json').then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(UserModelError);
      expect((e as UserModelError).message).toMatch(/^model\.json: TF\.js cannot build this topology/);
    }
    expect(tf.memory().numTensors).toBe(baseline);
    expect(Object.keys(tf.engine().state.registeredVariables)).toHaveLength(variables);
  });

  it('weights that overflow float32 in the forward pass are refused, naming the first layer that overflows', async () => {
    const w = new Float32Array(seq.weights.slice().buffer);
    const specs = seq.json.weightsManifest[0].weights;
    let offset = 0;
    for (const s of specs) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      if (s.name === 'fc1/kernel') w.fill(1e38, offset, offset + n);
      offset += n;
    }
    const e = await refusal(asFiles({ json: seq.json, weights: new Uint8Array(w.buffer) }));
    expect(e.subject).toBe('fc1');
    expect(e.message).toMatch(/^layer "fc1" \(Dense\) gives infinite or NaN values/);
  });

  it('a huge but finite weight loads with a warning naming it', async () => {
    const w = new Float32Array(seq.weights.slice().buffer);
    w[w.length - 1] = 3e7;
    const user = await loadUserModel(asFiles({ json: seq.json, weights: new Uint8Array(w.buffer) }));
    expect(user.warnings).toHaveLength(1);
    expect(user.warnings[0]).toMatch(/^weight "out\/bias" holds values up to 3\.0e\+7 in magnitude/);
    user.net.model.dispose();
  });

  it('a cycle among the layers and an input that names no layer are refused (TF.js would loop forever)', async () => {
    const cycle = await refusedBeforeBuilding(edited((j) => { layersOf(j)[1].inbound_nodes = [[['r2', 0, 0, {}]]]; }, fun.weights, fun));
    expect(cycle.message).toMatch(/^layer "(c1|bn1|r1|c2|r2)" \(\w+\): its inputs lead back to itself \(a cycle\)/);
    const unknown = await refusedBeforeBuilding(edited((j) => { layersOf(j)[2].inbound_nodes = [[['nothere', 0, 0, {}]]]; }, fun.weights, fun));
    expect(unknown.subject).toBe('bn1');
    expect(unknown.message).toBe('layer "bn1" (BatchNormalization): input "nothere" is not a layer of the model');
  });
});
