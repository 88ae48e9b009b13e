/**
 * A user's model.json read as a plan, before TF.js builds anything: the graph (Sequential, or a functional
 * DAG of single-use layers), every layer's output shape, parameter count and weight shapes, from the
 * topology JSON alone. TF.js's own builder trusts the file: it allocates every weight and runs every
 * initializer (an Orthogonal kernel is a QR decomposition in plain JS) before anything can be checked, and
 * it loops forever on a cycle or an input that names no layer. Here each of those is a UserModelError that
 * names the layer, found with work linear in the size of model.json, and the model is refused when it is
 * over the budgets below. `buildableTopology` then gives TF.js a copy in which no initializer of the file
 * can run. No TF.js here.
 */
import type { DatasetName } from '../data/manifest';
import { UserModelError } from './user-model-input';
import { hasInvisible, plainText, quoteText } from './quoted-text';

/**
 * Most parameters a model may have: 25 M float32 values are 100 MB, the file limit (USER_MODEL_MAX_BYTES)
 * of float32 weights, so quantised files cannot unpack into more than unquantised ones could. The
 * retrofit holds a second copy while it clones. The paper's largest network, WRN 30-4, has 7.4 M.
 */
export const USER_MODEL_MAX_PARAMETERS = 25_000_000;
/**
 * Most values one layer's output may hold per image (2^20, 4 MB as float32). The card measures in batches
 * of 250 images, so such a layer's output is 1 GB at once; the widest common CIFAR-10 network (WRN-28-10)
 * peaks at 32×32×160 ≈ 164 K; of the shipped ones, AlexLike's widest is 28,800.
 */
export const USER_MODEL_MAX_LAYER_OUTPUT = 2 ** 20;
/**
 * Most values all layers' outputs may hold together per image (2^24, 64 MB as float32): what an attack's
 * gradient tape keeps per image. The shipped ResNet-20's layer outputs sum to 0.67 M (planned here);
 * WRN 30-4's, estimated from its widths, to about 3–4 M.
 */
export const USER_MODEL_MAX_ACTIVATIONS = 2 ** 24;
/** Most layers: ResNet-110, the deepest common CIFAR-10 network, has about 400 in Keras (a Conv2D, BN and ReLU per convolution, an Add per block). */
export const USER_MODEL_MAX_LAYERS = 2000;
/** Deepest JSON nesting accepted in model.json (a Keras or TF.js file nests about 10 deep). */
export const USER_MODEL_MAX_JSON_DEPTH = 64;
/** Longest layer name accepted (names are quoted in messages). */
const MAX_NAME = 256;

type Json = Record<string, unknown>;
export type LayerJson = { class_name: string; config: Json; name?: string; inbound_nodes?: unknown[] };
export type TopologyJson = { class_name: string; config: { layers: LayerJson[]; output_layers?: unknown[]; input_layers?: unknown[] } & Json };
export type Shape = (number | null)[];

export interface PlannedWeight { name: string; shape: number[] }

export interface PlannedLayer {
  name: string;
  className: string;
  /** Names of the layers it reads (none for the input). */
  inputs: string[];
  outputShape: Shape;
  parameters: number;
  /** As TF.js names them: `<layer>/kernel`, `<layer>/bias`, `<layer>/gamma`… in its order. */
  weights: PlannedWeight[];
}

export interface TopologyPlan {
  /** In an order that computes every layer after its inputs. */
  layers: PlannedLayer[];
  dataset: DatasetName;
  inputShape: Shape;
  output: PlannedLayer;
  parameters: number;
  /** Values per image over all layer outputs. */
  activations: number;
}

