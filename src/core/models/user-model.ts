/**
 * A model the user brings (issue 17): a TF.js layers model given as in-memory files — model.json plus its
 * weight shards, as a file picker, drag and drop or a URL fetch (user-model-source.ts) delivers them.
 *
 * Everything is checked before anything runs, in the order a user can fix it, and each failure is a
 * UserModelError naming the file, layer or field: total size, model.json's JSON (nesting depth) and fields,
 * unsupported layers, activations (the retrofit's own message), the graph, every layer's shape and the
 * parameter and activation budgets (user-model-topology.ts: from the JSON alone, before TF.js allocates
 * anything), the input and output shapes, the weights manifest against the topology, the shards' presence
 * and length. Only then is the model built — with every initializer replaced by zeros, since the file's
 * weights overwrite them all — and its weight values and a forward pass on two probe images checked. A
 * failure at any point disposes whatever was built. A final softmax is removed: attacks need logits, and
 * the arg-max (what accuracy reads) is unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../data/manifest';
import { sha256Hex } from '../data/sha256';
import { checkRetrofittable, retrofit, UnsupportedActivationError, type RetrofittedModel } from '../retrofit/retrofit';
import { plainForward } from '../retrofit/plain-forward';
import { USER_MODEL_MAX_BYTES, UserModelError, type UserModelFile } from './user-model-input';
import {
  buildableTopology, checkEndLists, checkJsonDepth, checkLayerList, planTopology, quoted, shapeText,
  type LayerJson, type PlannedWeight, type TopologyJson,
} from './user-model-topology';
import { parseDeclaredScaling, type DeclaredScaling } from './user-normalization';

/** Input shapes the app has test images for. */
export const USER_MODEL_INPUTS: Record<DatasetName, [number, number, number]> = { mnist: [28, 28, 1], cifar10: [32, 32, 3] };

export const USER_MODEL_CLASSES = 10;

/**
 * Layer classes the attacks' plain-op forward pass (retrofit/plain-forward.ts) covers; others would fall
 * back to `model.apply`, whose gradient fails on the wasm backend.
 */
export const SUPPORTED_LAYERS = [
  'InputLayer', 'Conv2D', 'DepthwiseConv2D', 'Dense', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'Flatten',
  'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'BatchNormalization', 'Add', 'Activation', 'ReLU', 'Softmax',
] as const;

/** Bytes per stored element, by storage dtype (quantised weights are dequantised by tf.io.decodeWeights). */
const STORED_BYTES: Record<string, number> = { float32: 4, uint8: 1, uint16: 2, float16: 2 };

export interface LayerSummary {
  name: string;
  className: string;
  outputShape: (number | null)[];
  parameters: number;
}

export interface UserModel {
  /** Retrofitted (every ReLU a JumpReLU at κ = 0), logits out. */
  net: RetrofittedModel;
  dataset: DatasetName;
  /** SHA-256 of model.json followed by the weight shards in manifest order: identifies the exact files. */
  checksum: string;
  /** The input scaling model.json declares (userDefinedMetadata.normalization), if any. */
  declaredScaling: DeclaredScaling | null;
  layers: LayerSummary[];
  parameters: number;
  /** Whether a final softmax was turned into a linear output. */
  softmaxRemoved: boolean;
  /** What the card should say about the files (weights large enough to overflow); empty when nothing. */
  warnings: string[];
  bytes: number;
  /** SHA-256 and length of each file used (model.json and the shards), by name. */
  files: Record<string, { sha256: string; bytes: number }>;
}

export interface UserModelOptions {
  maxBytes?: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function fail(message: string, subject: string): never {
  throw new UserModelError(message, subject);
}

/** The topology file: model.json, or the only .json given. */
function findModelJson(files: UserModelFile[]): UserModelFile {
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const named = jsons.find((f) => baseName(f.name) === 'model.json');
  if (named) return named;
  if (jsons.length === 1) return jsons[0];
  const names = files.map((f) => f.name).join(', ') || 'none';
  if (!jsons.length) fail(`no model.json among the files (got: ${names}); a TF.js layers model is a model.json plus its .bin weight shards`, 'model.json');
  return fail(`several JSON files (${jsons.map((f) => f.name).join(', ')}) and none named model.json: which one is the model?`, 'model.json');
}

function parseModelJson(file: UserModelFile): Json {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(file.bytes));
  } catch (e) {
    return fail(`${file.name}: not valid JSON (${(e as Error).message})`, file.name);
  }
  if (!isObject(json)) fail(`${file.name}: not a JSON object`, file.name);
  checkJsonDepth(json, file.name);
  if (json.format !== undefined && json.format !== 'layers-model') {
    fail(`${file.name}: format "${quoted(json.format)}" — only layers models can be retrofitted (tensorflowjs_converter --output_format tfjs_layers_model)`, `${file.name} format`);
  }
  return json;
}

