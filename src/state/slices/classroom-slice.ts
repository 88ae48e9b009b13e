/**
 * The student's own image (drawn, uploaded or restored from a link), its live predictions, the attack
 * target, and the "inside the network" histograms. Each κ change refreshes what is on screen here
 * (`refreshClassroom`, called by the κ actions), as it refreshes the accuracy.
 */
import { DRAWING_SIDE, encodeDrawing } from '../../core/input/drawing-code';
import { currentSetting, modelReady } from '../selectors';
import { quote, quotePair } from '../url-schema';
import type { ClassroomSlice, SliceCreator } from '../app-state';

const DATASET_NAMES: Record<string, string> = { mnist: 'MNIST', cifar10: 'CIFAR-10' };

export const createClassroomSlice: SliceCreator<ClassroomSlice> = (set, get) => ({
  ownImage: null,
  ownSource: null,
  attackOwn: false,
  target: null,
  insideOpen: false,
  tourStep: null,
  setTourStep: (step) => set({ tourStep: step }),
  predictOwn: async (image, source) => {
    const s = get();
    if (!modelReady(s) || !s.modelId) return;
    const r = await s.runJob('own', { ...currentSetting(s), modelId: s.modelId, image });
    if (!r) return;
    set({ ownImage: r.pixels, ownSource: source });
    if (get().insideOpen && get().attackOwn) void get().refreshHistogram();
  },
  clearOwn: () => {
    get().cancelJob('own');
    get().resetJob('own');
    set((s) => ({ ownImage: null, ownSource: null, attackOwn: false, ...(s.attackOwn ? { target: null } : {}) }));
    get().resetJob('attack');
  },
  attackOwnImage: () => {
    if (!get().ownImage) return;
    get().cancelJob('attack');
    get().resetJob('attack');
    set({ attackOwn: true, selectedImage: null });
    if (get().insideOpen) void get().refreshHistogram();
  },
  setTarget: (target) => set({ target }),
  setInsideOpen: (open) => {
    set({ insideOpen: open });
    if (open) void get().refreshHistogram();
  },
  refreshHistogram: async () => {
    const s = get();
    if (!modelReady(s) || !s.modelId || !s.insideOpen) return;
    const image = s.attackOwn && s.ownImage ? { pixels: s.ownImage } : { index: s.selectedImage ?? 0 };
    await s.runJob('histogram', { modelId: s.modelId, kappa: s.kappa, image });
  },
  refreshClassroom: () => {
    const s = get();
    const [h, w, c] = s.dataset?.shape ?? [0, 0, 0];
    // An own image made for the other data set (the model changed) does not fit this one.
    if (s.ownImage && s.dataset && s.ownImage.length !== h * w * c) {
      // A link's drawing is an MNIST digit: say so rather than drop it unseen (the link named it).
      if (s.ownSource === 'link') {
        const pair = s.ownImage.length === DRAWING_SIDE ** 2 ? quotePair('draw', encodeDrawing(s.ownImage)) : quote('draw=');
        s.addNotice(`Set aside the link's drawing ${pair}: drawings are MNIST digits (28×28), and ${s.card?.id ?? 'this model'} takes `
          + `${DATASET_NAMES[s.dataset.dataset] ?? s.dataset.dataset} images (${h}×${w}${c === 3 ? ' colour' : ''}).`, 'warn');
      }
      s.clearOwn();
    }
    else if (s.ownImage) void s.predictOwn({ pixels: s.ownImage }, s.ownSource ?? 'link');
    void s.refreshHistogram();
  },
});
