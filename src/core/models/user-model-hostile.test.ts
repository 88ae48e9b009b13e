/**
 * The hostile set: model files made to hurt or by mistake — empty and non-JSON files, absurd nesting, too
 * many layers, huge names and shapes, initializers, budgets, cycles and unknown inputs, shared and dangling
 * layers, bad manifests, missing, extra and corrupted shards, bad dtypes and quantisation, NaN, infinite
 * and overflowing weights. Each is refused with a UserModelError whose message names the offending layer,
 * weight or file (or, for the few that are only suspicious, loads with a warning naming it; three clumsy
 * but harmless files load as they should); none leaves a tensor or variable behind, and none allocates
 * more than a few MB of tensors on the way (the 3-million-unit Dense used to allocate 2.6 GB). The figures
 * are printed at the end. Runs on cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBackend } from '../../testing/backends';
import { asFiles, functionalCifar, modelFiles, peakBytesDuring, sequentialMnist, type ModelFiles } from '../../testing/user-model-files';
import { PUBLIC_DIR } from '../data/shard-node';
import { loadUserModel, USER_MODEL_CLASSES } from './user-model';
import { UserModelError, type UserModelFile } from './user-model-input';
import { planTopology, USER_MODEL_MAX_ACTIVATIONS, USER_MODEL_MAX_LAYERS, USER_MODEL_MAX_PARAMETERS, type TopologyJson } from './user-model-topology';

type Json = Record<string, unknown>;
type Layer = { class_name: string; name?: string; config: Json; inbound_nodes?: unknown[] };
type Files = ModelFiles['json'];

let seq: ModelFiles;
let fun: ModelFiles;

beforeAll(async () => {
  await useBackend('cpu');
  const s = sequentialMnist();
  const f = functionalCifar();
  seq = await modelFiles(s);
  fun = await modelFiles(f);
  s.dispose();
  f.dispose();
});

const enc = (text: string) => new TextEncoder().encode(text);
const layersOf = (json: Files) => (json.modelTopology.config as { layers: Layer[] }).layers;
const specsOf = (json: Files) => json.weightsManifest[0].weights;

/** `from`'s files with model.json edited on a copy, and optionally other weights. */
function edit(from: () => ModelFiles, change: (json: Files) => void, weights?: (w: Float32Array, json: Files) => Uint8Array | void): () => UserModelFile[] {
  return () => {
    const base = from();
    const json = structuredClone(base.json);
    change(json);
    let bytes = base.weights;
    if (weights) {
      const floats = new Float32Array(base.weights.slice().buffer);
      bytes = weights(floats, json) ?? new Uint8Array(floats.buffer);
    }
    return asFiles({ json, weights: bytes });
  };
}
const S = () => seq;
const F = () => fun;
const noChange = () => undefined;

/** The element range of weight `name` in the single shard. */
function range(json: Files, name: string): [number, number] {
  let offset = 0;
  for (const s of specsOf(json)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (s.name === name) return [offset, offset + n];
    offset += n;
  }
  throw new Error(`no weight ${name}`);
}

/** model.json given as raw text, with the sequential model's shard. */
const raw = (text: string | Uint8Array, name = 'model.json') => () => [{ name, bytes: typeof text === 'string' ? enc(text) : text }, { name: 'weights.bin', bytes: seq.weights }];

interface Case {
  name: string;
  files: () => UserModelFile[];
  /** The refusal's message, or (`warn`) the loaded model's one warning, or (`loads`) clumsy but fine: loads without one. */
  message?: RegExp;
  warn?: RegExp;
  loads?: true;
  subject?: string;
}

const dropout = (name: string): Layer => ({ class_name: 'Dropout', config: { name, rate: 0.1 } });

