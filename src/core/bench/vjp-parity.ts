/**
 * Backend check of the hand-written many-cotangent backward (`plainCandidateVjp`) against tf.grad over
 * the tiled batch, on a small network with every op kind it handles: 'same' and 'valid' convolutions,
 * ReLU fused and as a layer, JumpReLU, max pooling with a remainder row/column and tied maxima, dense.
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

/** Under one gradient mode: the hand-written backward and tf.grad (the registered gradient) use the same rule. */
export async function runVjpParity(kappa = 0.05, mode: GradientMode = 'exact'): Promise<VjpParityResult> {
  const before = tf.memory().numTensors;
  const { model, control } = vjpTestModel(kappa);
  control.setBackward(jumpReluBackward(mode, 0.1));
  const forward = plainForward(model, control);
  const vjp = plainCandidateVjp(model, control);
  if (!forward || !vjp) throw new Error('vjp parity: the test network has no plain forward/backward');
  const [gradientError, logitsError] = tf.tidy(() => {
    const n = 3;
    const k = 5;
    // Integer inputs: flat regions, so pooling windows hold tied maxima.
    const x = tf.round(tf.randomUniform([n, 9, 9, 2], -2, 2, 'float32', 7)) as tf.Tensor4D;
    const weights = tf.randomNormal([n * k, 4], 0, 1, 'float32', 9) as tf.Tensor2D;
    const ours = vjp(x, weights, k);
    const tiled = repeatRows(x, k);
    const ref = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(forward(t), weights)))(tiled);
    const scale = Math.max(1, tf.max(tf.abs(ref)).dataSync()[0]);
    return [
      tf.max(tf.abs(tf.sub(ours.gradients, ref))).dataSync()[0] / scale,
      tf.max(tf.abs(tf.sub(ours.logits, forward(x)))).dataSync()[0],
    ];
  });
  model.dispose();
  return { gradientError, logitsError, leaked: tf.memory().numTensors - before };
}
