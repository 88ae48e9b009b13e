/**
 * The retrofitted network's forward pass written with plain TF.js ops, for attacks and metrics, and a
 * hand-written backward pass of the same ops for many cotangents at once.
 *
 * Why not `model.apply`: TF.js layers run Conv2D/Dense through fused ops whose gradient computes the
 * weight gradients eagerly, even when only ∇x is wanted. That wastes most of every attack step, and on
 * the wasm backend (no Conv2DBackpropFilter kernel in tfjs 4.22) it fails outright. Plain tf.conv2d /
 * tf.matMul record lazy per-input gradients, so ∇x costs one backward pass through the inputs only; the
 * convolution's input gradient is itself a forward convolution (conv2d-input-grad.ts), because the wasm
 * backend's Conv2DBackpropInput is a scalar loop.
 *
 * Why a hand-written backward (`plainCandidatePass`): DeepFool needs ∇(f_k − f_y) for every candidate k of
 * every image. Through tf.grad that is one pass over the batch tiled K times — K identical forward passes.
 * Here the forward runs once on the n images and only the backward runs on n·K rows; each op's backward
 * reads what it needs of the forward (JumpReLU masks, max-pool routes) from the n rows, broadcast over K.
 * The backward runs later, for any subset of the images (DeepFool reads the logits first and drops the
 * images already fooled), and a max-pool's cotangent reaches the convolution before it unspread: the
 * fused kernel (op/pooled-conv-input-grad.ts) adds one kernel patch per pooled value.
 *
 * Supports the layer types of image classifiers, Sequential or functional (a DAG of single-use layers):
 * Conv2D, DepthwiseConv2D, Dense, pooling, global average pooling, Flatten, Dropout, BatchNormalization
 * (inference), Add, Activation linear/softmax, JumpReLU; anything else returns null and callers use `model.apply`.
 * Ops without a hand-written backward (softmax, average pooling, overlapping max pooling, dilated
 * convolutions) make `plainCandidatePass` null: callers then use tf.grad.
 */
import * as tf from '@tensorflow/tfjs';
import { EXACT_BACKWARD, type JumpReluBackward } from '../op/gradient-mode';
import { gatherRows } from '../op/rows';
import { jumpRelu, jumpReluGrad } from '../op/jump-relu';
import { pooledConvInputGrad, pooledConvInputGradAvailable } from '../op/pooled-conv-input-grad';
import { axisPadding, conv2dInputGrad, convInputGradient, depthwiseConv2dInputGrad, depthwiseInputGradient, isUnitDilation } from './conv2d-input-grad';
import { JumpReLU } from './jump-relu-layer';
import type { KappaControl } from './kappa-control';
import type { CandidatePass } from '../models/classifier';

/**
 * A tiled max-pool's cotangent not yet spread over the pool's input. A convolution feeding the pool (through
 * element-wise ops, whose derivatives collect in `derivative`) reads it with the fused kernel
 * (pooled-conv-input-grad.ts: a quarter of the multiply-adds); any other reader spreads it (`dense`).
 */
interface PooledCotangent {
  /** [n·K, oh, ow, c] */
  readonly pooled: tf.Tensor4D;
  /** The pool's input [n, h, w, c] and output [n, oh, ow, c]. */
  readonly poolInput: tf.Tensor4D;
  readonly poolOutput: tf.Tensor4D;
  readonly size: [number, number];
  /** The product of the element-wise derivatives between convolution and pool, [n, h, w, c], or null. */
  readonly derivative: tf.Tensor4D | null;
}

/**
 * Cotangents g [m·K, …] times a per-image factor [m, …] not yet applied. Element-wise backwards in a row
 * (a JumpReLU's mask, the batch norm before it) multiply their derivatives into the factor on m rows, and
 * the reader applies the product to the m·K rows once: ResNet-20's 19 BN scales cost no pass over them.
 */
interface ScaledCotangent {
  readonly g: tf.Tensor;
  readonly factor: tf.Tensor;
}

