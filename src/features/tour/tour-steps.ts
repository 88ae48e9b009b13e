/**
 * The guided tour, written for a student who has never heard of adversarial examples. Each step says what
 * to look at and, when it is entered, drives the real app (sets κ, picks and attacks an image, opens the
 * histograms), so Next always shows the thing the text talks about — also when a link opens the tour at that
 * step (`?tour=N`): every step establishes what it needs itself.
 */
import type { AppState } from '../../state/store';

/**
 * What the step is shown on: the two sides of a result beside each other or stacked, and whether the images are
 * digits one can draw (MNIST) or photos one can only upload (CIFAR-10).
 */
export interface TourLayout {
  stacked: boolean;
  digits: boolean;
}

type Words = string | ((layout: TourLayout) => string);

export interface TourStep {
  title: Words;
  text: Words;
  /**
   * What the step talks about: CSS selectors, the first one present wins (a result once it exists, else the
   * section it will appear in). The tour scrolls it into view and highlights it.
   */
  target: readonly string[];
  /** What the app does when the step is entered (also when the tour is resumed from a link). */
  enter?: (s: AppState) => void;
}

const RESULT_SIDES = '[data-testid=attack-result] .sides';
const ATTACK = 'section[data-reveal=attack]';

/** The image a step attacks: the one picked (or the user's own), else the first test image. */
function ensureImage(s: AppState): void {
  if (s.selectedImage === null && !(s.attackOwn && s.ownImage)) s.selectImage(s.gallery[0]?.index ?? 0);
}

export const TOUR_STEPS: readonly TourStep[] = [
  {
    title: ({ digits }) => (digits ? 'A network that reads digits' : 'A network that recognises photos'),
    text: 'These are test images the network never saw while it learned. Under each one: what the network says, and how sure it is. It is right almost every time.',
    target: ['section[aria-labelledby=gallery-h]'],
    enter: (s) => s.setKappa(0),
  },
  {
    title: 'Fooling it with a tiny change',
    text: ({ digits }) => `An adversarial example is an image changed so slightly that you still see the same ${digits ? 'digit' : 'picture'} — yet the network now says something else. Let us try it on the first test image with DeepFool, which looks for the smallest change that works.`,
    target: ['[data-testid=attack-result]', ATTACK],
    enter: (s) => {
      s.selectImage(s.gallery[0]?.index ?? 0);
      s.setAttackId('deepfool-l2');
      s.setGradientMode('exact');
      s.setTarget(null);
      s.startAttack();
    },
  },
  {
    title: 'The defence: a jump',
    text: 'Inside the network every neuron passes its value on only if it is above 0 (ReLU). JumpReLU raises that bar to κ: small values are cut to zero. No retraining — just a threshold. We set κ to the value from the paper; the clean accuracy under the slider barely moves.',
    target: ['section[aria-labelledby=kappa-h]'],
    enter: (s) => s.setKappa(s.card?.kappa.paper ?? 1),
  },
  {
    title: 'Compare the two networks',
    text: ({ stacked }) => `Now we attack the same image on both: ${stacked
      ? 'first the ordinary network, then, below it, the one with the jump'
      : 'on the left the ordinary network, on the right the one with the jump'}. Look at ρ — how big the change had to be. The retrofitted network needs a larger push before it is fooled.`,
    target: [RESULT_SIDES, ATTACK],
    enter: (s) => {
      ensureImage(s);
      s.setGradientMode('exact');
      s.startAttack();
    },
  },
  {
    title: 'What κ does inside',
    text: 'Each chart is one layer: how many neurons had which value z. Gray ones are silent anyway; the red ones are the ones the jump silences. Move κ and watch the red part grow: a small nudge to the image can no longer tip them over the edge.',
    target: ['section[aria-labelledby=inside-h]'],
    enter: (s) => {
      ensureImage(s);
      s.setInsideOpen(true);
    },
  },
  {
    title: 'Is the defence real?',
    // Stacked (a phone, a narrow window): the card is a quarter of the screen, so the same point in fewer words.
    text: ({ stacked }) => (stacked
      ? "An attacker who knows about the jump adapts. DeepFool follows the network's slope, which says nothing about the jump, so it misjudges the distance. Here we attack again as if the jump were a plain ReLU (\"straight-through\"). Compare \"ρ refined\": the gap between the two networks shrinks a lot. That is gradient masking."
      : "An attacker who knows about the jump can adapt. DeepFool follows the gradient (the network's slope), and the slope says nothing about the jump itself, so DeepFool misjudges how far away the boundary is. Here we attack again with gradients computed as if the jump were a plain ReLU (\"straight-through\"; the network itself still jumps). Compare \"ρ refined\", the smallest change along the found direction that still fools: on most images the gap between the two networks shrinks a lot. A defence that mostly confuses the attacker's gradients is called gradient masking."),
    target: [RESULT_SIDES, ATTACK],
    enter: (s) => {
      ensureImage(s);
      s.setAttackId('deepfool-l2');
      s.setGradientMode('straight-through');
      s.startAttack();
    },
  },
  {
    title: 'Your turn',
    text: ({ digits, stacked }) => `${digits
      ? 'Draw your own digit (or upload a picture), press "Attack this image", and pick a class it should become: can you turn your 3 into an 8?'
      : 'Upload or paste a photo of your own (a plane, a cat, a truck…), press "Attack this image", and pick a class it should become: can you turn your cat into a truck?'} Share what you found with "Copy link".${stacked ? '' : ' The analysis section further down ("Is the defence real?") runs the stronger attacks on many images at once, beside the paper\'s own protocol.'}`,
    target: ['section[aria-labelledby=own-h]'],
  },
];

const say = (words: Words, layout: TourLayout): string => (typeof words === 'function' ? words(layout) : words);
export const stepText = (step: TourStep, layout: TourLayout): string => say(step.text, layout);
export const stepTitle = (step: TourStep, layout: TourLayout): string => say(step.title, layout);