const count = (n: number) => n.toLocaleString('en');
export const shapeText = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null ? 'null' : d)).join(', ')}]`;
/** A value from the file in a message: the one rule for user-supplied text (quoted-text.ts, as link values), without its code marks (the messages quote it themselves). */
export function quoted(v: unknown): string {
  let text: string;
  try {
    text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return plainText(text);
}

/** A config value as the file has it: strings in quotes, so "12" and 12 differ. */
const shown = (v: unknown) => (typeof v === 'string' ? quoted(JSON.stringify(v)) : quoted(v));

function fail(message: string, subject: string): never {
  throw new UserModelError(message, subject);
}

/**
 * Refuses JSON nested deeper than USER_MODEL_MAX_JSON_DEPTH (TF.js and structured cloning recurse on it and
 * overflow the stack), walking it without recursion.
 */
export function checkJsonDepth(json: unknown, file: string): void {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: json, depth: 0, path: file }];
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= USER_MODEL_MAX_JSON_DEPTH) {
      fail(`${file}: nested more than ${USER_MODEL_MAX_JSON_DEPTH} levels deep at ${quoted(path)}; a model.json nests about 10`, file);
    }
    if (Array.isArray(v)) v.forEach((c, i) => stack.push({ v: c, depth: depth + 1, path: depth < 8 ? `${path}[${i}]` : path }));
    else for (const [k, c] of Object.entries(v)) stack.push({ v: c, depth: depth + 1, path: depth < 8 ? `${path}.${k}` : path });
  }
}

/** Layer-count and name checks on the raw layer list (topologyOf has checked each has a class and a name). */
export function checkLayerList(layers: LayerJson[], file: string): void {
  if (!layers.length) fail(`${file}: modelTopology has no layers`, `${file} modelTopology`);
  if (layers.length > USER_MODEL_MAX_LAYERS) {
    fail(`${file}: ${count(layers.length)} layers, over the budget of ${count(USER_MODEL_MAX_LAYERS)}`, `${file} modelTopology`);
  }
  const seen = new Set<string>();
  for (const [i, l] of layers.entries()) {
    const name = l.config.name as string;
    if (!name.length || name.length > MAX_NAME) {
      fail(`${file}: modelTopology.config.layers[${i}] has a name of ${count(name.length)} characters (1 to ${MAX_NAME})`, `${file} modelTopology.config.layers[${i}]`);
    }
    // Names are echoed in every message about their layer: none may reorder or hide the text around it.
    if (hasInvisible(name)) {
      fail(`${file}: modelTopology.config.layers[${i}] is named ${quoteText(name)}, with control or invisible format characters; Keras and TF.js names never hold them`, `${file} modelTopology.config.layers[${i}]`);
    }
    if (seen.has(name)) fail(`two layers are named "${name}": layer names must be unique`, name);
    seen.add(name);
  }
}

/** A functional model's input_layers and output_layers: lists of references (withoutFinalSoftmax and the retrofit read them). */
export function checkEndLists(topology: TopologyJson): void {
  if (topology.class_name === 'Sequential') return;
  for (const key of ['input_layers', 'output_layers'] as const) {
    const list = topology.config[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) fail(`modelTopology.config.${key} is not a list`, 'modelTopology');
    list.forEach((r, i) => reference(r, `modelTopology.config.${key}[${i}]`, key === 'input_layers' ? 'input' : 'output_layers'));
  }
}

/** A [layerName, nodeIndex, tensorIndex(, kwargs)] reference of a functional model, checked. */
function reference(ref: unknown, where: string, subject: string): string {
  if (!Array.isArray(ref) || typeof ref[0] !== 'string' || ref.length < 3 || ref.length > 4) {
    fail(`${where}: ${quoted(ref)} is not a [layer name, node index, tensor index] reference (the Keras 2 / TF.js layout)`, subject);
  }
  if (ref[1] !== 0 || ref[2] !== 0) {
    fail(`${where}: ${quoted(ref)} reads node ${quoted(ref[1])}, output ${quoted(ref[2])} of "${quoted(ref[0])}"; only layers used once, with one output, are supported`, subject);
  }
  return ref[0];
}

interface Node { layer: LayerJson; name: string; inputs: string[] }

/** The graph: each layer with the names of the layers it reads, the input layer, the output layer. */
function graphOf(topology: TopologyJson): { nodes: Map<string, Node>; input: string | null; output: string; sequential: boolean } {
  const layers = topology.config.layers;
  const nodes = new Map<string, Node>();
  if (topology.class_name === 'Sequential') {
    layers.forEach((layer, i) => {
      const name = layer.config.name as string;
      if (i > 0 && layer.class_name === 'InputLayer') fail(`layer "${name}": an InputLayer can only come first in a Sequential model`, name);
      if (layer.class_name === 'Add') fail(`layer "${name}" (Add): a Sequential model cannot add branches; save it as a functional model`, name);
      nodes.set(name, { layer, name, inputs: i === 0 ? [] : [layers[i - 1].config.name as string] });
    });
    const first = layers[0].config.name as string;
    return { nodes, input: layers[0].class_name === 'InputLayer' ? first : null, output: layers[layers.length - 1].config.name as string, sequential: true };
  }
  if (topology.class_name !== 'Model' && topology.class_name !== 'Functional') {
    fail(`modelTopology class "${quoted(topology.class_name)}": a Sequential or functional (Model) layers model is needed`, 'modelTopology');
  }
  const { input_layers: inputs, output_layers: outputs } = topology.config;
  if (!Array.isArray(inputs) || !Array.isArray(outputs)) fail('a functional model needs input_layers and output_layers lists', 'modelTopology');
  if (inputs.length !== 1) fail(`the model has ${inputs.length} inputs; an image classifier has one`, 'input');
  if (outputs.length !== 1) fail(`the model has ${outputs.length} outputs; a classifier has one`, 'output_layers');
  const input = reference(inputs[0], 'input_layers[0]', 'input');
  const output = reference(outputs[0], 'output_layers[0]', 'output_layers');
  for (const layer of layers) {
    const name = layer.config.name as string;
    const at = `layer "${name}" (${layer.class_name})`;
    if (layer.name !== name) fail(`${at}: its name ${quoted(layer.name)} differs from its config.name`, name);
    const raw = layer.inbound_nodes ?? [];
    if (!Array.isArray(raw)) fail(`${at}: inbound_nodes is not a list`, name);
    if (layer.class_name === 'InputLayer') {
      if (raw.length) fail(`${at}: an input layer reads nothing, but inbound_nodes lists ${raw.length}`, name);
      if (name !== input) fail(`${at} is not the model's input (input_layers names "${input}"): a classifier has one input`, name);
      nodes.set(name, { layer, name, inputs: [] });
      continue;
    }
    if (raw.length === 0) fail(`${at} reads no layer (empty inbound_nodes)`, name);
    if (raw.length > 1) fail(`${at} is used ${raw.length} times; shared layers are not supported`, name);
    const node = raw[0];
    if (!Array.isArray(node) || !node.length) fail(`${at}: inbound_nodes[0] is not a list of inputs (the Keras 2 / TF.js layout)`, name);
    const refs = node.map((r) => reference(r, `${at}: inbound_nodes[0]`, name));
    if (layer.class_name === 'Add' ? refs.length < 2 : refs.length !== 1) {
      fail(`${at} reads ${refs.length} inputs; ${layer.class_name === 'Add' ? 'Add needs at least 2' : 'it takes 1'}`, name);
    }
    nodes.set(name, { layer, name, inputs: refs });
  }
  for (const node of nodes.values()) {
    for (const i of node.inputs) {
      if (!nodes.has(i)) fail(`layer "${node.name}" (${node.layer.class_name}): input "${quoted(i)}" is not a layer of the model`, node.name);
    }
  }
  if (!nodes.has(input) || nodes.get(input)!.layer.class_name !== 'InputLayer') fail(`input_layers names "${quoted(input)}", which is not an InputLayer of the model`, 'input');
  if (!nodes.has(output)) fail(`output layer "${quoted(output)}" is not among the layers`, 'output_layers');
  return { nodes, input, output, sequential: false };
}