type Cotangent = tf.Tensor | PooledCotangent | ScaledCotangent;

const isPooled = (g: Cotangent): g is PooledCotangent => !(g instanceof tf.Tensor) && 'pooled' in g;
const isScaled = (g: Cotangent): g is ScaledCotangent => !(g instanceof tf.Tensor) && 'factor' in g;

/**
 * What a backward sweep is for: `k` cotangents per image, for the forward's images `sub` picks (a backward
 * may cover only some of the images its forward ran on: DeepFool drops those already fooled). Per-image
 * tensors of the forward (masks, routes) go through `sub` before they meet a cotangent.
 */
interface Sweep {
  readonly k: number;
  sub<T extends tf.Tensor>(t: T): T;
}

/**
 * The backward of one op for cotangents `g` of m·K rows (row i·K + r belongs to the sweep's i-th image).
 * Built by the forward call, so it sees that call's input and κ.
 */
type Back = (g: Cotangent, sweep: Sweep) => Cotangent;

interface Op {
  /** `saved`: the forward's tensors `back` reads, kept until the backward has run. */
  run(x: tf.Tensor): { y: tf.Tensor; back: Back | null; saved?: tf.Tensor[] };
  /** Whether `run` returns a backward (static, so support is known before any forward). */
  readonly differentiable: boolean;
}

type Cfg = Record<string, unknown>;

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v as number, v as number]);

/** g [n·K, …] times a mask [n, …] (0/1, or a smoothed derivative) shared by each image's K rows. */
function maskPerImage(g: tf.Tensor, mask: tf.Tensor, k: number): tf.Tensor {
  const n = mask.shape[0];
  return tf.reshape(tf.mul(tf.reshape(g, [n, k, -1]), tf.reshape(mask, [n, 1, -1])), g.shape);
}

/** g times an element-wise derivative [n, …], applied later: a pooled cotangent keeps it for the fused kernel. */
function masked(g: Cotangent, mask: tf.Tensor): Cotangent {
  if (isPooled(g)) return { ...g, derivative: (g.derivative ? tf.mul(g.derivative, mask) : mask) as tf.Tensor4D };
  if (isScaled(g)) return { g: g.g, factor: tf.mul(g.factor, mask) };
  return { g, factor: mask };
}

/**
 * The derivative of JumpReLU under a backward rule (gradient-mode.ts; exact: 1 where x > κ, else 0; κ = 0:
 * ReLU), as the JumpReluGrad kernel computes it, so this backward and tf.grad's use the same rule.
 */
const derivative = (x: tf.Tensor, kappa: number, backward: JumpReluBackward): tf.Tensor => jumpReluGrad(tf.onesLike(x), x, kappa, backward);

const IDENTITY: Op = { differentiable: true, run: (x) => ({ y: x, back: (g) => g }) };

/** Reads a JumpReLU layer's input (its pre-activations z) during a pass. */
type Tap = (layer: string, z: tf.Tensor) => void;

function thresholdOp(control: KappaControl, tap?: (z: tf.Tensor) => void): Op {
  return {
    differentiable: true,
    run: (x) => {
      tap?.(x);
      const k = control.draw();
      const backward = control.backward;
      return { y: jumpRelu(x, k, backward), back: (g, sweep) => masked(g, derivative(sweep.sub(x), k, backward)), saved: [x] };
    },
  };
}

function activation(name: unknown): Op | null {
  if (name === undefined || name === null || name === 'linear') return IDENTITY;
  if (name === 'softmax') return { differentiable: false, run: (x) => ({ y: tf.softmax(x), back: null }) };
  // Only in models that were not retrofitted: ReLU is JumpReLU at κ = 0 (same values, same gradient).
  if (name === 'relu') return { differentiable: true, run: (x) => ({ y: tf.relu(x), back: (g, sweep) => masked(g, derivative(sweep.sub(x), 0, EXACT_BACKWARD)), saved: [x] }) };
  return null;
}

