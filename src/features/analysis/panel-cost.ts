/**
 * Analysis panels' cost hints, from measured time per image rather than a fixed sentence (a CIFAR-10 ResNet
 * takes ~8× an MNIST LeNet's time), per architecture.
 *
 * The adaptive panel: seconds per evaluation image for the whole job at the panel's default
 * budgets (both κ, minimum-norm suite and fixed-ε ensemble), per architecture, the adversarially trained
 * network's time (the slower of base and robust: more images survive, so the ensemble runs longer). Measured
 * 2026-12-06 on a quiet 2-core machine, Node wasm one thread, 10 images at the card κ:
 * `npm run reproduce -- --adaptive-only --update <copy> --adaptive-n 10 --apgd-steps 10 --apgd-targets 3
 * --ensemble-queries 100` (MLP 3.0 s, LeNetLike 8.8 / 11.8 s, AlexLike 26 / 36 s, ResNet-20 53 / 84 s, MobileNetV2
 * 75 / 114 s for base / robust, about 2 s of it start-up; the MobileNetV2s 2026-12-07). The browser's wasm runs at
 * about the same speed (README, "Speed").
 */
import type { ModelCard } from '../../core/models/card';

export const ADAPTIVE_SECONDS_PER_IMAGE: Record<Exclude<ModelCard['architecture'], 'user'>, number> = {
  MLP: 0.1,
  LeNetLike: 1.0,
  AlexLike: 3.4,
  PreActResNet: 8.2,
  MobileNetV2: 11.2,
};

/**
 * The robustness table (IFGSM and DeepFool L∞/L2, white- and gray-box, at κ = 0 and κ; Trust Region off, the
 * panel's default): seconds per evaluation image, the slower of base and robust. Measured 2026-12-07 in Chromium
 * wasm (one thread), quiet 2-core machine, 100 images at the card κ, from Run to the job's done (so about 1 s of
 * start-up is spread over the images): MLP 2.2 s, LeNetLike 5.6 / 5.0 s, AlexLike 6.9 / 6.7 s, ResNet-20 16.3 /
 * 15.9 s, MobileNetV2 29.1 / 29.2 s (base / robust).
 */
export const TABLE_SECONDS_PER_IMAGE: Record<Exclude<ModelCard['architecture'], 'user'>, number> = {
  MLP: 0.022,
  LeNetLike: 0.056,
  AlexLike: 0.069,
  PreActResNet: 0.163,
  MobileNetV2: 0.292,
};

/** "about 50 s", "about 7 min": rounded up, never "0". */
export function roughDuration(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(5, Math.ceil(seconds / 5) * 5)} s`;
  return `about ${Math.ceil(seconds / 60)} min`;
}

type Architecture = ModelCard['architecture'] | undefined;

/**
 * The part both hints share: ", on N images" (nothing while the field holds no valid number) and the rounded
 * time on this architecture from its measured seconds per image — per image when `images` is null — or no time
 * for an architecture not measured (your own model).
 */
function estimate(perImageOf: Record<Exclude<ModelCard['architecture'], 'user'>, number>, architecture: Architecture, images: number | null): { on: string; time?: string } {
  const perImage = architecture && architecture !== 'user' ? perImageOf[architecture] : undefined;
  const on = images === null ? '' : `, on ${images} images`;
  if (perImage === undefined) return { on };
  return { on, time: images === null ? `${roughDuration(perImage)} per image` : roughDuration(perImage * images) };
}

/**
 * What a run costs on this model with `images` evaluation images at the default budgets, or why it is not known.
 * `images` null (the field holds no valid number yet): the cost per image.
 */
export function adaptiveCostHint(architecture: Architecture, images: number | null): string {
  const work = 'eight attacks plus a 5× longer DeepFool, then APGD-CE (and once more from another random start on what it left), APGD-T and Square at 4 ε × 2 gradient modes, at κ = 0 and κ';
  const { on, time } = estimate(ADAPTIVE_SECONDS_PER_IMAGE, architecture, images);
  if (time === undefined) return `${work}${on}: not measured for your own model (a shipped CIFAR-10 ResNet-20 takes about 8 s per image on wasm); the progress bar shows how far it is`;
  return `${work}${on}: ${time} on wasm for this network at the default budgets (more APGD steps, targets or queries: longer)`;
}

/** The robustness table's hint: its attacks, and what they cost on this model with `images` images (null: per image). */
export function tableCostHint(architecture: Architecture, images: number | null, trSteps: number): string {
  const work = 'IFGSM and DeepFool L∞/L2, white- and gray-box, at κ = 0 and the current κ';
  const { on, time } = estimate(TABLE_SECONDS_PER_IMAGE, architecture, images);
  const tr = trSteps > 0 ? ` — plus Trust Region (${trSteps} steps), not in this estimate and often far longer` : '';
  if (time === undefined) return `${work}${on}: not measured for your own model (a shipped CIFAR-10 ResNet-20 takes about 16 s per 100 images on wasm)${tr}`;
  return `${work}${on}: ${time} on wasm for this network${tr}`;
}
