/**
 * The worker's analysis context on the shipped MNIST LeNetLike (retrofitted at κ = 0) and the full MNIST test
 * shard, on wasm: what the analysis bodies' tests run on. Call `load()` in `beforeAll`; `context()` then builds a
 * context with its own signal and progress sink. (Tests importing the worker's analysis.ts also mock
 * '../lib/wasm-assets', as the worker's session module needs a page for its asset URLs.)
 */
import { NORMALIZATION } from '../core/data/normalization';
import type { Shard } from '../core/data/shard';
import { loadShardNode } from '../core/data/shard-node';
import type { ModelCard } from '../core/models/card';
import { loadModelNode } from '../core/models/load-node';
import { retrofit, type RetrofittedModel } from '../core/retrofit/retrofit';
import type { AnalysisContext } from '../worker/analysis';
import type { Progress } from '../worker/jobs';
import { splitFor } from '../worker/splits';
import { useBackend } from './backends';

export const SHIPPED_MNIST = 'mnist-lenetlike-base';

export function shippedMnistContext() {
  let loaded: { net: RetrofittedModel; card: ModelCard; shard: Shard } | null = null;
  return {
    async load(): Promise<void> {
      await useBackend('wasm');
      const m = await loadModelNode(SHIPPED_MNIST);
      loaded = { net: await retrofit(m.model, 0), card: m.card, shard: await loadShardNode('mnist') };
    },
    context(signal: AbortSignal = new AbortController().signal, onProgress: (p: Progress) => void = () => undefined): AnalysisContext {
      if (!loaded) throw new Error('shippedMnistContext: call load() in beforeAll first');
      const { net, card, shard } = loaded;
      return { net, card, shard, normalization: NORMALIZATION.mnist, split: splitFor('mnist', shard.manifest.count), signal, onProgress, allCards: async () => [] };
    },
  };
}