/** The layers in an order that computes each after its inputs; refuses cycles, then layers off the output's path. */
function ordered(nodes: Map<string, Node>, output: string): Node[] {
  // Kahn's algorithm, in file order among the ready layers.
  const waiting = new Map([...nodes.values()].map((n) => [n.name, new Set(n.inputs).size]));
  const readers = new Map<string, string[]>();
  for (const n of nodes.values()) for (const i of new Set(n.inputs)) readers.set(i, [...(readers.get(i) ?? []), n.name]);
  const ready = [...nodes.values()].filter((n) => waiting.get(n.name) === 0).map((n) => n.name);
  const order: Node[] = [];
  while (ready.length) {
    const name = ready.shift()!;
    order.push(nodes.get(name)!);
    for (const r of readers.get(name) ?? []) {
      const left = waiting.get(r)! - 1;
      waiting.set(r, left);
      if (left === 0) ready.push(r);
    }
  }
  if (order.length < nodes.size) {
    // Walk back from a layer that never became ready along inputs that never did: the walk must repeat.
    const done = new Set(order.map((n) => n.name));
    let at = [...nodes.values()].find((n) => !done.has(n.name))!;
    const visited = new Set<string>();
    while (!visited.has(at.name)) {
      visited.add(at.name);
      at = nodes.get(at.inputs.find((i) => !done.has(i))!)!;
    }
    fail(`layer "${at.name}" (${at.layer.class_name}): its inputs lead back to itself (a cycle); a model must be a DAG`, at.name);
  }
  // Every layer leads to the output (TF.js would build a layer off its path, and the model would not own it).
  const needed = new Set<string>([output]);
  for (const node of [...order].reverse()) if (needed.has(node.name)) for (const i of node.inputs) needed.add(i);
  for (const node of order) {
    if (!needed.has(node.name)) fail(`layer "${node.name}" (${node.layer.class_name}) does not lead to the output "${output}": remove it`, node.name);
  }
  return order;
}

