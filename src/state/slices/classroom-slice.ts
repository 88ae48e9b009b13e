/**
 * The student's own image (drawn, uploaded or restored from a link), its live predictions, the attack
 * target, and the "inside the network" histograms. Each κ change refreshes what is on screen here
 * (`refreshClassroom`, called by the κ actions), as it refreshes the accuracy.
 */
import { currentSetting, modelReady } from '../selectors';
import type { ClassroomSlice, SliceCreator } from '../app-state';

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
    if (s.ownImage && s.dataset && s.ownImage.length !== h * w * c) s.clearOwn();
    else if (s.ownImage) void s.predictOwn({ pixels: s.ownImage }, s.ownSource ?? 'link');
    void s.refreshHistogram();
  },
});