const CASES: Case[] = [
  // The files themselves.
  { name: 'no files at all', files: () => [], message: /^no model\.json among the files \(got: none\)/, subject: 'model.json' },
  { name: 'only a weights file', files: () => [{ name: 'weights.bin', bytes: seq.weights }], message: /^no model\.json among the files \(got: weights\.bin\)/ },
  { name: 'an empty model.json', files: raw(''), message: /^model\.json: not valid JSON/, subject: 'model.json' },
  { name: 'binary garbage as model.json', files: raw(Uint8Array.from({ length: 4096 }, (_, i) => (i * 97) % 256)), message: /^model\.json: not valid JSON/, subject: 'model.json' },
  { name: 'a JSON array', files: raw('[1, 2, 3]'), message: /^model\.json: not a JSON object/ },
  { name: 'JSON null', files: raw('null'), message: /^model\.json: not a JSON object/ },
  { name: 'a truncated model.json', files: () => [{ name: 'model.json', bytes: enc(JSON.stringify(seq.json).slice(0, 500)) }, { name: 'weights.bin', bytes: seq.weights }], message: /^model\.json: not valid JSON/ },
  {
    name: 'JSON nested 100,000 deep',
    files: () => raw(`${JSON.stringify(seq.json).slice(0, -1)},"userDefinedMetadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)(),
    message: /^model\.json: nested more than 64 levels deep at model\.json\.userDefinedMetadata/, subject: 'model.json',
  },
  { name: 'a graph model', files: edit(S, (j) => { j.format = 'graph-model'; }), message: /format "graph-model"/ },
  { name: 'no modelTopology', files: edit(S, (j) => { delete (j as Partial<Files>).modelTopology; }), message: /^model\.json: no modelTopology object/ },
  { name: 'layers is not a list', files: edit(S, (j) => { (j.modelTopology.config as Json).layers = { conv1: {} }; }), message: /has no class_name and config\.layers/ },
  { name: 'no layers', files: edit(S, (j) => { (j.modelTopology.config as Json).layers = []; }), message: /^model\.json: modelTopology has no layers/ },
  {
    name: `${USER_MODEL_MAX_LAYERS + 1000} layers`,
    files: edit(S, (j) => { layersOf(j).splice(3, 0, ...Array.from({ length: USER_MODEL_MAX_LAYERS + 1000 }, (_, i) => dropout(`d${i}`))); }),
    message: /^model\.json: 3,005 layers, over the budget of 2,000/,
  },
  { name: 'a layer name of 10,000 characters', files: edit(S, (j) => { layersOf(j)[1].config.name = 'p'.repeat(10_000); }), message: /layers\[1\] has a name of 10,000 characters/ },
  { name: 'two layers of one name', files: edit(S, (j) => { layersOf(j)[1].config.name = 'conv1'; }), message: /^two layers are named "conv1"/, subject: 'conv1' },
  { name: 'a layer without a name', files: edit(S, (j) => { delete layersOf(j)[2].config.name; }), message: /layers\[2\] has no class_name or config\.name/ },

  // Layers and activations.
  { name: 'an LSTM', files: edit(S, (j) => { layersOf(j)[3].class_name = 'LSTM'; }), message: /^layer "fc1": LSTM is not supported/, subject: 'fc1' },
  { name: 'a class name of 1 MB', files: edit(S, (j) => { layersOf(j)[3].class_name = 'X'.repeat(2 ** 20); }), message: /^layer "fc1": X{40}… is not supported/, subject: 'fc1' },
  { name: 'a nested model', files: edit(S, (j) => { layersOf(j)[1].class_name = 'Model'; }), message: /^layer "pool1": Model is not supported \(a nested model/ },
  { name: 'channels_first', files: edit(S, (j) => { layersOf(j)[1].config.data_format = 'channels_first'; }), message: /^layer "pool1" \(MaxPooling2D\): data_format "channels_first"/ },
  { name: 'a tanh hidden layer', files: edit(S, (j) => { layersOf(j)[0].config.activation = 'tanh'; }), message: /^layer "conv1" \(Conv2D\): activation "tanh" is not ReLU/, subject: 'conv1' },
  { name: 'no ReLU anywhere', files: edit(S, (j) => { for (const l of layersOf(j)) if (l.config.activation === 'relu') l.config.activation = 'linear'; }), message: /has no ReLU/ },
  { name: 'a ReLU6 (max_value)', files: edit(F, (j) => { layersOf(j)[3].config.max_value = 6; }), message: /^layer "r1": ReLU with max_value/, subject: 'r1' },
  { name: 'a float16 layer', files: edit(S, (j) => { layersOf(j)[3].config.dtype = 'float16'; }), message: /^layer "fc1" \(Dense\): dtype float16; only float32/, subject: 'fc1' },

  // Input, output and shapes.
  { name: 'no input shape', files: edit(S, (j) => { delete layersOf(j)[0].config.batch_input_shape; }), message: /^layer "conv1" \(Conv2D\): no batch_input_shape/, subject: 'conv1' },
  { name: 'an input of 64×64×3', files: edit(S, (j) => { layersOf(j)[0].config.batch_input_shape = [null, 64, 64, 3]; }), message: /^input shape \[null, 64, 64, 3\] matches neither MNIST/ },
  { name: 'an input of 1e9×1e9', files: edit(S, (j) => { layersOf(j)[0].config.batch_input_shape = [null, 1e9, 1e9, 1]; }), message: /^input shape \[null, 1000000000, 1000000000, 1\] matches neither/ },
  { name: 'a negative input size', files: edit(S, (j) => { layersOf(j)[0].config.batch_input_shape = [null, -28, 28, 1]; }), message: /^layer "conv1" \(Conv2D\): input shape \[null,-28,28,1\] is not a list of positive integers/ },
  { name: 'a 5-class output', files: edit(S, (j) => { layersOf(j)[4].config.units = 5; }), message: /^output shape \[null, 5\]: expected 10 classes, \[null, 10\] \(layer "out"\)/, subject: 'output' },
  { name: 'a kernel larger than the image', files: edit(S, (j) => { layersOf(j)[0].config.kernel_size = [64, 64]; }), message: /^layer "conv1" \(Conv2D\): a 64×64 kernel .* does not fit its 28×28 input/ },
  { name: 'kernel_size 0', files: edit(S, (j) => { layersOf(j)[0].config.kernel_size = 0; }), message: /^layer "conv1" \(Conv2D\): kernel_size 0 is not a positive integer/ },
  { name: 'kernel_size 2.5', files: edit(S, (j) => { layersOf(j)[0].config.kernel_size = [2.5, 2]; }), message: /^layer "conv1" \(Conv2D\): kernel_size 2\.5 is not a positive integer/ },
  { name: 'strides of a billion (then a pool on 1×1)', files: edit(S, (j) => { layersOf(j)[0].config.strides = 1e9; }), message: /^layer "pool1" \(MaxPooling2D\): a 2×2 pool does not fit its 1×1 input/, subject: 'pool1' },
  { name: 'padding "causal"', files: edit(S, (j) => { layersOf(j)[0].config.padding = 'causal'; }), message: /^layer "conv1" \(Conv2D\): padding "causal" is neither "valid" nor "same"/ },
  { name: 'units as a string', files: edit(S, (j) => { layersOf(j)[3].config.units = '12'; }), message: /^layer "fc1" \(Dense\): units "12" is not a positive integer/ },
  { name: 'units 1e400 (Infinity)', files: () => raw(JSON.stringify(seq.json).replace('"units":12', '"units":1e400'))(), message: /^layer "fc1" \(Dense\): units null is not a positive integer/ },
  { name: 'a Dense on a 4-D input (no Flatten)', files: edit(S, (j) => { layersOf(j).splice(2, 1); }), message: /^layer "fc1" \(Dense\): input \[null, 6, 6, 3\] has rank 4, it takes rank 2/ },
  { name: 'grouped convolution', files: edit(S, (j) => { layersOf(j)[0].config.groups = 2; }), message: /^layer "conv1" \(Conv2D\): groups 2/ },
  { name: 'GlobalAveragePooling2D keepdims', files: edit(F, (j) => { layersOf(j)[7].config.keepdims = true; }), message: /^layer "gap" \(GlobalAveragePooling2D\): keepdims/ },
  { name: 'BatchNormalization over axis 1', files: edit(F, (j) => { layersOf(j)[2].config.axis = 1; }), message: /^layer "bn1" \(BatchNormalization\): axis 1; only the channel/ },

  // Budgets (and the initializers that used to run before any check).
  { name: 'a Dense of 3 million units', files: edit(S, (j) => { layersOf(j)[3].config.units = 3_000_000; }), message: /^layer "fc1" \(Dense\): 3,000,000 values per image .* per layer output/, subject: 'fc1' },
  {
    name: 'a 3-million-unit Dense with an Orthogonal kernel',
    files: edit(S, (j) => { Object.assign(layersOf(j)[3].config, { units: 3_000_000, kernel_initializer: { class_name: 'Orthogonal', config: { gain: 1 } } }); }),
    message: /^layer "fc1" \(Dense\): 3,000,000 values per image/,
  },
  {
    name: `over ${USER_MODEL_MAX_PARAMETERS.toLocaleString('en')} parameters`,
    files: edit(S, (j) => { Object.assign(layersOf(j)[0].config, { filters: 1000, strides: 1, padding: 'same' }); layersOf(j)[3].config.units = 200; }),
    message: /^layer "fc1" \(Dense\): 39,200,200 parameters bring the model to 39,226,200, over the budget of 25,000,000 parameters/,
  },
  {
    name: `over ${USER_MODEL_MAX_ACTIVATIONS.toLocaleString('en')} activations summed`,
    files: edit(S, (j) => {
      Object.assign(layersOf(j)[0].config, { filters: 1000, strides: 1, padding: 'same' });
      layersOf(j).splice(1, 0, ...Array.from({ length: 30 }, (_, i) => dropout(`wide${i}`)));
    }),
    message: /^layer "wide20" \(Dropout\): the layer outputs up to here hold 17,248,000 values per image, over the budget of 16,777,216/,
    subject: 'wide20',
  },

  // The graph of a functional model.
  { name: 'a cycle', files: edit(F, (j) => { layersOf(j)[1].inbound_nodes = [[['r2', 0, 0, {}]]]; }), message: /its inputs lead back to itself \(a cycle\)/ },
  { name: 'a layer reading itself', files: edit(F, (j) => { layersOf(j)[7].inbound_nodes = [[['gap', 0, 0, {}]]]; }), message: /^layer "gap" \(GlobalAveragePooling2D\): its inputs lead back to itself/, subject: 'gap' },
  { name: 'an input that names no layer', files: edit(F, (j) => { layersOf(j)[2].inbound_nodes = [[['nothere', 0, 0, {}]]]; }), message: /^layer "bn1" \(BatchNormalization\): input "nothere" is not a layer of the model/, subject: 'bn1' },
  { name: 'a shared layer (two inbound nodes)', files: edit(F, (j) => { layersOf(j)[4].inbound_nodes = [[['r1', 0, 0, {}]], [['r1', 0, 0, {}]]]; }), message: /^layer "c2" \(Conv2D\) is used 2 times/, subject: 'c2' },
  { name: 'a node index of 1', files: edit(F, (j) => { layersOf(j)[3].inbound_nodes = [[['bn1', 1, 0, {}]]]; }), message: /^layer "r1" \(ReLU\): inbound_nodes\[0\]: .* reads node 1/, subject: 'r1' },
  {
    name: 'a dangling layer off the output path',
    files: edit(F, (j) => { layersOf(j).splice(8, 0, { class_name: 'Dense', name: 'spare', config: { name: 'spare', units: 4, activation: 'linear' }, inbound_nodes: [[['gap', 0, 0, {}]]] }); }),
    message: /^layer "spare" \(Dense\) does not lead to the output "probs"/, subject: 'spare',
  },
  { name: 'a layer reading nothing', files: edit(F, (j) => { layersOf(j)[2].inbound_nodes = []; }), message: /^layer "bn1" \(BatchNormalization\) reads no layer/ },
  { name: 'Keras 3 inbound_nodes', files: edit(F, (j) => { layersOf(j)[2].inbound_nodes = [{ args: [{ class_name: '__keras_tensor__', config: { keras_history: ['c1', 0, 0] } }], kwargs: {} }]; }), message: /^layer "bn1" \(BatchNormalization\): inbound_nodes\[0\] is not a list of inputs/ },
  { name: 'an output that names no layer', files: edit(F, (j) => { (j.modelTopology.config as Json).output_layers = [['ghost', 0, 0]]; }), message: /^output layer "ghost" is not among the layers/ },
  { name: 'output_layers [null]', files: edit(F, (j) => { (j.modelTopology.config as Json).output_layers = [null]; }), message: /^modelTopology\.config\.output_layers\[0\]: null is not a \[layer name, node index, tensor index\] reference/ },
  { name: 'two inputs', files: edit(F, (j) => { (j.modelTopology.config as Json).input_layers = [['image', 0, 0], ['image', 0, 0]]; }), message: /^the model has 2 inputs/ },
  { name: 'an Add of 16×16 and 8×8 maps', files: edit(F, (j) => { layersOf(j)[4].config.strides = [2, 2]; }), message: /^layer "skip" \(Add\): inputs \[null, 16, 16, 4\] and \[null, 8, 8, 4\] cannot be added/, subject: 'skip' },
  { name: 'an Add with one input', files: edit(F, (j) => { layersOf(j)[6].inbound_nodes = [[['r1', 0, 0, {}]]]; }), message: /^layer "skip" \(Add\) reads 1 inputs; Add needs at least 2/ },
  { name: 'a layer whose name and config.name differ', files: edit(F, (j) => { layersOf(j)[5].name = 'other'; }), message: /^layer "r2" \(Activation\): its name other differs from its config\.name/ },
  { name: 'an Add in a Sequential model', files: edit(S, (j) => { layersOf(j).splice(3, 0, { class_name: 'Add', config: { name: 'sum' } }); }), message: /^layer "sum" \(Add\): a Sequential model cannot add branches/ },

  // The weights manifest.
  { name: 'no weightsManifest', files: edit(S, (j) => { delete (j as Partial<Files>).weightsManifest; }), message: /^model\.json: no weightsManifest array/ },
  { name: 'a manifest group without paths', files: edit(S, (j) => { delete (j.weightsManifest[0] as Partial<Files['weightsManifest'][0]>).paths; }), message: /weightsManifest\[0\]: needs paths \(strings\) and weights/ },
  { name: 'empty paths', files: edit(S, (j) => { j.weightsManifest[0].paths = []; }), message: /weightsManifest\[0\]: lists weights but no weights file/ },
  { name: 'a weight of shape [1e9]', files: edit(S, (j) => { specsOf(j)[2].shape = [1e9]; }), message: /^weight "fc1\/kernel": shape \[1000000000\] in the weightsManifest, layer "fc1" expects \[108, 12\]/, subject: 'fc1/kernel' },
  { name: 'a weight shape of rank 1,000', files: edit(S, (j) => { specsOf(j)[2].shape = Array(1000).fill(1); }), message: /weightsManifest\[0\]\.weights\[2\]: needs a name and a shape of at most 8/ },
  { name: 'a fractional weight shape', files: edit(S, (j) => { specsOf(j)[2].shape = [108.5, 12]; }), message: /weightsManifest\[0\]\.weights\[2\]: needs a name and a shape/ },
  { name: '100,000 stray manifest entries', files: edit(S, (j) => { specsOf(j).push(...Array.from({ length: 100_000 }, (_, i) => ({ name: `ghost${i}/kernel`, shape: [1], dtype: 'float32' as const }))); }), message: /^weight "ghost0\/kernel" in the weightsManifest belongs to no layer/, subject: 'ghost0/kernel' },
  { name: 'a weight listed twice', files: edit(S, (j) => { specsOf(j).push({ ...specsOf(j)[3] }); }), message: /^weight "fc1\/bias" is listed twice/ },
  { name: 'a weight missing', files: edit(S, (j) => { specsOf(j).splice(3, 1); }), message: /^layer "fc1": weight "fc1\/bias" \[12\] is missing from the weightsManifest/, subject: 'fc1' },
  { name: 'a BatchNormalization without its moving variance', files: edit(F, (j) => { j.weightsManifest[0].weights = specsOf(j).filter((w) => w.name !== 'bn1/moving_variance'); }), message: /^layer "bn1": weight "bn1\/moving_variance" \[4\] is missing/ },
  { name: 'int32 weights', files: edit(S, (j) => { specsOf(j)[0].dtype = 'int32'; }), message: /^weight "conv1\/kernel": dtype int32 is not supported/, subject: 'conv1/kernel' },
  { name: 'a string dtype', files: edit(S, (j) => { specsOf(j)[0].dtype = 'string'; }), message: /^weight "conv1\/kernel": dtype string is not supported/ },
  { name: 'uint8 quantisation without a scale', files: edit(S, (j) => { specsOf(j)[1].quantization = { dtype: 'uint8' } as tf.io.WeightsManifestEntry['quantization']; }), message: /^weight "conv1\/bias": uint8 quantisation needs a finite scale and min/ },

  // The shards.
  { name: 'the shard missing', files: () => [asFiles(seq)[0]], message: /^weights file "weights\.bin" \(model\.json weightsManifest\[0\]\.paths\[0\]\) is missing/, subject: 'weights.bin' },
  { name: 'a truncated shard', files: () => asFiles({ json: seq.json, weights: seq.weights.slice(0, 100) }), message: /^weights file weights\.bin: 100 bytes, the manifest's weights need \d+ \(truncated/, subject: 'weights.bin' },
  { name: 'an empty shard', files: () => asFiles({ json: seq.json, weights: new Uint8Array(0) }), message: /^weights file weights\.bin: 0 bytes/ },
  { name: 'a shard too long', files: () => asFiles({ json: seq.json, weights: new Uint8Array(seq.weights.length + 4) }), message: /^weights file weights\.bin: .*a different or corrupted file/ },
  {
    name: 'an extra shard listed',
    files: () => [...edit(S, (j) => { j.weightsManifest[0].paths.push('extra.bin'); })(), { name: 'extra.bin', bytes: new Uint8Array(64) }],
    message: /^weights files weights\.bin, extra\.bin: \d+ bytes, .* \(a different or corrupted file\)/, subject: 'weights.bin',
  },
  { name: 'a layer named with a bidi override', files: edit(S, (j) => { layersOf(j)[3].config.name = 'fc\u202E1'; }), message: /layers\[3\] is named `fc\uFFFD1`, with control or invisible format characters/ },
  { name: 'a weights file name of 100,000 characters', files: edit(S, (j) => { j.weightsManifest[0].paths = ['w'.repeat(100_000)]; }), message: /^weights file "w{40}…" .* is missing/ },

  // Weight values.
  { name: 'a NaN weight', files: edit(S, noChange, (w) => { w[w.length - 1] = NaN; }), message: /^weight "out\/bias" holds NaN or infinite values/, subject: 'out/bias' },
  { name: 'an infinite weight', files: edit(S, noChange, (w) => { w[0] = -Infinity; }), message: /^weight "conv1\/kernel" holds NaN or infinite values/ },
  {
    name: 'an infinite float16 weight',
    files: edit(S, (j) => { specsOf(j)[1].quantization = { dtype: 'float16' }; }, (w, j) => {
      const [a, b] = range(j, 'conv1/bias');
      const half = new Uint16Array(b - a).fill(0x7c00);
      const parts = [new Uint8Array(w.buffer, 0, a * 4), new Uint8Array(half.buffer), new Uint8Array(w.buffer, b * 4)];
      const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
      parts.reduce((o, p) => { out.set(p, o); return o + p.length; }, 0);
      return out;
    }),
    message: /^weight "conv1\/bias" holds NaN or infinite values/,
  },
  { name: 'kernels of 1e38 (logits overflow)', files: edit(S, noChange, (w, j) => { w.fill(1e38, ...range(j, 'fc1/kernel')); }), message: /^layer "fc1" \(Dense\) gives infinite or NaN values on a probe image \(its weights reach 1\.0e\+38/, subject: 'fc1' },
  {
    name: 'functional: a convolution of 1e30 (overflow after the BN)',
    files: edit(F, noChange, (w, j) => { w.fill(1e30, ...range(j, 'c2/kernel')); w.fill(1e30, ...range(j, 'logits/kernel')); }),
    message: /^layer "logits" \(Dense\) gives infinite or NaN values/, subject: 'logits',
  },
  { name: 'a bias of 3e7 (finite logits)', files: edit(S, noChange, (w) => { w[w.length - 1] = 3e7; }), warn: /^weight "out\/bias" holds values up to 3\.0e\+7 in magnitude;/ },
  { name: 'several weights over 1e6', files: edit(S, noChange, (w, j) => { w[range(j, 'fc1/bias')[0]] = 2e6; w[w.length - 1] = 5e6; }), warn: /^weight "out\/bias" holds values up to 5\.0e\+6 in magnitude \(and 1 more weight over 1e\+6\)/ },

  { name: 'a moving variance of 1e10 (a standard deviation of 1e5: no warning)', files: edit(F, noChange, (w, j) => { w.fill(1e10, ...range(j, 'bn1/moving_variance')); }), loads: true },
  { name: 'an unreferenced extra file beside the shard', files: () => [...asFiles(seq), { name: 'notes.bin', bytes: new Uint8Array(1000) }], loads: true },
  { name: 'a user-chosen Orthogonal initializer and an L1 regularizer (never run)', files: edit(S, (j) => { Object.assign(layersOf(j)[3].config, { kernel_initializer: { class_name: 'Orthogonal', config: { gain: 1 } }, kernel_regularizer: { class_name: 'L1L2', config: { l1: 1, l2: 0 } } }); }), loads: true },

  // Metadata.
  { name: 'a malformed normalisation', files: edit(S, (j) => { j.userDefinedMetadata = { normalization: { mean: 'x' } }; }), message: /normalization/ },
];

interface Figure { name: string; outcome: 'refused' | 'warned' | 'loaded' | 'failed'; ms: number; peak: number; message: string }
const figures: Figure[] = [];

describe('the hostile set: each file refused (or warned about) by name, nothing leaked, no unbounded work', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const tensors = tf.memory().numTensors;
      const bytes = tf.memory().numBytes;
      const variables = Object.keys(tf.engine().state.registeredVariables).length;
      const files = c.files();
      const t0 = performance.now();
      const { result, peak } = await peakBytesDuring(() => loadUserModel(files).then((m) => m, (e: unknown) => e));
      const ms = performance.now() - t0;
      const figure: Figure = { name: c.name, outcome: 'failed', ms, peak, message: '' };
      figures.push(figure);
      if (c.loads) {
        expect(result, `${c.name}: expected to load`).not.toBeInstanceOf(Error);
        const user = result as Awaited<ReturnType<typeof loadUserModel>>;
        expect(user.warnings).toEqual([]);
        user.net.model.dispose();
        figure.outcome = 'loaded';
      } else if (c.warn) {
        expect(result, `${c.name}: expected to load with a warning`).not.toBeInstanceOf(Error);
        const user = result as Awaited<ReturnType<typeof loadUserModel>>;
        expect(user.warnings).toHaveLength(1);
        expect(user.warnings[0]).toMatch(c.warn);
        figure.message = user.warnings[0];
        user.net.model.dispose();
        figure.outcome = 'warned';
      } else {
        expect(result, `${c.name}: expected a UserModelError`).toBeInstanceOf(UserModelError);
        const e = result as UserModelError;
        figure.message = e.message;
        expect(e.message).toMatch(c.message!);
        if (c.subject !== undefined) expect(e.subject).toBe(c.subject);
        // Messages stay short whatever the file holds.
        expect(e.message.length).toBeLessThan(600);
        expect(e.subject.length).toBeLessThan(300);
        figure.outcome = 'refused';
      }
      expect(tf.memory().numTensors, 'tensors left behind').toBe(tensors);
      expect(tf.memory().numBytes).toBe(bytes);
      expect(Object.keys(tf.engine().state.registeredVariables), 'variables left behind').toHaveLength(variables);
      // The test models are a few KB; 4 MB of tensors at the peak means something was built from the file's numbers.
      expect(peak, 'peak tensor bytes').toBeLessThan(4 * 2 ** 20);
      // A loop guard, not a performance assertion: every case is linear in its file's size.
      expect(ms).toBeLessThan(20_000);
    });
  }

  it(`has at least 40 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });
});