/** modelTopology as TF.js saves it ({class_name, config}) or as the Keras converter wraps it ({model_config}). */
function topologyOf(json: Json, file: string): TopologyJson {
  const raw = json.modelTopology;
  if (!isObject(raw)) fail(`${file}: no modelTopology object`, `${file} modelTopology`);
  const topology = isObject(raw.model_config) ? raw.model_config : raw;
  const layers = isObject(topology.config) ? topology.config.layers : undefined;
  if (typeof topology.class_name !== 'string' || !Array.isArray(layers)) {
    fail(`${file}: modelTopology has no class_name and config.layers (not a Keras/TF.js layers topology)`, `${file} modelTopology`);
  }
  (layers as unknown[]).forEach((l, i) => {
    if (!isObject(l) || typeof l.class_name !== 'string' || !isObject(l.config) || typeof l.config.name !== 'string') {
      fail(`${file}: modelTopology.config.layers[${i}] has no class_name or config.name`, `${file} modelTopology.config.layers[${i}]`);
    }
  });
  checkLayerList(layers as LayerJson[], file);
  checkEndLists(topology as unknown as TopologyJson);
  return topology as unknown as TopologyJson;
}

function checkLayers(topology: TopologyJson): void {
  for (const layer of topology.config.layers) {
    const name = String(layer.config.name);
    if (!(SUPPORTED_LAYERS as readonly string[]).includes(layer.class_name)) {
      const nested = ['Sequential', 'Model', 'Functional'].includes(layer.class_name) ? ' (a nested model: flatten it into one model before converting)' : '';
      fail(`layer "${name}": ${quoted(layer.class_name)} is not supported${nested}; supported layers: ${SUPPORTED_LAYERS.join(', ')}`, name);
    }
    const format = layer.config.data_format;
    if (format !== undefined && format !== null && format !== 'channels_last') {
      fail(`layer "${name}" (${layer.class_name}): data_format "${quoted(format)}"; only channels_last (NHWC) inputs are supported`, name);
    }
  }
}

function outputLayer(topology: TopologyJson): LayerJson {
  const layers = topology.config.layers;
  const out = topology.config.output_layers as [string, number, number][] | undefined;
  if (topology.class_name !== 'Sequential' && out?.length) {
    if (out.length !== 1) fail(`the model has ${out.length} outputs; a classifier has one`, 'output_layers');
    return layers.find((l) => l.config.name === out[0][0]) ?? fail(`output layer "${out[0][0]}" is not among the layers`, 'output_layers');
  }
  return layers[layers.length - 1];
}

/** A final softmax (fused, Activation or Softmax layer) becomes linear: attacks differentiate logits. */
function withoutFinalSoftmax(topology: TopologyJson): { topology: TopologyJson; removed: boolean } {
  const out = outputLayer(topology);
  let replaced: LayerJson | null = null;
  if (out.class_name === 'Softmax') replaced = { ...out, class_name: 'Activation', config: { name: out.config.name, trainable: false, dtype: 'float32', activation: 'linear' } };
  else if (out.config.activation === 'softmax') replaced = { ...out, config: { ...out.config, activation: 'linear' } };
  if (!replaced) return { topology, removed: false };
  const layers = topology.config.layers.map((l) => (l === out ? replaced! : l));
  return { topology: { ...topology, config: { ...topology.config, layers } }, removed: true };
}

function checkActivations(topology: TopologyJson): void {
  try {
    checkRetrofittable(topology);
  } catch (e) {
    if (e instanceof UnsupportedActivationError) fail(e.message, /"([^"]+)"/.exec(e.message)?.[1] ?? 'activation');
    throw e;
  }
  const relu = topology.config.layers.some((l) => l.class_name === 'ReLU' || l.config.activation === 'relu');
  if (!relu) fail('the model has no ReLU: there is nothing for JumpReLU to retrofit, κ would change nothing', 'activation');
}

interface WeightGroup { paths: string[]; weights: tf.io.WeightsManifestEntry[] }

