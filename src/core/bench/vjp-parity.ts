/**
 * Backend check of the hand-written many-cotangent backward (`plainCandidateVjp`) against tf.grad over
 * the tiled batch, on a small network with every op kind it handles: 'same' and 'valid' convolutions,
 * ReLU fused and as a layer, JumpReLU, max pooling with a remainder row/column and tied maxima, dense;
 * and on a small pre-activation residual network (BatchNormalization, strided and 1×1 convolutions, Add,
 * global average pooling): a functional model whose graph forks and joins.
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

/** A pre-activation residual block network: the paper's WideResNet family in miniature. */
export function vjpResidualModel(kappa: number): { model: tf.LayersModel; control: KappaControl } {
  const control = new KappaControl(kappa);
  const jump = (name: string) => {
    const j = new JumpReLU({ kappa, name });
    j.control = control;
    return j;
  };
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

/** Under one gradient mode: the hand-written backward and tf.grad (the registered gradient) use the same rule. */
export async function runVjpParity(kappa = 0.05, net: 'chain' | 'residual' = 'chain', mode: GradientMode = 'exact'): Promise<VjpParityResult> {
  const before = tf.memory().numTensors;
  const { model, control } = net === 'chain' ? vjpTestModel(kappa) : vjpResidualModel(kappa);
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