/**
 * 0/1 mask of the position each tiled pooling window routes its gradient to: the window's first maximum
 * in row-major order, as tfjs-cpu, PyTorch and the paper's code pick it. wasm's MaxPoolGrad picks the last,
 * and MNIST backgrounds tie everywhere, so taking the backend's own route made attacks backend-dependent.
 * Element-wise: each tied position scores a priority that falls along the window, a max-pool of the
 * scores finds the first, and only that position equals it. Covers x's top-left oh·sh × ow·sw corner.
 */
function firstMaxRoute(x: tf.Tensor4D, y: tf.Tensor4D, size: [number, number]): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, , , c] = x.shape;
    const [, oh, ow] = y.shape;
    const [sh, sw] = size;
    const covered = [oh * sh, ow * sw] as [number, number];
    const xs = x.shape[1] === covered[0] && x.shape[2] === covered[1] ? x : tf.slice(x, [0, 0, 0, 0], [n, ...covered, c]);
    const priority = Float32Array.from({ length: covered[0] * covered[1] }, (_, i) => sh * sw - ((Math.floor(i / covered[1]) % sh) * sw + ((i % covered[1]) % sw)));
    const score = tf.mul(tf.cast(tf.equal(xs, tf.image.resizeNearestNeighbor(y, covered)), 'float32'), tf.tensor3d(priority, [...covered, 1]));
    const first = tf.image.resizeNearestNeighbor(tf.maxPool(score as tf.Tensor4D, size, size, 'valid'), covered);
    return tf.cast(tf.equal(score, first), 'float32') as tf.Tensor4D;
  });
}

/** Cotangents g [n·K, oh, ow, c] of a tiled pool spread over its input's shape through the route [n, oh·sh, ow·sw, c]. */
function spread(g: tf.Tensor, route: tf.Tensor4D, shape: number[], size: [number, number], k: number): tf.Tensor {
  const [, oh, ow] = g.shape;
  const [, h, w] = shape;
  const up = maskPerImage(tf.image.resizeNearestNeighbor(g as tf.Tensor4D, [oh * size[0], ow * size[1]]), route, k);
  // 'valid' pooling ignores a remainder row/column: no gradient there.
  return h > oh * size[0] || w > ow * size[1] ? tf.pad(up, [[0, 0], [0, h - oh * size[0]], [0, w - ow * size[1]], [0, 0]]) : up;
}

/** The cotangent as a tensor: a pooled one spread over the pool's input, its derivatives applied. */
function dense(g: Cotangent, sweep: Sweep): tf.Tensor {
  if (isScaled(g)) return maskPerImage(g.g, g.factor, sweep.k);
  if (!isPooled(g)) return g;
  const up = spread(g.pooled, firstMaxRoute(g.poolInput, g.poolOutput, g.size), g.poolInput.shape, g.size, sweep.k);
  return g.derivative ? maskPerImage(up, g.derivative, sweep.k) : up;
}

function maxPoolOp(size: [number, number], strides: [number, number], pad: 'valid' | 'same'): Op {
  // Non-overlapping 'valid' windows: each window's cotangent goes to its first maximum, in tf.grad (a
  // custom gradient) and in the many-cotangent backward alike (the route found on the n images).
  const tiled = pad === 'valid' && strides[0] === size[0] && strides[1] === size[1];
  const pool = tf.customGrad((input, save) => {
    const x = input as tf.Tensor4D;
    const y = tf.maxPool(x, size, strides, 'valid');
    (save as tf.GradSaveFunc)([x, y]);
    return { value: y, gradFunc: (dy, [xs, ys]) => spread(dy, firstMaxRoute(xs as tf.Tensor4D, ys as tf.Tensor4D, size), xs.shape, size, 1) };
  });
  return {
    differentiable: tiled,
    run: (x) => {
      if (!tiled) return { y: tf.maxPool(x as tf.Tensor4D, size, strides, pad), back: null };
      const y = pool(x) as tf.Tensor4D;
      // Spread later, by whoever reads it: a convolution right before the pool skips the spread (fused).
      return {
        y,
        back: (g, sweep) => ({ pooled: dense(g, sweep) as tf.Tensor4D, poolInput: sweep.sub(x as tf.Tensor4D), poolOutput: sweep.sub(y), size, derivative: null }),
        saved: [x, y],
      };
    },
  };
}