function manifestOf(json: Json, file: string): WeightGroup[] {
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest)) return fail(`${file}: no weightsManifest array`, `${file} weightsManifest`);
  return manifest.map((g: unknown, i) => {
    const at = `${file} weightsManifest[${i}]`;
    if (!isObject(g) || !Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string') || !Array.isArray(g.weights)) {
      fail(`${at}: needs paths (strings) and weights`, at);
    }
    if (!g.paths.length && g.weights.length) fail(`${at}: lists weights but no weights file (paths is empty)`, at);
    (g.weights as unknown[]).forEach((w, j) => {
      if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || w.shape.length > 8 || !w.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        fail(`${at}.weights[${j}]: needs a name and a shape of at most 8 non-negative integers`, `${at}.weights[${j}]`);
      }
      const q = w.quantization;
      const stored = isObject(q) ? q.dtype : w.dtype;
      if (w.dtype !== 'float32' || STORED_BYTES[String(stored)] === undefined) {
        const what = isObject(q) ? `quantised as ${quoted(q.dtype)}` : `dtype ${quoted(w.dtype)}`;
        fail(`weight "${quoted(w.name)}": ${what} is not supported (float32, or float16/uint8/uint16 quantisation of float32)`, quoted(w.name));
      }
      if (isObject(q) && q.dtype !== 'float16' && !(Number.isFinite(q.scale) && Number.isFinite(q.min))) {
        fail(`weight "${quoted(w.name)}": ${quoted(q.dtype)} quantisation needs a finite scale and min`, quoted(w.name));
      }
    });
    return g as unknown as WeightGroup;
  });
}

function storedBytes(w: tf.io.WeightsManifestEntry): number {
  const dtype = w.quantization?.dtype ?? w.dtype;
  return STORED_BYTES[dtype] * w.shape.reduce((a, b) => a * b, 1);
}

/** The shard files in manifest order, each group checked present and of the right length. */
function weightShards(groups: WeightGroup[], files: UserModelFile[], jsonName: string): UserModelFile[] {
  const byPath = new Map(files.map((f) => [f.name, f]));
  const byBase = new Map(files.map((f) => [baseName(f.name), f]));
  return groups.flatMap((g, i) => {
    const shards = g.paths.map((p, j) => byPath.get(p) ?? byBase.get(baseName(p))
      ?? fail(`weights file "${quoted(p)}" (${jsonName} weightsManifest[${i}].paths[${j}]) is missing: give it together with ${jsonName}`, quoted(p)));
    const have = shards.reduce((s, f) => s + f.bytes.length, 0);
    const need = g.weights.reduce((s, w) => s + storedBytes(w), 0);
    if (have !== need) {
      const names = quoted(g.paths.join(', '));
      fail(`weights file${g.paths.length > 1 ? 's' : ''} ${names}: ${have} bytes, the manifest's weights need ${need} (${have < need ? 'truncated or a shard missing' : 'a different or corrupted file'})`, quoted(g.paths[0]));
    }
    return shards;
  });
}

/**
 * Builds `topology` with TF.js. modelFromJSON builds synchronously (its first await comes after the layers
 * are built), so the variables it registered before a throw are exactly those new since the call began:
 * they are disposed, and the non-variable tensors of that call by its own scope. Exported for the tests.
 */
