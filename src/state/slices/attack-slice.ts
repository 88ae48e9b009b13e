import { jumpReluBackward } from '../../core/op/gradient-mode';
import { attackParamsFor, checkAttackParams } from '../attack-params';
import { currentSetting, modelReady } from '../selectors';
import type { AttackSlice, SliceCreator } from '../app-state';
import { defaultUrlState } from '../url-schema';

export const createAttackSlice: SliceCreator<AttackSlice> = (set, get) => ({
  attacks: [],
  selectedImage: null,
  attackId: defaultUrlState().attack,
  attackParams: {},
  threat: defaultUrlState().threat,
  gradientMode: defaultUrlState().gradientMode,
  smoothingTau: defaultUrlState().smoothingTau,
  selectImage: (index) => {
    get().cancelJob('attack');
    get().resetJob('attack');
    set({ selectedImage: index, attackOwn: false });
    if (index !== null) void get().refreshHistogram();
  },
  setAttackId: (id) => set({ attackId: id }),
  setAttackParam: (key, value) => {
    const s = get();
    const { values, notices } = checkAttackParams(s.attacks, s.attackId, { [key]: value });
    // A box refuses what the rule would change: the typed value stays visible with the reason, unstored.
    if (notices.length || !Object.hasOwn(values, key)) return notices[0] ?? `unknown parameter "${key}"`;
    set({ attackParams: { ...s.attackParams, [s.attackId]: { ...s.attackParams[s.attackId], [key]: value } } });
    return null;
  },
  applyLinkParams: () => {
    const s = get();
    const { values, notices } = checkAttackParams(s.attacks, s.attackId, s.attackParams[s.attackId] ?? {});
    set({ attackParams: Object.keys(values).length ? { [s.attackId]: values } : {} });
    for (const n of notices) s.addNotice(`Link: ${n}`, 'warn');
  },
  resetAttackParams: () => set((s) => ({ attackParams: { ...s.attackParams, [s.attackId]: {} } })),
  setThreat: (t) => set({ threat: t }),
  setGradientMode: (mode) => set({ gradientMode: mode }),
  setSmoothingTau: (tau) => {
    try {
      jumpReluBackward('smoothed', tau);
    } catch (e) {
      return (e as Error).message;
    }
    set({ smoothingTau: tau });
    return null;
  },
  startAttack: () => {
    const s = get();
    const own = s.attackOwn ? s.ownImage : null;
    if (s.selectedImage === null && !own) return;
    s.resetJob('attack');
    if (!modelReady(s) || !s.modelId) {
      void s.runLocal('attack', () => Promise.reject(new Error('Load a model and pick an image first.')));
      return;
    }
    void s.runJob('attack', {
      ...currentSetting(s), modelId: s.modelId, imageIndex: own ? -1 : s.selectedImage!, attackId: s.attackId,
      params: attackParamsFor(s, s.attackId), threat: s.threat, target: s.target, ...(own ? { ownPixels: own } : {}),
      gradientMode: s.gradientMode, smoothingTau: s.smoothingTau,
    });
  },
  cancelAttack: () => get().cancelJob('attack'),
});