/** Conv2D or Dense followed by its built-in activation (linear in retrofitted models). */
function affineOp(linear: (x: tf.Tensor) => tf.Tensor, back: ((g: Cotangent, inputShape: number[], sweep: Sweep) => tf.Tensor) | null, bias: tf.LayerVariable | undefined, act: Op): Op {
  return {
    differentiable: back !== null && act.differentiable,
    run: (x) => {
      const z = bias ? tf.add(linear(x), bias.read()) : linear(x);
      const a = act.run(z);
      return { y: a.y, back: back && a.back ? (g, sweep) => back(a.back!(g, sweep), x.shape, sweep) : null, saved: a.saved };
    },
  };
}

function opFor(layer: tf.layers.Layer, control: KappaControl, tap?: Tap): Op | null {
  const cfg = layer.getConfig() as Cfg;
  const cls = layer.getClassName();
  if (layer instanceof JumpReLU) return thresholdOp(control, tap && ((z) => tap(layer.name, z)));
  if (cls === 'InputLayer' || cls === 'Dropout' || cls === 'SpatialDropout2D' || cls === 'GaussianNoise') return IDENTITY;
  if (cls === 'Flatten') {
    return { differentiable: true, run: (x) => ({ y: tf.reshape(x, [x.shape[0], -1]), back: (g, sweep) => { const d = dense(g, sweep); return tf.reshape(d, [d.shape[0], ...x.shape.slice(1)]); } }) };
  }
  if (cls === 'Activation') return activation(cfg.activation);
  if (cfg.dataFormat !== undefined && cfg.dataFormat !== 'channelsLast' && cfg.dataFormat !== 'channels_last') return null;
  if (cls === 'BatchNormalization') return batchNormOp(layer, cfg);
  if (cls === 'GlobalAveragePooling2D') return globalAveragePoolOp();
  if (cls === 'MaxPooling2D' || cls === 'AveragePooling2D') {
    const size = pair(cfg.poolSize);
    const strides = pair(cfg.strides ?? cfg.poolSize);
    const pad = cfg.padding as 'valid' | 'same';
    if (cls === 'MaxPooling2D') return maxPoolOp(size, strides, pad);
    return { differentiable: false, run: (x) => ({ y: tf.avgPool(x as tf.Tensor4D, size, strides, pad), back: null }) };
  }
  const act = activation(cfg.activation);
  if (!act) return null;
  const [kernel, bias] = layer.weights;
  if (cls === 'Conv2D') {
    const strides = pair(cfg.strides);
    const dilations = pair(cfg.dilationRate ?? 1);
    const pad = cfg.padding as 'valid' | 'same';
    const w = () => kernel.read() as tf.Tensor4D;
    const back = (g: Cotangent, inputShape: number[], sweep: Sweep): tf.Tensor => {
      const size: [number, number] = [inputShape[1], inputShape[2]];
      if (isPooled(g) && strides[0] === 1 && strides[1] === 1 && pooledConvInputGradAvailable()) {
        const [kh, kw] = w().shape;
        const padding: [number, number] = [axisPadding(pad, size[0], kh, 1)[0], axisPadding(pad, size[1], kw, 1)[0]];
        return pooledConvInputGrad(g.pooled, g.poolInput, w(), g.derivative, sweep.k, g.size, size, padding);
      }
      return convInputGradient(dense(g, sweep) as tf.Tensor4D, w(), pad, strides, size);
    };
    return affineOp((x) => conv2dInputGrad(x as tf.Tensor4D, w(), strides, pad, dilations), isUnitDilation(dilations) ? back : null, bias, act);
  }
  if (cls === 'DepthwiseConv2D') {
    // MobileNetV2's 3×3 per-channel convolution (depth multiplier m: kernel [kh, kw, c, m]). Dilated ones have
    // no plain pass here (TF.js's own op and gradient would be needed; no shipped network uses them).
    if (!isUnitDilation(pair(cfg.dilationRate ?? 1))) return null;
    const strides = pair(cfg.strides);
    const pad = cfg.padding as 'valid' | 'same';
    const w = () => kernel.read() as tf.Tensor4D;
    const back = (g: Cotangent, inputShape: number[], sweep: Sweep): tf.Tensor =>
      depthwiseInputGradient(dense(g, sweep) as tf.Tensor4D, w(), pad, strides, [inputShape[1], inputShape[2]]);
    return affineOp((x) => depthwiseConv2dInputGrad(x as tf.Tensor4D, w(), strides, pad), back, bias, act);
  }
  if (cls === 'Dense') {
    const w = () => kernel.read() as tf.Tensor2D;
    // ∇x = g·Wᵀ on an explicitly transposed W, in tf.grad too: wasm's MatMul with transposeB (what
    // MatMul's registered gradient uses) took 8× as long on DeepFool's [n·K, 120] × [320, 120]ᵀ.
    const back = (g: tf.Tensor) => tf.matMul(g as tf.Tensor2D, tf.transpose(w()));
    const matMul = tf.customGrad((x) => ({ value: tf.matMul(x as tf.Tensor2D, w()), gradFunc: (dy) => back(dy) }));
    return affineOp((x) => matMul(x), (g, _shape, sweep) => back(dense(g, sweep)), bias, act);
  }
  return null;
}

