/**
 * Backend check of the hand-written many-cotangent backward (`plainCandidateVjp`) against tf.grad over
 * the tiled batch, on a small network with every op kind it handles: 'same' and 'valid' convolutions,
 * ReLU fused and as a layer, JumpReLU, max pooling with a remainder row/column and tied maxima, dense;
 * and on a small pre-activation residual network (BatchNormalization, strided and 1×1 convolutions, Add,
 * global average pooling): a functional model whose graph forks and joins; and on two MobileNetV2 blocks
 * (depthwise convolutions at stride 1 and 2, linear bottlenecks, a residual Add).
 * Run by Vitest (cpu, wasm) and by the diagnostics page (webgl, webgpu; asserted in e2e).
 */
import * as tf from '@tensorflow/tfjs';
import { repeatRows } from '../attacks/batch';
import { jumpReluBackward, type GradientMode } from '../op/gradient-mode';
import { KappaControl } from '../retrofit/kappa-control';
import { JumpReLU } from '../retrofit/jump-relu-layer';
import { plainCandidateVjp, plainForward } from '../retrofit/plain-forward';

export interface VjpParityResult {
  /** max |ours − tf.grad| over all gradients, relative to max |tf.grad| (or absolute below 1). */
  gradientError: number;
  /** max |logits − plain forward| (the backward's own forward pass). */
  logitsError: number;
  /** max |plain forward − the layers model's predict| (fused vs plain ops: float rounding only). */
  modelError: number;
  /** Tensors left behind by the check (must be 0). */
  leaked: number;
}

const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 50 }) });

export function vjpTestModel(kappa: number): { model: tf.Sequential; control: KappaControl } {
  const control = new KappaControl(kappa);
  const jump = new JumpReLU({ kappa });
  jump.control = control;
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [9, 9, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', ...init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 5, kernelSize: 2, ...init(2) }),
      jump,
      tf.layers.flatten(),
      tf.layers.dense({ units: 6, activation: 'relu', ...init(3) }),
      tf.layers.dense({ units: 4, ...init(4) }),
    ],
  });
  return { model, control };
}

/** BN with non-trivial statistics (moving mean/variance are not trainable, so not set by initializers). */
function batchNorm(name: string, channels: number, seed: number): tf.layers.Layer {
  const bn = tf.layers.batchNormalization({ name, epsilon: 1e-5 });
  bn.build([null, null, null, channels]);
  // γ and σ² in [0.5, 1.5), β and μ in [−0.5, 0.5).
  const values = [0, 1, 2, 3].map((j) => tf.tidy(() => tf.add(tf.randomUniform([channels], 0, 1, 'float32', seed + j), j === 0 || j === 3 ? 0.5 : -0.5)));
  bn.setWeights(values);
  tf.dispose(values);
  return bn;
}

/** JumpReLU layers at κ that all read one shared κ control (what the retrofit builds). */
function jumpLayers(control: KappaControl, kappa: number): (name: string) => JumpReLU {
  return (name) => {
    const j = new JumpReLU({ kappa, name });
    j.control = control;
    return j;
  };
}

/** A pre-activation residual block network: the paper's WideResNet family in miniature. */
export function vjpResidualModel(kappa: number): { model: tf.LayersModel; control: KappaControl } {
  const control = new KappaControl(kappa);
  const jump = jumpLayers(control, kappa);
  const conv = (name: string, filters: number, k: number, strides: number, seed: number) =>
    tf.layers.conv2d({ name, filters, kernelSize: k, strides, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotNormal({ seed }) });
  const input = tf.input({ shape: [8, 8, 2] });
  const stem = conv('stem', 3, 3, 1, 1).apply(input) as tf.SymbolicTensor;
  const a1 = jump('j1').apply(batchNorm('bn1', 3, 10).apply(stem)) as tf.SymbolicTensor;
  const h = conv('c1', 4, 3, 2, 2).apply(a1) as tf.SymbolicTensor;
  const h2 = conv('c2', 4, 3, 1, 3).apply(jump('j2').apply(batchNorm('bn2', 4, 20).apply(h))) as tf.SymbolicTensor;
  const short = conv('short', 4, 1, 2, 4).apply(a1) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'add' }).apply([h2, short]) as tf.SymbolicTensor;
  const out = jump('j3').apply(batchNorm('bn3', 4, 30).apply(sum)) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(out) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ name: 'fc', units: 4, ...init(5) }).apply(pooled) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: logits }), control };
}