/** A positive integer from the config, or the default when absent. */
function positive(layer: string, cls: string, key: string, v: unknown, fallback?: number): number {
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  if (!Number.isSafeInteger(v) || (v as number) <= 0) fail(`layer "${layer}" (${cls}): ${key} ${shown(v)} is not a positive integer`, layer);
  return v as number;
}

/** An int or a pair of ints (kernel_size, strides, pool_size, dilation_rate). */
function pair(layer: string, cls: string, key: string, v: unknown, fallback?: [number, number]): [number, number] {
  if ((v === undefined || v === null) && fallback) return fallback;
  if (Array.isArray(v)) {
    if (v.length !== 2) fail(`layer "${layer}" (${cls}): ${key} ${shown(v)} is not one or two positive integers`, layer);
    return [positive(layer, cls, key, v[0]), positive(layer, cls, key, v[1])];
  }
  const n = positive(layer, cls, key, v);
  return [n, n];
}

function padding(layer: string, cls: string, v: unknown): 'valid' | 'same' {
  if (v === undefined || v === null || v === 'valid' || v === 'same') return (v ?? 'valid') as 'valid' | 'same';
  return fail(`layer "${layer}" (${cls}): padding ${shown(v)} is neither "valid" nor "same"`, layer);
}

/** tfjs-layers' convOutputLength. */
function outputLength(input: number, size: number, pad: 'valid' | 'same', stride: number, dilation = 1): number {
  const dilated = size + (size - 1) * (dilation - 1);
  return Math.floor(((pad === 'same' ? input : input - dilated + 1) + stride - 1) / stride);
}

/** A known, positive dimension of the input (every shape here is known: the input is 28×28×1 or 32×32×3). */
const dim = (s: Shape, i: number) => s[i] as number;

function needRank(node: Node, shape: Shape, rank: number, hint: string): void {
  if (shape.length !== rank) {
    fail(`layer "${node.name}" (${node.layer.class_name}): input ${shapeText(shape)} has rank ${shape.length}, it takes rank ${rank}${hint}`, node.name);
  }
}