/**
 * Inference-mode batch norm on the channel axis: y = x·s + t with s = γ/√(σ² + ε), t = β − μ·s (two
 * element-wise ops; the backward is g·s).
 */
function batchNormOp(layer: tf.layers.Layer, cfg: Cfg): Op | null {
  const axis = cfg.axis as number | number[];
  if (!(axis === -1 || axis === 3 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 3)))) return null;
  // TF.js's weight order: gamma (if `scale`), beta (if `center`), moving mean, moving variance.
  const ws = [...layer.weights];
  const gamma = cfg.scale !== false ? ws.shift() : undefined;
  const beta = cfg.center !== false ? ws.shift() : undefined;
  const [mean, variance] = ws;
  if (!mean || !variance || ws.length !== 2) return null;
  const eps = cfg.epsilon as number;
  const affine = () => tf.tidy(() => {
    const inv = tf.rsqrt(tf.add(variance.read(), eps));
    const scale = gamma ? tf.mul(gamma.read(), inv) : inv;
    const shift = tf.sub(beta ? beta.read() : tf.zerosLike(mean.read()), tf.mul(mean.read(), scale));
    return [scale, shift];
  });
  return {
    differentiable: true,
    run: (x) => {
      const [scale, shift] = affine();
      // Behind a JumpReLU's mask, the scale joins the mask's per-image factor (m rows, not m·K).
      const back: Back = (g, sweep) => (isScaled(g) ? { g: g.g, factor: tf.mul(g.factor, scale) } : tf.mul(dense(g, sweep), scale));
      return { y: tf.add(tf.mul(x, scale), shift), back, saved: [scale] };
    },
  };
}

/** Mean over the spatial axes: [n, h, w, c] → [n, c]; the backward spreads g/(h·w) over every position. */
function globalAveragePoolOp(): Op {
  return {
    differentiable: true,
    run: (x) => {
      const [, h, w, c] = x.shape;
      return {
        y: tf.mean(x, [1, 2]),
        back: (g, sweep) => { const d = dense(g, sweep); return tf.mul(tf.reshape(d, [d.shape[0], 1, 1, c]), tf.fill([1, h, w, c], 1 / (h * w))); },
      };
    },
  };
}