/**
 * Two MobileNetV2 inverted-residual blocks (1×1 expand → BN → J → 3×3 depthwise → BN → J → 1×1 project →
 * BN, the linear bottleneck): the first at stride 1 with its residual Add, the second at stride 2 on an even
 * size (TF 'same' pads 0 before, 1 after) without one.
 */
export function vjpInvertedResidualModel(kappa: number): { model: tf.LayersModel; control: KappaControl } {
  const control = new KappaControl(kappa);
  const jump = jumpLayers(control, kappa);
  const conv = (name: string, filters: number, k: number, seed: number) =>
    tf.layers.conv2d({ name, filters, kernelSize: k, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotNormal({ seed }) });
  const depthwise = (name: string, strides: number, seed: number) =>
    tf.layers.depthwiseConv2d({ name, kernelSize: 3, strides, padding: 'same', useBias: false, depthwiseInitializer: tf.initializers.glorotNormal({ seed }) });
  const apply = (x: tf.SymbolicTensor, ...layers: tf.layers.Layer[]) => layers.reduce((h, l) => l.apply(h) as tf.SymbolicTensor, x);
  const input = tf.input({ shape: [8, 8, 3] });
  const stem = apply(input, conv('stem', 4, 3, 1), batchNorm('bn0', 4, 10), jump('j0'));
  const a = apply(stem, conv('a_expand', 8, 1, 2), batchNorm('a_bn1', 8, 20), jump('a_j1'), depthwise('a_dw', 1, 3),
    batchNorm('a_bn2', 8, 30), jump('a_j2'), conv('a_project', 4, 1, 4), batchNorm('a_bn3', 4, 40));
  const sum = tf.layers.add({ name: 'a_add' }).apply([a, stem]) as tf.SymbolicTensor;
  const b = apply(sum, conv('b_expand', 8, 1, 5), batchNorm('b_bn1', 8, 50), jump('b_j1'), depthwise('b_dw', 2, 6),
    batchNorm('b_bn2', 8, 60), jump('b_j2'), conv('b_project', 6, 1, 7), batchNorm('b_bn3', 6, 70));
  const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(b) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ name: 'fc', units: 4, ...init(8) }).apply(pooled) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: input, outputs: logits }), control };
}

export type VjpNet = 'chain' | 'residual' | 'inverted';

export function vjpModel(net: VjpNet, kappa: number): { model: tf.LayersModel; control: KappaControl } {
  if (net === 'chain') return vjpTestModel(kappa);
  return net === 'residual' ? vjpResidualModel(kappa) : vjpInvertedResidualModel(kappa);
}

/** Under one gradient mode: the hand-written backward and tf.grad (the registered gradient) use the same rule. */
export async function runVjpParity(kappa = 0.05, mode: GradientMode = 'exact', net: VjpNet = 'chain'): Promise<VjpParityResult> {
  const before = tf.memory().numTensors;
  const { model, control } = vjpModel(net, kappa);
  control.setBackward(jumpReluBackward(mode, 0.1));
  const [, h, w, c] = model.inputs[0].shape as number[];
  const classes = model.outputs[0].shape[1] as number;
  const forward = plainForward(model, control);
  const vjp = plainCandidateVjp(model, control);
  if (!forward || !vjp) throw new Error('vjp parity: the test network has no plain forward/backward');
  const [gradientError, logitsError, modelError] = tf.tidy(() => {
    const n = 3;
    const k = 5;
    // Integer inputs: flat regions, so pooling windows hold tied maxima.
    const x = tf.round(tf.randomUniform([n, h, w, c], -2, 2, 'float32', 7)) as tf.Tensor4D;
    const weights = tf.randomNormal([n * k, classes], 0, 1, 'float32', 9) as tf.Tensor2D;
    const ours = vjp(x, weights, k);
    const tiled = repeatRows(x, k);
    const ref = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(forward(t), weights)))(tiled);
    const scale = Math.max(1, tf.max(tf.abs(ref)).dataSync()[0]);
    return [
      tf.max(tf.abs(tf.sub(ours.gradients, ref))).dataSync()[0] / scale,
      tf.max(tf.abs(tf.sub(ours.logits, forward(x)))).dataSync()[0],
      // The plain forward against the layers model itself (BN in inference mode).
      tf.max(tf.abs(tf.sub(forward(x), model.predict(x) as tf.Tensor))).dataSync()[0],
    ];
  });
  model.dispose();
  return { gradientError, logitsError, modelError, leaked: tf.memory().numTensors - before };
}