describe('the plan agrees with TF.js and the shipped models', () => {
  it('every shipped model.json plans to its manifest\'s weights, and the parameter count TF.js counts', async () => {
    const dir = join(PUBLIC_DIR, 'models');
    const ids = readdirSync(dir).filter((d) => !d.endsWith('.json'));
    expect(ids.length).toBeGreaterThanOrEqual(6);
    for (const id of ids) {
      const json = JSON.parse(readFileSync(join(dir, id, 'model.json'), 'utf8')) as Files;
      const topology = (json.modelTopology.model_config ?? json.modelTopology) as unknown as TopologyJson;
      const plan = planTopology(topology, USER_MODEL_CLASSES);
      const planned = plan.layers.flatMap((l) => l.weights).map((w) => `${w.name} ${w.shape.join('×')}`).sort();
      const given = json.weightsManifest.flatMap((g) => g.weights).map((w) => `${w.name} ${w.shape.join('×')}`).sort();
      expect(planned, id).toEqual(given);
      const model = await tf.models.modelFromJSON({ modelTopology: topology as never });
      expect(plan.parameters, id).toBe(model.countParams());
      const shapes = new Map(model.layers.map((l) => [l.name, JSON.stringify(l.outputShape)]));
      for (const l of plan.layers) if (shapes.has(l.name)) expect(JSON.stringify(l.outputShape), `${id} ${l.name}`).toBe(shapes.get(l.name));
      model.dispose();
    }
  });
});

afterAll(() => {
  const refused = figures.filter((f) => f.outcome === 'refused').length;
  const warned = figures.filter((f) => f.outcome === 'warned').length;
  const loaded = figures.filter((f) => f.outcome === 'loaded').length;
  const slowest = figures.reduce((a, b) => (b.ms > a.ms ? b : a), figures[0]);
  const largest = figures.reduce((a, b) => (b.peak > a.peak ? b : a), figures[0]);
  console.log(`hostile set: ${figures.length} cases, ${refused} refused by name, ${warned} loaded with a warning, ${loaded} clumsy but fine loaded, ${figures.length - refused - warned - loaded} failed; `
    + `slowest ${slowest.ms.toFixed(0)} ms (${slowest.name}), largest tensor peak ${(largest.peak / 1024).toFixed(1)} KB (${largest.name})`);
});
