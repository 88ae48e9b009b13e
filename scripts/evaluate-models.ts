/**
 * Completes each exported model's card: TF.js (wasm, Node) accuracy on the shipped test shard, per κ of
 * the retrofitted model, and the checksums of the files the app loads. Writes public/models/index.json.
 *
 *   npm run evaluate-models                                  # every model with a card.draft.json or card.json
 *   npm run evaluate-models -- cifar10-resnet20-base         # only these ids (the others' cards are kept as
 *                                                            # they are; index.json still lists every model)
 *
 * κ grid: the trainer's (torchAccuracyByKappa; the recipe's kappa_grid for a card exported from an unfinished
 * checkpoint, which has no PyTorch numbers) plus the card's paper κ. Prints the seconds each step took.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NORMALIZATION } from '../src/core/data/normalization';
import { loadShardNode } from '../src/core/data/shard-node';
import type { Shard } from '../src/core/data/shard';
import type { ModelCard, ModelIndex } from '../src/core/models/card';
import { MODELS_DIR } from '../src/core/models/load-node';
import { accuracyOver, shardSource } from '../src/core/metrics/accuracy';
import { layersClassifier } from '../src/core/models/classifier';
import { registerKernels } from '../src/core/op/register';
import { retrofit } from '../src/core/retrofit/retrofit';

const FILES = ['model.json', 'weights.bin'];
const ORDER = ['mnist-lenetlike-base', 'mnist-lenetlike-robust', 'mnist-mlp-base', 'cifar10-alexlike-base', 'cifar10-alexlike-robust',
  'cifar10-resnet20-base', 'cifar10-resnet20-robust', 'cifar10-mobilenetv2-base', 'cifar10-mobilenetv2-robust'];
/** Index order: ORDER first (its first entry is the app's default model), then any other id by name. */
const rank = (id: string) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);

/** The κ values a card's accuracy table covers (ascending, no duplicates). */
function evaluationGrid(card: ModelCard): number[] {
  const torch = Object.keys(card.training.torchAccuracyByKappa).map(Number);
  const recipe = (card.training.recipe.kappa_grid as number[] | undefined) ?? [];
  return [...new Set([...(torch.length ? torch : recipe), 0, card.kappa.paper])].sort((a, b) => a - b);
}

const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/**
 * The whole official test set from the training cache (`npm run data`), when present: the shipped CIFAR-10
 * shard is a 2,000-image subset, and the full set is what the paper reports.
 */
async function fullTestSet(dataset: ModelCard['dataset'], shard: Shard): Promise<Shard | null> {
  const dir = join('.cache', 'data');
  if (!existsSync(join(dir, `${dataset}-test-x.u8`))) return null;
  const images = new Uint8Array(readFileSync(join(dir, `${dataset}-test-x.u8`)));
  const labels = new Uint8Array(readFileSync(join(dir, `${dataset}-test-y.u8`)));
  return { manifest: { ...shard.manifest, count: labels.length, indices: null }, images, labels };
}

async function main(): Promise<void> {
  registerKernels();
  await tf.setBackend('wasm');
  const ids = readdirSync(MODELS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
    .filter((id) => existsSync(join(MODELS_DIR, id, 'card.draft.json')) || existsSync(join(MODELS_DIR, id, 'card.json')))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const only = process.argv.slice(2);
  for (const id of only) if (!ids.includes(id)) throw new Error(`no exported model "${id}" in ${MODELS_DIR} (have: ${ids.join(', ')})`);
  const index: ModelIndex = { version: 1, models: [] };
  for (const id of ids) {
    const dir = join(MODELS_DIR, id);
    const draftPath = existsSync(join(dir, 'card.draft.json')) ? join(dir, 'card.draft.json') : join(dir, 'card.json');
    const card = JSON.parse(readFileSync(draftPath, 'utf8')) as ModelCard;
    if (only.length && !only.includes(id)) {
      if (!card.evaluation) throw new Error(`${id}: ${draftPath} has not been evaluated yet; include it in the ids`);
      index.models.push({ id, dataset: card.dataset, architecture: card.architecture, variant: card.variant, name: card.name });
      continue;
    }
    const started = performance.now();
    card.files = Object.fromEntries(FILES.map((f) => {
      const bytes = readFileSync(join(dir, f));
      return [f, { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length }];
    }));
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    const w = readFileSync(join(dir, 'weights.bin'));
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights, weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.length) as ArrayBuffer }));
    const shard = await loadShardNode(card.dataset);
    const norm = NORMALIZATION[card.dataset];
    const r = await retrofit(model, 0);
    const grid = evaluationGrid(card);
    const accuracyByKappa: { kappa: number; accuracy: number }[] = [];
    let t0 = performance.now();
    for (const kappa of grid) {
      r.control.setKappa(kappa);
      accuracyByKappa.push({ kappa, accuracy: (await accuracyOver(layersClassifier(r.model, norm), shardSource(shard, norm))).accuracy });
    }
    console.log(`${id}: ${grid.length} κ on the ${shard.manifest.count} shard images: ${seconds(t0)}`);
    t0 = performance.now();
    const base = (await accuracyOver(layersClassifier(model, norm), shardSource(shard, norm))).accuracy;
    console.log(`${id}: original model on the shard: ${seconds(t0)}`);
    const full = await fullTestSet(card.dataset, shard);
    t0 = performance.now();
    const fullTest = full ? { count: full.manifest.count, accuracy: (await accuracyOver(layersClassifier(model, norm), shardSource(full, norm))).accuracy } : card.evaluation?.fullTest;
    if (full) console.log(`${id}: original model on the full test set (${full.manifest.count}): ${seconds(t0)}`);
    card.evaluation = { shard: `data/${shard.manifest.file}`, count: shard.manifest.count, backend: 'wasm (TF.js 4.22, Node)',
      testAccuracy: base, accuracyByKappa, ...(fullTest ? { fullTest } : {}) };
    writeFileSync(join(dir, 'card.json'), JSON.stringify(card, null, 1) + '\n');
    if (draftPath.endsWith('card.draft.json')) rmSync(draftPath);
    index.models.push({ id, dataset: card.dataset, architecture: card.architecture, variant: card.variant, name: card.name });
    console.log(`${id} (${seconds(started)}): TF.js accuracy ${(100 * base).toFixed(2)}% on ${shard.manifest.count}`
      + `${fullTest ? ` (${(100 * fullTest.accuracy).toFixed(2)}% on the full test set of ${fullTest.count})` : ''}; by κ ${accuracyByKappa.map((a) => `${a.kappa}: ${(100 * a.accuracy).toFixed(2)}%`).join(', ')}`);
    model.dispose();
    r.model.dispose();
  }
  writeFileSync(join(MODELS_DIR, 'index.json'), JSON.stringify(index, null, 2) + '\n');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