/** Output shape and weights of one layer from its config and input shapes. */
function layerPlan(node: Node, inputs: Shape[]): { shape: Shape; weights: PlannedWeight[] } {
  const { name, layer } = node;
  const cls = layer.class_name;
  const cfg = layer.config;
  const x = inputs[0];
  const w = (weight: string, shape: number[]) => ({ name: `${name}/${weight}`, shape });
  const bias = cfg.use_bias !== false;
  switch (cls) {
    case 'InputLayer':
    case 'Dropout': case 'SpatialDropout2D': case 'GaussianNoise':
    case 'Activation': case 'ReLU': case 'Softmax':
      return { shape: x, weights: [] };
    case 'Conv2D': {
      needRank(node, x, 4, ' (height, width, channels)');
      if (cfg.groups !== undefined && cfg.groups !== null && cfg.groups !== 1) fail(`layer "${name}" (Conv2D): groups ${quoted(cfg.groups)}; grouped convolutions are not supported`, name);
      const filters = positive(name, cls, 'filters', cfg.filters);
      const [kh, kw] = pair(name, cls, 'kernel_size', cfg.kernel_size);
      const [sh, sw] = pair(name, cls, 'strides', cfg.strides, [1, 1]);
      const [dh, dw] = pair(name, cls, 'dilation_rate', cfg.dilation_rate, [1, 1]);
      const pad = padding(name, cls, cfg.padding);
      const cin = dim(x, 3);
      const shape = [x[0], outputLength(dim(x, 1), kh, pad, sh, dh), outputLength(dim(x, 2), kw, pad, sw, dw), filters];
      if (dim(shape, 1) <= 0 || dim(shape, 2) <= 0) fail(`layer "${name}" (Conv2D): a ${kh}×${kw} kernel (dilation ${dh}×${dw}) does not fit its ${x[1]}×${x[2]} input`, name);
      return { shape, weights: [w('kernel', [kh, kw, cin, filters]), ...(bias ? [w('bias', [filters])] : [])] };
    }
    case 'DepthwiseConv2D': {
      // MobileNet's per-channel convolution: kernel [kh, kw, channels, depth_multiplier].
      needRank(node, x, 4, ' (height, width, channels)');
      const mult = positive(name, cls, 'depth_multiplier', cfg.depth_multiplier, 1);
      const [kh, kw] = pair(name, cls, 'kernel_size', cfg.kernel_size);
      const [sh, sw] = pair(name, cls, 'strides', cfg.strides, [1, 1]);
      const [dh, dw] = pair(name, cls, 'dilation_rate', cfg.dilation_rate, [1, 1]);
      const pad = padding(name, cls, cfg.padding);
      const cin = dim(x, 3);
      const shape = [x[0], outputLength(dim(x, 1), kh, pad, sh, dh), outputLength(dim(x, 2), kw, pad, sw, dw), cin * mult];
      if (dim(shape, 1) <= 0 || dim(shape, 2) <= 0) fail(`layer "${name}" (DepthwiseConv2D): a ${kh}×${kw} kernel (dilation ${dh}×${dw}) does not fit its ${x[1]}×${x[2]} input`, name);
      return { shape, weights: [w('depthwise_kernel', [kh, kw, cin, mult]), ...(bias ? [w('bias', [cin * mult])] : [])] };
    }
    case 'Dense': {
      needRank(node, x, 2, ' (features): put a Flatten or GlobalAveragePooling2D before it');
      const units = positive(name, cls, 'units', cfg.units);
      return { shape: [x[0], units], weights: [w('kernel', [dim(x, 1), units]), ...(bias ? [w('bias', [units])] : [])] };
    }
    case 'MaxPooling2D': case 'AveragePooling2D': {
      needRank(node, x, 4, ' (height, width, channels)');
      const [ph, pw] = pair(name, cls, 'pool_size', cfg.pool_size, [2, 2]);
      const [sh, sw] = pair(name, cls, 'strides', cfg.strides, [ph, pw]);
      const pad = padding(name, cls, cfg.padding);
      const shape = [x[0], outputLength(dim(x, 1), ph, pad, sh), outputLength(dim(x, 2), pw, pad, sw), x[3]];
      if (dim(shape, 1) <= 0 || dim(shape, 2) <= 0) fail(`layer "${name}" (${cls}): a ${ph}×${pw} pool does not fit its ${x[1]}×${x[2]} input`, name);
      return { shape, weights: [] };
    }
    case 'GlobalAveragePooling2D':
      needRank(node, x, 4, ' (height, width, channels)');
      if (cfg.keepdims === true) fail(`layer "${name}" (GlobalAveragePooling2D): keepdims is not supported by TF.js`, name);
      return { shape: [x[0], x[3]], weights: [] };
    case 'Flatten':
      return { shape: [x[0], x.slice(1).reduce((a: number, b) => a * (b as number), 1)], weights: [] };
    case 'BatchNormalization': {
      const axis = Array.isArray(cfg.axis) && cfg.axis.length === 1 ? cfg.axis[0] : (cfg.axis ?? -1);
      if (axis !== -1 && axis !== x.length - 1) fail(`layer "${name}" (BatchNormalization): axis ${quoted(cfg.axis)}; only the channel (last) axis is supported`, name);
      const c = dim(x, x.length - 1);
      return {
        shape: x,
        weights: [...(cfg.scale !== false ? [w('gamma', [c])] : []), ...(cfg.center !== false ? [w('beta', [c])] : []), w('moving_mean', [c]), w('moving_variance', [c])],
      };
    }
    case 'Add': {
      // Broadcasts like tfjs-layers' Merge: per axis, equal sizes or 1.
      if (inputs.some((s) => s.length !== x.length)) fail(`layer "${name}" (Add): inputs of ranks ${inputs.map((s) => s.length).join(' and ')} cannot be added`, name);
      const shape = x.map((d, i) => {
        if (i === 0) return d;
        const sizes = new Set(inputs.map((s) => s[i] as number));
        sizes.delete(1);
        if (sizes.size > 1) fail(`layer "${name}" (Add): inputs ${inputs.map(shapeText).join(' and ')} cannot be added (from ${node.inputs.map((n) => `"${n}"`).join(', ')})`, name);
        return sizes.size ? [...sizes][0] : 1;
      });
      return { shape, weights: [] };
    }
    default:
      return fail(`layer "${name}": ${cls} is not supported`, name);
  }
}