/**
 * The model as a list of nodes in topological order: a layer op reading one earlier node (−1: the model's
 * input), or an element-wise sum (Add) of several. `output` is the node whose value is the logits.
 */
interface Graph {
  nodes: ({ op: Op; inputs: [number] } | { op: 'add'; inputs: number[] })[];
  output: number;
}

/** The model's graph, or null if some layer is not supported (or is used more than once). */
function graphOf(model: tf.LayersModel, control: KappaControl, tap?: Tap): Graph | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const index = new Map<string, number>([[model.inputs[0].sourceLayer.name, -1]]);
  const nodes: Graph['nodes'] = [];
  for (const layer of model.layers) {
    if (index.get(layer.name) === -1) continue; // the functional model's InputLayer
    if (layer.inboundNodes.length !== 1) return null; // shared layers are not supported
    const names = layer.inboundNodes[0].inboundLayers.map((l) => l.name);
    // Sequential models' first layer reads an input layer that model.layers does not list.
    const inputs = names.map((n) => index.get(n) ?? (nodes.length === 0 ? -1 : NaN));
    if (inputs.some(Number.isNaN)) return null;
    if (layer.getClassName() === 'Add') {
      if (inputs.length < 2) return null;
      nodes.push({ op: 'add', inputs });
    } else {
      const op = opFor(layer, control, tap);
      if (!op || inputs.length !== 1) return null;
      nodes.push({ op, inputs: [inputs[0]] });
    }
    index.set(layer.name, nodes.length - 1);
  }
  const output = index.get(model.outputs[0].sourceLayer.name);
  return output === undefined || output < 0 ? null : { nodes, output };
}

const differentiable = (g: Graph) => g.nodes.every((n) => n.op === 'add' || n.op.differentiable);

/** For each node, the index of the last node that reads it (the output: past the end). */
function lastReaders(graph: Graph): number[] {
  const last = graph.nodes.map(() => -1);
  graph.nodes.forEach((node, j) => node.inputs.forEach((i) => { if (i >= 0) last[i] = j; }));
  last[graph.output] = graph.nodes.length;
  return last;
}

/**
 * Runs the graph on x; with `backs`, records each node's backward (index-aligned with `nodes`) and in
 * `saved` the forward tensors those backwards read.
 * Without `backs` and outside a gradient tape (an inference pass: accuracy, predictions), each node runs
 * in its own tidy and a value is disposed once its last reader has run, so the peak holds a few layers'
 * activations, not all of them (250 CIFAR-10 images through AlexLike: 209 → 75 MB above the weights; the
 * ResNet-20 kept ~830 MB). Under tf.grad the tape needs them all, so nothing is disposed early.
 */
function runGraph(graph: Graph, x: tf.Tensor, backs?: (Back | null)[], saved?: tf.Tensor[]): tf.Tensor {
  const values: tf.Tensor[] = [];
  const at = (i: number) => (i < 0 ? x : values[i]);
  const prune = !backs && !tf.engine().isTapeOn();
  const last = prune ? lastReaders(graph) : [];
  graph.nodes.forEach((node, j) => {
    if (node.op === 'add') {
      const sum = () => node.inputs.map(at).reduce((a, b) => tf.add(a, b));
      values.push(prune ? tf.tidy(sum) : sum());
      backs?.push(null);
    } else if (prune) {
      const op = node.op;
      values.push(tf.tidy(() => op.run(at(node.inputs[0])).y));
    } else {
      const r = node.op.run(at(node.inputs[0]));
      values.push(r.y);
      backs?.push(r.back);
      if (r.saved) saved?.push(...r.saved);
    }
    if (!prune) return;
    for (const i of node.inputs) {
      // Identity ops (Dropout, InputLayer) pass their input on as is: keep a tensor some live node still holds.
      if (i < 0 || last[i] !== j || values[i] === x) continue;
      if (!values.some((v, k) => v === values[i] && k !== i && last[k] > j)) values[i].dispose();
    }
  });
  return values[graph.output];
}