export async function buildTopology(topology: TopologyJson, file: string): Promise<tf.LayersModel> {
  const engine = tf.engine();
  const before = new Set(Object.keys(engine.state.registeredVariables));
  let built: Promise<tf.LayersModel>;
  engine.startScope();
  try {
    built = tf.models.modelFromJSON({ modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'] });
  } finally {
    engine.endScope();
  }
  const created = Object.entries(engine.state.registeredVariables).filter(([name]) => !before.has(name)).map(([, v]) => v);
  try {
    return await built;
  } catch (e) {
    for (const v of created) if (!v.isDisposed) v.dispose();
    const message = e instanceof Error ? e.message : String(e);
    return fail(`${file}: TF.js cannot build this topology (${quoted(message.length > 300 ? `${message.slice(0, 300)}…` : message)})`, `${file} modelTopology`);
  }
}

/** Single image input matching a shipped data set, single 10-class output (planTopology has checked both; TF.js agrees). */
function checkShapes(model: tf.LayersModel, expected: DatasetName): void {
  if (model.inputs.length !== 1) fail(`the model has ${model.inputs.length} inputs; an image classifier has one`, 'input');
  if (model.outputs.length !== 1) fail(`the model has ${model.outputs.length} outputs; a classifier has one`, 'output');
  const input = model.inputs[0].shape;
  const dataset = (Object.keys(USER_MODEL_INPUTS) as DatasetName[])
    .find((d) => input.length === 4 && USER_MODEL_INPUTS[d].every((s, i) => input[i + 1] === s));
  if (dataset !== expected) fail(`input shape ${shapeText(input)} matches neither MNIST (28×28×1) nor CIFAR-10 (32×32×3)`, 'input');
  const output = model.outputs[0].shape;
  if (output.length !== 2 || output[1] !== USER_MODEL_CLASSES) {
    fail(`output shape ${shapeText(output)}: expected ${USER_MODEL_CLASSES} classes, [null, ${USER_MODEL_CLASSES}] (layer "${model.outputs[0].sourceLayer.name}")`, 'output');
  }
}

/**
 * Every manifest weight belongs to a layer weight of the same shape, and every layer weight is given: run
 * on the plan before building (nothing allocated yet), and on the built model as TF.js names its weights.
 */
function checkWeightsMatch(layers: { name: string; weights: PlannedWeight[] }[], specs: tf.io.WeightsManifestEntry[]): void {
  const bySpec = new Map<string, tf.io.WeightsManifestEntry>();
  for (const s of specs) {
    if (bySpec.has(s.name)) fail(`weight "${quoted(s.name)}" is listed twice in the weightsManifest`, quoted(s.name));
    bySpec.set(s.name, s);
  }
  const known = new Set<string>();
  for (const layer of layers) {
    for (const w of layer.weights) {
      known.add(w.name);
      const s = bySpec.get(w.name);
      if (!s) fail(`layer "${layer.name}": weight "${w.name}" ${shapeText(w.shape)} is missing from the weightsManifest`, layer.name);
      if (s.shape.length !== w.shape.length || s.shape.some((d, i) => d !== w.shape[i])) {
        fail(`weight "${s.name}": shape ${quoted(shapeText(s.shape))} in the weightsManifest, layer "${layer.name}" expects ${shapeText(w.shape)}`, s.name);
      }
    }
  }
  const stray = specs.find((s) => !known.has(s.name));
  if (stray) fail(`weight "${quoted(stray.name)}" in the weightsManifest belongs to no layer of the topology`, quoted(stray.name));
}

const builtWeights = (model: tf.LayersModel) => model.layers.map((l) => ({ name: l.name, weights: l.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] })) }));

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/**
 * Above this magnitude a weight is suspicious. Trained weights are O(1) (a BatchNormalization's moving
 * mean/std follow the activations: pixels in 0–255 give O(10³)); a layer multiplies its input's magnitude
 * by roughly its weights', so weights of 1e6 overflow float32 (3.4e38) within about six layers.
 */
export const USER_MODEL_WEIGHT_WARN = 1e6;

/**
 * Decodes (and dequantises) the weights, refuses non-finite values, and writes them into the model.
 * Returns the largest weight magnitude (a moving variance counts as its square root, a standard
 * deviation) and a warning when some weight is over USER_MODEL_WEIGHT_WARN.
 */
function setWeights(model: tf.LayersModel, specs: tf.io.WeightsManifestEntry[], data: Uint8Array): { largest: number; warning: string | null } {
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const named = tf.io.decodeWeights(buffer, specs);
  try {
    const large: { name: string; max: number }[] = [];
    let largest = 0;
    for (const s of specs) {
      const values = named[s.name].dataSync() as Float32Array;
      let max = 0;
      for (const v of values) {
        if (!Number.isFinite(v)) fail(`weight "${s.name}" holds NaN or infinite values`, s.name);
        const a = Math.abs(v);
        if (a > max) max = a;
      }
      if (s.name.endsWith('/moving_variance')) max = Math.sqrt(max);
      largest = Math.max(largest, max);
      if (max > USER_MODEL_WEIGHT_WARN) large.push({ name: s.name, max });
    }
    model.loadWeights(named);
    if (!large.length) return { largest, warning: null };
    large.sort((a, b) => b.max - a.max);
    const others = large.length > 1 ? ` (and ${large.length - 1} more weight${large.length > 2 ? 's' : ''} over ${USER_MODEL_WEIGHT_WARN.toExponential(0)})` : '';
    return {
      largest,
      warning: `weight "${large[0].name}" holds values up to ${large[0].max.toExponential(1)} in magnitude${others}; trained weights rarely pass 1e3 and values over ${USER_MODEL_WEIGHT_WARN.toExponential(0)} can overflow float32 in a few layers: check the weights file`,
    };
  } finally {
    tf.dispose(Object.values(named));
  }
}

