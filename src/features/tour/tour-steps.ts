/**
 * The guided tour, written for a student who has never heard of adversarial examples. Each step says what
 * to look at and, when it is entered, drives the real app (sets κ, picks and attacks an image, opens the
 * histograms), so Next always shows the thing the text talks about.
 */
import type { AppState } from '../../state/store';

export interface TourStep {
  title: string;
  text: string;
  /** What the app does when the step is entered (also when the tour is resumed from a link). */
  enter?: (s: AppState) => void;
}

export const TOUR_STEPS: readonly TourStep[] = [
  {
    title: 'A network that reads digits',
    text: 'These are test images the network never saw while it learned. Under each one: what the network says, and how sure it is. It is right almost every time.',
    enter: (s) => s.setKappa(0),
  },
  {
    title: 'Fooling it with a tiny change',
    text: 'An adversarial example is an image changed so slightly that you still see the same digit — yet the network now says something else. Let us try it on the first test image with DeepFool, which looks for the smallest change that works.',
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
    text: 'Inside the network every neuron passes its value on only if it is above 0 (ReLU). JumpReLU raises that bar to κ: small values are cut to zero. No retraining — just a threshold. We set κ to the value from the paper; the accuracy at the top barely moves.',
    enter: (s) => s.setKappa(s.card?.kappa.paper ?? 1),
  },
  {
    title: 'Compare the two networks',
    text: 'Now we attack the same image on both: on the left the ordinary network, on the right the one with the jump. Look at ρ — how big the change had to be. The retrofitted network needs a larger push before it is fooled.',
    enter: (s) => {
      s.setGradientMode('exact');
      s.startAttack();
    },
  },
  {
    title: 'What κ does inside',
    text: 'Each chart is one layer: how many neurons had which value z. Gray ones are silent anyway; the red ones are the ones the jump silences. Drag κ and watch the red part grow: a small nudge to the image can no longer tip them over the edge.',
    enter: (s) => s.setInsideOpen(true),
  },
  {
    title: 'Is the defence real?',
    text: "An attacker who knows about the jump can adapt. DeepFool follows the gradient (the network's slope), and the slope says nothing about the jump itself, so DeepFool misjudges how far away the boundary is. Here we attack again with gradients computed as if the jump were a plain ReLU (\"straight-through\"; the network itself still jumps). Compare \"ρ refined\", the smallest change along the found direction that still fools: on most images the gap between the two networks shrinks a lot. A defence that mostly confuses the attacker's gradients is called gradient masking.",
    enter: (s) => {
      s.setAttackId('deepfool-l2');
      s.setGradientMode('straight-through');
      s.startAttack();
    },
  },
  {
    title: 'Your turn',
    text: 'Draw your own digit (or upload a picture), press "Attack this image", and pick a class it should become: can you turn your 3 into an 8? Share what you found with "Copy link". The analysis section below ("Is the defence real?") runs the stronger attacks on many images at once, beside the paper\'s own protocol.',
  },
];
