/**
 * The retrofitted network's forward pass written with plain TF.js ops, for attacks and metrics.
 *
 * Why not `model.apply`: TF.js layers run Conv2D/Dense through fused ops whose gradient computes the
 * weight gradients eagerly, even when only ∇x is wanted. That wastes most of every attack step, and on
 * the wasm backend (no Conv2DBackpropFilter kernel in tfjs 4.22) it fails outright. Plain tf.conv2d /
 * tf.matMul record lazy per-input gradients, so ∇x costs one backward pass through the inputs only; the
 * convolution's input gradient is itself a forward convolution (conv2d-input-grad.ts), because the wasm
 * backend's Conv2DBackpropInput is a scalar loop.
 *
 * Supports the layer types of Sequential image classifiers (Conv2D, Dense, pooling, Flatten, Dropout,
 * Activation linear/softmax, JumpReLU); anything else returns null and callers use `model.apply`.
 */
import * as tf from '@tensorflow/tfjs';
import { jumpRelu } from '../op/jump-relu';
import { conv2dInputGrad } from './conv2d-input-grad';
import { JumpReLU } from './jump-relu-layer';
import type { KappaControl } from './kappa-control';

type Step = (x: tf.Tensor) => tf.Tensor;
type Cfg = Record<string, unknown>;

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v as number, v as number]);

function activation(name: unknown, layer: string): Step | null {
  if (name === undefined || name === null || name === 'linear') return (x) => x;
  if (name === 'softmax') return (x) => tf.softmax(x);
  if (name === 'relu') return (x) => tf.relu(x); // only in models that were not retrofitted
  void layer;
  return null;
}

function stepFor(layer: tf.layers.Layer, control: KappaControl): Step | null {
  const cfg = layer.getConfig() as Cfg;
  const cls = layer.getClassName();
  if (layer instanceof JumpReLU) return (x) => jumpRelu(x, control.draw());
  if (cls === 'InputLayer' || cls === 'Dropout' || cls === 'SpatialDropout2D' || cls === 'GaussianNoise') return (x) => x;
  if (cls === 'Flatten') return (x) => tf.reshape(x, [x.shape[0], -1]);
  if (cls === 'Activation') return activation(cfg.activation, layer.name);
  if (cfg.dataFormat !== undefined && cfg.dataFormat !== 'channelsLast' && cfg.dataFormat !== 'channels_last') return null;
  if (cls === 'MaxPooling2D' || cls === 'AveragePooling2D') {
    const size = pair(cfg.poolSize);
    const strides = pair(cfg.strides ?? cfg.poolSize);
    const pad = cfg.padding as 'valid' | 'same';
    return cls === 'MaxPooling2D'
      ? (x) => tf.maxPool(x as tf.Tensor4D, size, strides, pad)
      : (x) => tf.avgPool(x as tf.Tensor4D, size, strides, pad);
  }
  const act = activation(cfg.activation, layer.name);
  if (!act) return null;
  const [kernel, bias] = layer.weights;
  if (cls === 'Conv2D') {
    const strides = pair(cfg.strides);
    const dilations = pair(cfg.dilationRate ?? 1);
    const pad = cfg.padding as 'valid' | 'same';
    return (x) => {
      const y = conv2dInputGrad(x as tf.Tensor4D, kernel.read() as tf.Tensor4D, strides, pad, dilations);
      return act(bias ? tf.add(y, bias.read()) : y);
    };
  }
  if (cls === 'Dense') {
    return (x) => {
      const y = tf.matMul(x as tf.Tensor2D, kernel.read() as tf.Tensor2D);
      return act(bias ? tf.add(y, bias.read()) : y);
    };
  }
  return null;
}

/** A plain-op forward pass of a single-chain model, or null if some layer is not supported. */
export function plainForward(model: tf.LayersModel, control: KappaControl): ((x: tf.Tensor) => tf.Tensor) | null {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return null;
  const steps: Step[] = [];
  let prev: string | null = null;
  for (const layer of model.layers) {
    // A single chain: every layer reads the previous one only.
    const inbound = layer.inboundNodes.flatMap((n) => n.inboundLayers.map((l) => l.name));
    if (prev !== null && (inbound.length !== 1 || inbound[0] !== prev)) return null;
    const step = stepFor(layer, control);
    if (!step) return null;
    steps.push(step);
    prev = layer.name;
  }
  return (x) => tf.tidy(() => steps.reduce((h, f) => f(h), x));
}