const INPUT_SHAPES: Record<DatasetName, [number, number, number]> = { mnist: [28, 28, 1], cifar10: [32, 32, 3] };

/** The model's input shape from its InputLayer or its first layer (batch_input_shape, or input_shape). */
function inputShapeOf(layer: LayerJson): Shape {
  const { batch_input_shape: batch, input_shape: single } = layer.config;
  const name = layer.config.name as string;
  const raw = Array.isArray(batch) ? batch : Array.isArray(single) ? [null, ...single] : null;
  if (!raw) fail(`layer "${name}" (${layer.class_name}): no batch_input_shape, so the model's input shape is unknown`, name);
  if (raw.length > 8 || raw.some((d) => d !== null && !(Number.isSafeInteger(d) && d > 0))) {
    fail(`layer "${name}" (${layer.class_name}): input shape ${quoted(raw)} is not a list of positive integers`, name);
  }
  return raw as Shape;
}

/**
 * The plan of a model whose layers are all supported (checkLayers in user-model.ts): graph, shapes,
 * parameters, weights. Refuses an input of neither data set, an output other than 10 classes, and a model
 * over the parameter or activation budgets, naming the layer that crosses it.
 */
export function planTopology(topology: TopologyJson, classes: number): TopologyPlan {
  const { nodes, input, output } = graphOf(topology);
  const order = ordered(nodes, output);
  const first = input !== null ? nodes.get(input)!.layer : topology.config.layers[0];
  const inputShape = inputShapeOf(first);
  const dataset = (Object.keys(INPUT_SHAPES) as DatasetName[])
    .find((d) => inputShape.length === 4 && INPUT_SHAPES[d].every((s, i) => inputShape[i + 1] === s));
  if (!dataset) fail(`input shape ${shapeText(inputShape)} matches neither MNIST (28×28×1) nor CIFAR-10 (32×32×3)`, 'input');
  for (const layer of topology.config.layers) {
    const dtype = layer.config.dtype;
    if (dtype !== undefined && dtype !== null && dtype !== 'float32') {
      const name = layer.config.name as string;
      fail(`layer "${name}" (${layer.class_name}): dtype ${quoted(dtype)}; only float32 layers are supported`, name);
    }
  }
  const shapes = new Map<string, Shape>();
  const layers: PlannedLayer[] = [];
  let parameters = 0;
  let activations = 0;
  for (const node of order) {
    const inShapes = node.inputs.length ? node.inputs.map((i) => shapes.get(i)!) : [inputShape];
    const { shape, weights } = layerPlan(node, inShapes);
    const at = `layer "${node.name}" (${node.layer.class_name})`;
    const values = shape.slice(1).reduce((a: number, b) => a * (b as number), 1);
    if (values > USER_MODEL_MAX_LAYER_OUTPUT) {
      fail(`${at}: ${count(values)} values per image in its output ${shapeText(shape)}, over the budget of ${count(USER_MODEL_MAX_LAYER_OUTPUT)} per layer output`, node.name);
    }
    activations += values;
    if (activations > USER_MODEL_MAX_ACTIVATIONS) {
      fail(`${at}: the layer outputs up to here hold ${count(activations)} values per image, over the budget of ${count(USER_MODEL_MAX_ACTIVATIONS)} over all layers`, node.name);
    }
    const own = weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
    parameters += own;
    if (parameters > USER_MODEL_MAX_PARAMETERS) {
      fail(`${at}: ${count(own)} parameters bring the model to ${count(parameters)}, over the budget of ${count(USER_MODEL_MAX_PARAMETERS)} parameters`, node.name);
    }
    shapes.set(node.name, shape);
    layers.push({ name: node.name, className: node.layer.class_name, inputs: node.inputs, outputShape: shape, parameters: own, weights });
  }
  const out = layers.find((l) => l.name === output)!;
  const o = out.outputShape;
  if (o.length !== 2 || o[1] !== classes) fail(`output shape ${shapeText(o)}: expected ${classes} classes, [null, ${classes}] (layer "${out.name}")`, 'output');
  return { layers, dataset, inputShape, output: out, parameters, activations };
}

/**
 * The topology TF.js builds: every initializer replaced by zeros (the manifest's weights overwrite every
 * weight, and a user's initializer — Orthogonal is a QR decomposition — must not run), regularizers and
 * constraints dropped (training-only), and a functional model's inbound references without keyword
 * arguments. The input is not changed.
 */
export function buildableTopology(topology: TopologyJson): TopologyJson {
  const layers = topology.config.layers.map((layer) => {
    const config: Json = {};
    for (const [k, v] of Object.entries(layer.config)) {
      if (k.endsWith('_initializer')) config[k] = { class_name: 'Zeros', config: {} };
      else if (k.endsWith('_regularizer') || k.endsWith('_constraint')) config[k] = null;
      else config[k] = v;
    }
    const out: LayerJson = { ...layer, config };
    if (Array.isArray(layer.inbound_nodes)) {
      out.inbound_nodes = layer.inbound_nodes.map((node) => (node as unknown[][]).map((ref) => [ref[0], ref[1], ref[2], {}]));
    }
    return out;
  });
  return { ...topology, config: { ...topology.config, layers } };
}