/** A plain-op forward pass of the model, or null if some layer is not supported. */
export function plainForward(model: tf.LayersModel, control: KappaControl): ((x: tf.Tensor) => tf.Tensor) | null {
  const graph = graphOf(model, control);
  if (!graph) return null;
  return (x) => tf.tidy(() => runGraph(graph, x));
}

/**
 * Every JumpReLU layer's input (its pre-activations z) on x, by layer name, from a plain forward pass at
 * `control`'s κ; null if some layer is not supported. The caller owns (disposes) the tensors.
 */
export function plainPreActivations(model: tf.LayersModel, control: KappaControl): ((x: tf.Tensor) => Map<string, tf.Tensor>) | null {
  let taps = new Map<string, tf.Tensor>();
  const graph = graphOf(model, control, (layer, z) => taps.set(layer, tf.keep(tf.clone(z))));
  if (!graph) return null;
  return (x) => {
    taps = new Map();
    tf.tidy(() => { runGraph(graph, x); });
    return taps;
  };
}

/** The pass, or null if some op has no hand-written backward. */
export function plainCandidatePass(model: tf.LayersModel, control: KappaControl): ((x: tf.Tensor4D) => CandidatePass) | null {
  const graph = graphOf(model, control);
  if (!graph || !differentiable(graph)) return null;
  return (x) => {
    const backs: (Back | null)[] = [];
    const saved: tf.Tensor[] = [];
    // The tidy frees the forward's temporaries; what the backwards read is returned, so it survives.
    const [logits, ...held] = tf.tidy(() => [runGraph(graph, x, backs, saved), ...saved]);
    return {
      logits: logits as tf.Tensor2D,
      gradients: (weights, k, images) => tf.tidy(() => {
        // Row copies on host backends (wasm's GatherV2 is an element-wise loop, ~5× a copy).
        const sweep: Sweep = { k, sub: (t) => (images ? gatherRows(t, images) : t) };
        // Reverse sweep; a node read by several others (a residual fork) sums their cotangents.
        const cot: (Cotangent | undefined)[] = [];
        let input: tf.Tensor | undefined;
        // A sum of cotangents (a residual fork) and the input's are tensors; a lone pooled one stays lazy.
        const give = (i: number, g: Cotangent) => {
          if (i < 0) input = input ? tf.add(input, dense(g, sweep)) : dense(g, sweep);
          else cot[i] = cot[i] ? tf.add(dense(cot[i]!, sweep), dense(g, sweep)) : g;
        };
        give(graph.output, weights);
        for (let i = graph.nodes.length - 1; i >= 0; i--) {
          const g = cot[i];
          if (!g) continue; // does not reach the output
          const node = graph.nodes[i];
          if (node.op === 'add') node.inputs.forEach((j) => give(j, g));
          else give(node.inputs[0], backs[i]!(g, sweep));
        }
        return input as tf.Tensor4D;
      }),
      // The caller's x may be among the saved tensors (an op reading the input): it stays the caller's.
      dispose: () => { for (const t of [logits, ...held]) if (t !== x) t.dispose(); },
    };
  };
}

/**
 * One forward pass on x [n, …] and one backward pass for K cotangents per image (a `CandidatePass` used
 * once): `weights` [n·K, classes] gives `gradients` [n·K, …x] and the forward's `logits` [n, classes].
 */
export type CandidateVjp = (x: tf.Tensor4D, weights: tf.Tensor2D, k: number) => { logits: tf.Tensor2D; gradients: tf.Tensor4D };

export function plainCandidateVjp(model: tf.LayersModel, control: KappaControl): CandidateVjp | null {
  const pass = plainCandidatePass(model, control);
  if (!pass) return null;
  return (x, weights, k) => {
    const p = pass(x);
    try {
      return { logits: tf.clone(p.logits), gradients: p.gradients(weights, k) };
    } finally {
      p.dispose();
    }
  };
}
