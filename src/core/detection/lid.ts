/**
 * Local Intrinsic Dimensionality features (Ma et al., "Characterizing adversarial subspaces using local
 * intrinsic dimensionality", ICLR 2018), as the JumpReLU authors extract them for their Table 3
 * (erichson/JumpReLU: lidutils.py `mle_batch` and `get_lids_random_batch`, extract_characteristics.py
 * `get_lid`, models/AlexLike.py `forward` in mode 'out_act'):
 *  - the maximum-likelihood estimate LID(x) = −k / Σ_{i=1..k} log(rᵢ(x) / r_k(x)), rᵢ the Euclidean distance
 *    from x to its i-th nearest neighbour among the reference points; k = 20, references = the clean
 *    activations of the same minibatch of 100 images;
 *  - one LID per "layer": the input, every JumpReLU output (after its max-pooling where one follows, as
 *    AlexLike's forward records it), and the logits; each activation flattened per image.
 * The authors' `mle_batch` sorts the distances and keeps ranks 1..k for every query — also for noisy and
 * adversarial queries, which are not among the references. For a clean query rank 0 is itself (distance
 * 0); for the others it is the nearest clean point (usually the image it was made from). We keep that
 * rule, so our features are theirs; `dropNearest: false` gives the textbook estimator for other uses.
 * Like theirs, k is capped at (references − 1).
 */
import * as tf from '@tensorflow/tfjs';
import type { RetrofittedModel } from '../retrofit/retrofit';

/** k of the authors' extract_characteristics.py (`k_nearest` default 20) and their minibatch size. */
export const LID_K = 20;
export const LID_BATCH = 100;

/** Row-major points [count, dim]. */
export interface Points {
  data: ArrayLike<number>;
  count: number;
}

/**
 * The MLE LID of each query point against the reference points (Float64 distances). A neighbour at
 * distance 0 among ranks 1..k gives 0; all k distances equal and non-zero give Infinity; all zero, NaN
 * (callers that need finite features check: see detector.ts).
 */
export function mleLid(reference: Points, queries: Points, k = LID_K, options: { dropNearest?: boolean } = {}): Float64Array {
  const drop = options.dropNearest ?? true;
  if (!Number.isInteger(k) || k < 1) throw new Error(`LID: k must be an integer ≥ 1, got ${k}`);
  if (reference.count < (drop ? 2 : 1)) throw new Error(`LID: needs at least ${drop ? 2 : 1} reference points, got ${reference.count}`);
  const dim = reference.data.length / reference.count;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`LID: ${reference.data.length} reference values do not split into ${reference.count} points`);
  if (queries.data.length !== queries.count * dim) throw new Error(`LID: queries have ${queries.data.length / Math.max(1, queries.count)} values per point, references ${dim}`);
  const kk = Math.min(k, reference.count - (drop ? 1 : 0));
  const first = drop ? 1 : 0;
  const out = new Float64Array(queries.count);
  const r = reference.data;
  const q = queries.data;
  const dist = new Float64Array(reference.count);
  for (let i = 0; i < queries.count; i++) {
    const qo = i * dim;
    for (let j = 0; j < reference.count; j++) {
      const ro = j * dim;
      let s = 0;
      for (let d = 0; d < dim; d++) {
        const v = q[qo + d] - r[ro + d];
        s += v * v;
      }
      dist[j] = Math.sqrt(s);
    }
    const sorted = Float64Array.from(dist).sort();
    const rk = sorted[first + kk - 1];
    let sum = 0;
    for (let a = first; a < first + kk; a++) sum += Math.log(sorted[a] / rk);
    out[i] = sum === 0 ? (rk > 0 ? Infinity : NaN) : -kk / sum;
  }
  return out;
}

/** The layers whose outputs give the LID features: the input first, then each tap, the logits last. */
export interface LidTaps {
  /** Feature names, one per LID feature: 'input', the tapped layers' names, 'logits'. */
  names: string[];
  /** The tapped layers' output tensors (without the input), in topological order, the logits last. */
  outputs: tf.SymbolicTensor[];
}

const POOLING = new Set(['MaxPooling2D', 'AveragePooling2D']);

/**
 * Each JumpReLU layer's output, or the output of the pooling layer that alone reads it (AlexLike's
 * "max_pool2d(JumpReLU(conv(x)))"), then the logits. Dropout is an identity at inference, so a jump read
 * only by Dropout → pooling is tapped at the pooling too.
 */
export function lidTaps(r: RetrofittedModel): LidTaps {
  if (!r.jumpLayers.length) throw new Error('LID features: the model has no JumpReLU layer');
  const names = ['input'];
  const outputs: tf.SymbolicTensor[] = [];
  for (const jump of r.jumpLayers) {
    let layer = r.model.getLayer(jump);
    for (;;) {
      const readers = layer.outboundNodes.map((n) => n.outboundLayer).filter((l, i, all) => all.indexOf(l) === i);
      if (readers.length !== 1) break;
      const next = readers[0];
      if (POOLING.has(next.getClassName())) layer = next;
      else if (next.getClassName() === 'Dropout' && next.outboundNodes.length === 1 && POOLING.has(next.outboundNodes[0].outboundLayer.getClassName())) layer = next.outboundNodes[0].outboundLayer;
      else break;
    }
    names.push(layer.name);
    outputs.push(layer.output as tf.SymbolicTensor);
  }
  names.push('logits');
  outputs.push(r.model.outputs[0]);
  return { names, outputs };
}

/**
 * A probe reading every tap's activations at a fixed κ, flattened per image (one more model over the same
 * layers and weights, built once; it owns no tensors of its own). Inference only: not differentiable on
 * wasm (the layers' fused ops); the LID-aware attack uses lid-aware.ts's plain-op taps instead.
 */
export function activationProbe(r: RetrofittedModel): { names: string[]; run: (x: tf.Tensor4D, kappa: number) => Promise<Float32Array[]> } {
  const taps = lidTaps(r);
  const probe = tf.model({ inputs: r.model.inputs, outputs: taps.outputs });
  return {
    names: taps.names,
    run: async (x, kappa) => {
      r.control.setKappa(kappa);
      const acts = tf.tidy(() => [x, ...[probe.predict(x) as tf.Tensor | tf.Tensor[]].flat()]);
      try {
        return (await Promise.all(acts.map((a) => a.data()))) as Float32Array[];
      } finally {
        tf.dispose(acts.slice(1));
      }
    },
  };
}

/** One set of images' activations, one array per tap, `count` images each. */
export interface Activations {
  acts: readonly Float32Array[];
  count: number;
}

/**
 * LID features of each query set against the clean activations of one minibatch: per set, one row per
 * image, one LID per tap. The clean set itself is usually among the queries (then rank 0 is the image).
 */
export function lidFeatures(clean: Activations, queries: readonly Activations[], k = LID_K): Float64Array[][] {
  return queries.map((set) => {
    if (set.acts.length !== clean.acts.length) throw new Error(`LID features: ${set.acts.length} taps, clean has ${clean.acts.length}`);
    const layers = set.acts.map((acts, l) => mleLid({ data: clean.acts[l], count: clean.count }, { data: acts, count: set.count }, k));
    return Array.from({ length: set.count }, (_, i) => Float64Array.from(layers, (v) => v[i]));
  });
}