/**
 * A forward pass on two probe images — uniform in [0, 1] (pixels) and in [−3, 3] (covering [−1, 1] and the
 * paper's mean/std scaling) — must give finite logits: a model whose outputs overflow cannot be measured or
 * attacked, so it is refused, naming the first layer (in computing order) whose output is not finite.
 */
function checkFiniteOutputs(model: tf.LayersModel, dataset: DatasetName, largest: number): void {
  const finite = (t: tf.Tensor) => (t.dataSync() as Float32Array).every(Number.isFinite);
  const culprit = tf.tidy(() => {
    const shape = USER_MODEL_INPUTS[dataset];
    const x = tf.concat([tf.randomUniform([1, ...shape], 0, 1, 'float32', 1), tf.randomUniform([1, ...shape], -3, 3, 'float32', 2)]);
    if (finite(model.predict(x) as tf.Tensor)) return '';
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    const outputs = model.execute(x, layers.map((l) => (l.output as tf.SymbolicTensor).name));
    const i = (Array.isArray(outputs) ? outputs : [outputs]).findIndex((t) => !finite(t));
    const layer = layers[i] ?? layers[layers.length - 1];
    return `${layer.name}\u0000${layer.getClassName()}`;
  }) as string;
  if (!culprit) return;
  const [name, cls] = culprit.split('\u0000');
  const why = largest > USER_MODEL_WEIGHT_WARN ? `its weights reach ${largest.toExponential(1)} in magnitude, too large for float32` : 'check the weights file';
  fail(`layer "${name}" (${cls}) gives infinite or NaN values on a probe image (${why}): the model cannot be measured or attacked`, name);
}

/**
 * Validates the files and returns the retrofitted model. Throws UserModelError (naming what is wrong);
 * allocates nothing until the JSON, layers, graph, budgets, weights manifest and shards have passed, and
 * leaves no tensor behind when it throws.
 */
export async function loadUserModel(files: UserModelFile[], options: UserModelOptions = {}): Promise<UserModel> {
  const maxBytes = options.maxBytes ?? USER_MODEL_MAX_BYTES;
  const bytes = files.reduce((s, f) => s + f.bytes.length, 0);
  if (bytes > maxBytes) fail(`the files hold ${mb(bytes)}, over the ${mb(maxBytes)} limit for a model loaded in the browser`, 'size');
  const jsonFile = findModelJson(files);
  const json = parseModelJson(jsonFile);
  const { topology, removed } = withoutFinalSoftmax(topologyOf(json, jsonFile.name));
  checkActivations(topology);
  checkLayers(topology);
  const plan = planTopology(topology, USER_MODEL_CLASSES);
  const { dataset } = plan;
  const groups = manifestOf(json, jsonFile.name);
  const specs = groups.flatMap((g) => g.weights);
  checkWeightsMatch(plan.layers, specs);
  const declaredScaling = parseDeclaredScaling(json.userDefinedMetadata, `${jsonFile.name} userDefinedMetadata.normalization`, USER_MODEL_INPUTS[dataset][2]);
  const used = [jsonFile, ...weightShards(groups, files, jsonFile.name)];
  const shards = used.slice(1).map((f) => f.bytes);
  const checksum = await sha256Hex(concat(used.map((f) => f.bytes)));
  const digests = await Promise.all(used.map(async (f) => [f.name, { sha256: await sha256Hex(f.bytes), bytes: f.bytes.length }] as const));
  const model = await buildTopology(buildableTopology(topology), jsonFile.name);
  let net: RetrofittedModel | undefined;
  try {
    checkShapes(model, dataset);
    checkWeightsMatch(builtWeights(model), specs);
    const { largest, warning } = setWeights(model, specs, concat(shards));
    checkFiniteOutputs(model, dataset, largest);
    const layers = model.layers.map((l) => ({
      name: l.name, className: l.getClassName(), outputShape: [...(l.outputShape as (number | null)[])], parameters: l.countParams(),
    }));
    net = await retrofit(model, 0);
    if (!plainForward(net.model, net.control)) {
      fail('the graph is not one the attacks can differentiate (a layer used twice, or a branch merged other than by Add)', 'topology');
    }
    return {
      net, dataset, checksum, declaredScaling, layers, parameters: model.countParams(), softmaxRemoved: removed,
      warnings: warning ? [warning] : [], bytes, files: Object.fromEntries(digests),
    };
  } catch (e) {
    net?.model.dispose();
    throw e;
  } finally {
    // The retrofitted clone holds its own references to the weights.
    model.dispose();
  }
}
