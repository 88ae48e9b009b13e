/**
 * Small TF.js layers models written out as the files a user would drop (model.json + weights.bin), for the
 * user-model tests: Sequential with fused ReLUs, functional with separate ReLU layers, BN and a residual
 * Add. Seeded initialisers, so every run writes the same bytes.
 */
import * as tf from '@tensorflow/tfjs';
import type { UserModelFile } from '../core/models/user-model-input';

/** Seeded initialisers for one model's layers, each call the next seeds. */
function initialisers(first: number) {
  let seed = first;
  return () => ({ kernelInitializer: tf.initializers.glorotNormal({ seed: seed++ }), biasInitializer: tf.initializers.randomNormal({ seed: seed++, stddev: 0.1 }) });
}

export interface ModelFiles {
  json: Record<string, unknown> & { modelTopology: Record<string, unknown>; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  weights: Uint8Array;
}

/** MNIST-shaped Sequential CNN, ReLU fused into Conv2D/Dense; `softmax` puts a softmax on the output. */
export function sequentialMnist(options: { softmax?: boolean; inputShape?: number[]; classes?: number; hidden?: string } = {}): tf.Sequential {
  const init = initialisers(1);
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: options.inputShape ?? [28, 28, 1], filters: 3, kernelSize: 5, strides: 2, activation: (options.hidden ?? 'relu') as 'relu', name: 'conv1', ...init() }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 12, activation: 'relu', name: 'fc1', ...init() }),
      tf.layers.dense({ units: options.classes ?? 10, activation: options.softmax ? 'softmax' : 'linear', name: 'out', ...init() }),
    ],
  });
}

/** CIFAR-shaped functional net: Conv → BN → ReLU layer → (Conv → ReLU layer) + skip → GAP → Dense → Softmax layer. */
export function functionalCifar(): tf.LayersModel {
  const init = initialisers(100);
  const input = tf.input({ shape: [32, 32, 3], name: 'image' });
  const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', name: 'c1', ...init() }).apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: 'bn1', movingMeanInitializer: tf.initializers.randomNormal({ seed: 7, stddev: 0.1 }), movingVarianceInitializer: tf.initializers.constant({ value: 1.5 }) }).apply(c1) as tf.SymbolicTensor;
  const r1 = tf.layers.reLU({ name: 'r1' }).apply(bn) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c2', ...init() }).apply(r1) as tf.SymbolicTensor;
  const r2 = tf.layers.activation({ activation: 'relu', name: 'r2' }).apply(c2) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'skip' }).apply([r1, r2]) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(sum) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 10, name: 'logits', ...init() }).apply(gap) as tf.SymbolicTensor;
  const probs = tf.layers.softmax({ name: 'probs' }).apply(logits) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: probs, name: 'functional_cifar' });
}

/**
 * MobileNet-style CIFAR net: conv → BN → ReLU6-free ReLU → inverted residual (1×1 expand → BN → ReLU →
 * depthwise 3×3 → BN → ReLU → 1×1 project → BN, + skip) → depthwise stride 2 → GAP → Dense.
 */
export function mobileNetCifar(): tf.LayersModel {
  const init = initialisers(200);
  const bnInit = (seed: number) => ({ movingMeanInitializer: tf.initializers.randomNormal({ seed, stddev: 0.1 }), movingVarianceInitializer: tf.initializers.constant({ value: 1.3 }) });
  const apply = (x: tf.SymbolicTensor, ...layers: tf.layers.Layer[]) => layers.reduce((h, l) => l.apply(h) as tf.SymbolicTensor, x);
  const input = tf.input({ shape: [32, 32, 3], name: 'image' });
  const stem = apply(input, tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'stem', ...init() }),
    tf.layers.batchNormalization({ name: 'stem_bn', ...bnInit(1) }), tf.layers.reLU({ name: 'stem_relu' }));
  const block = apply(stem, tf.layers.conv2d({ filters: 12, kernelSize: 1, useBias: false, name: 'expand', ...init() }),
    tf.layers.batchNormalization({ name: 'expand_bn', ...bnInit(2) }), tf.layers.reLU({ name: 'expand_relu' }),
    tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, name: 'dw', depthwiseInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
    tf.layers.batchNormalization({ name: 'dw_bn', ...bnInit(4) }), tf.layers.activation({ activation: 'relu', name: 'dw_relu' }),
    tf.layers.conv2d({ filters: 4, kernelSize: 1, useBias: false, name: 'project', ...init() }), tf.layers.batchNormalization({ name: 'project_bn', ...bnInit(5) }));
  const sum = tf.layers.add({ name: 'skip' }).apply([stem, block]) as tf.SymbolicTensor;
  const down = apply(sum, tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, name: 'dw2', depthwiseInitializer: tf.initializers.glorotNormal({ seed: 6 }) }),
    tf.layers.activation({ activation: 'relu', name: 'dw2_relu' }), tf.layers.globalAveragePooling2d({ name: 'gap' }), tf.layers.dense({ units: 10, name: 'logits', ...init() }));
  return tf.model({ inputs: input, outputs: down, name: 'mobilenet_cifar' });
}

/** The model as model.json (TF.js's own layout) and one weights.bin shard. */
export async function modelFiles(model: tf.LayersModel): Promise<ModelFiles> {
  let art: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    art = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const data = art!.weightData as ArrayBuffer;
  return {
    json: {
      format: 'layers-model', generatedBy: 'user-model-files.ts', convertedBy: null,
      modelTopology: art!.modelTopology as Record<string, unknown>,
      weightsManifest: [{ paths: ['weights.bin'], weights: art!.weightSpecs! }],
    },
    weights: new Uint8Array(data),
  };
}

export function asFiles(files: ModelFiles, weightsName = 'weights.bin'): UserModelFile[] {
  return [
    { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(files.json)) },
    { name: weightsName, bytes: files.weights },
  ];
}

/** The bytes of tensor memory `f` allocated at its peak, above what was held when it started. */
export async function peakBytesDuring<T>(f: () => Promise<T>): Promise<{ result: T; peak: number }> {
  const engine = tf.engine() as unknown as { state: { numBytes: number }; trackTensor: (...a: unknown[]) => void };
  const start = engine.state.numBytes;
  let peak = start;
  const track = engine.trackTensor.bind(engine);
  engine.trackTensor = (...a: unknown[]) => { track(...a); peak = Math.max(peak, engine.state.numBytes); };
  try {
    return { result: await f(), peak: peak - start };
  } finally {
    delete (engine as Partial<typeof engine>).trackTensor;
  }
}
