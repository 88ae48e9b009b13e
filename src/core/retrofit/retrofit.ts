/**
 * Retrofit (paper §3): swap every ReLU of a trained LayersModel for JumpReLU, keeping the weights.
 * Works on the serialised topology, so Sequential and functional models are handled alike:
 *  - `Activation('relu')` and `ReLU()` layers become JumpReLU layers of the same name;
 *  - a layer with `activation: 'relu'` (Conv2D, Dense, …) gets `activation: 'linear'` and a JumpReLU layer
 *    `<name>_jump` right after it, and every consumer of the layer is rewired to that new layer.
 * Linear and softmax outputs are left as they are. Any other activation is refused by name.
 */
import * as tf from '@tensorflow/tfjs';
import { JumpReLU } from './jump-relu-layer';
import { KappaControl } from './kappa-control';
import { plainForward } from './plain-forward';

export interface RetrofittedModel {
  model: tf.LayersModel;
  /**
   * Logits of normalised inputs with plain ops (see plain-forward.ts): use this for attacks and metrics —
   * its gradient w.r.t. x skips the weight gradients. Falls back to `model.apply` for unsupported layers.
   */
  forward: (x: tf.Tensor) => tf.Tensor;
  /** Shared by every JumpReLU layer: `control.setKappa(k)` changes the whole network in place. */
  control: KappaControl;
  /** Names of the JumpReLU layers, in topological order. */
  jumpLayers: string[];
}

type LayerJson = { class_name: string; config: Record<string, unknown>; name?: string; inbound_nodes?: unknown[] };
type TopologyJson = { class_name: string; config: { layers: LayerJson[]; output_layers?: unknown[] } & Record<string, unknown> };

const PASSIVE = new Set(['linear', undefined, null]);

export class UnsupportedActivationError extends Error {}

/** Throws if the model holds an activation that is neither ReLU nor a linear/softmax output. */
export function checkRetrofittable(topology: TopologyJson): void {
  const layers = topology.config.layers;
  const outputNames = new Set(outputLayerNames(topology));
  layers.forEach((layer, i) => {
    const name = String(layer.config.name);
    const isOutput = outputNames.size ? outputNames.has(name) : i === layers.length - 1;
    const act = layer.config.activation as string | undefined;
    if (layer.class_name === 'ReLU') {
      const { max_value: maxValue, threshold, negative_slope: slope } = layer.config;
      if ((maxValue != null) || (threshold != null && threshold !== 0) || (slope != null && slope !== 0)) {
        throw new UnsupportedActivationError(`layer "${name}": ReLU with max_value/threshold/negative_slope is not a plain ReLU; cannot retrofit`);
      }
      return;
    }
    if (['LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax'].includes(layer.class_name) && !(isOutput && layer.class_name === 'Softmax')) {
      throw new UnsupportedActivationError(`layer "${name}": activation layer ${layer.class_name} is not ReLU; JumpReLU can only retrofit ReLU networks`);
    }
    if (act === 'relu' || PASSIVE.has(act) || (act === 'softmax' && isOutput)) return;
    throw new UnsupportedActivationError(`layer "${name}" (${layer.class_name}): activation "${act}" is not ReLU; JumpReLU can only retrofit ReLU networks`);
  });
}

function outputLayerNames(topology: TopologyJson): string[] {
  const out = topology.config.output_layers as [string, number, number][] | undefined;
  return out ? out.map((o) => o[0]) : [];
}

function jumpLayerJson(name: string, kappa: number, inbound?: unknown[]): LayerJson {
  const json: LayerJson = { class_name: JumpReLU.className, config: { name, trainable: false, dtype: 'float32', kappa } };
  if (inbound) {
    json.name = name;
    json.inbound_nodes = inbound;
  }
  return json;
}

/** Renames references to `from` in functional-model inbound nodes / output lists. */
function rewire(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) {
    if (value.length >= 3 && value[0] === from && typeof value[1] === 'number') return [to, ...value.slice(1)];
    return value.map((v) => rewire(v, from, to));
  }
  return value;
}

export function retrofitTopology(topology: TopologyJson, kappa = 0): TopologyJson {
  checkRetrofittable(topology);
  const functional = topology.class_name !== 'Sequential';
  let layers: LayerJson[] = [];
  let outputs = topology.config.output_layers;
  const rewires: [string, string][] = [];
  for (const layer of topology.config.layers) {
    const name = String(layer.config.name);
    if (layer.class_name === 'ReLU' || (layer.class_name === 'Activation' && layer.config.activation === 'relu')) {
      const replaced = jumpLayerJson(name, kappa, functional ? layer.inbound_nodes : undefined);
      if (layer.config.batch_input_shape) replaced.config.batch_input_shape = layer.config.batch_input_shape;
      layers.push(replaced);
    } else if (layer.config.activation === 'relu') {
      const jumpName = `${name}_jump`;
      layers.push({ ...layer, config: { ...layer.config, activation: 'linear' } });
      layers.push(jumpLayerJson(jumpName, kappa, functional ? [[[name, 0, 0, {}]]] : undefined));
      rewires.push([name, jumpName]);
    } else {
      layers.push(layer);
    }
  }
  if (functional) {
    // Consumers of a layer that had a fused ReLU now read from its JumpReLU layer.
    for (const [from, to] of rewires) {
      layers = layers.map((l) => (l.config.name === to ? l : { ...l, inbound_nodes: rewire(l.inbound_nodes, from, to) as unknown[] }));
      outputs = rewire(outputs, from, to) as unknown[];
    }
  }
  return { ...topology, config: { ...topology.config, layers, ...(outputs ? { output_layers: outputs } : {}) } };
}

/**
 * Returns a new model in which every ReLU is a JumpReLU sharing one κ (initially `kappa`), with the
 * original weights copied unchanged. The original model is not modified and still owns its weights.
 */
export async function retrofit(model: tf.LayersModel, kappa = 0): Promise<RetrofittedModel> {
  const topology = model.toJSON(undefined, false) as unknown as TopologyJson;
  const rewritten = retrofitTopology(topology, kappa);
  const clone = await tf.models.modelFromJSON({ modelTopology: rewritten as unknown as tf.io.ModelJSON['modelTopology'] });
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length) clone.getLayer(layer.name).setWeights(weights);
  }
  return shareKappa(clone, kappa);
}

/** Makes every JumpReLU layer of `model` use one KappaControl (also for a model loaded from disk). */
export function shareKappa(model: tf.LayersModel, kappa?: number): RetrofittedModel {
  const jumps = model.layers.filter((l): l is JumpReLU => l instanceof JumpReLU);
  const control = new KappaControl(kappa ?? jumps[0]?.control.kappa ?? 0);
  for (const j of jumps) j.control = control;
  const plain = plainForward(model, control);
  const forward = plain ?? ((x: tf.Tensor) => model.apply(x, { training: false }) as tf.Tensor);
  return { model, control, forward, jumpLayers: jumps.map((j) => j.name) };
}
