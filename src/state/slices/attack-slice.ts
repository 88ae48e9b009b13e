import { DEFAULT_SMOOTHING_TAU, jumpReluBackward } from '../../core/op/gradient-mode';
import { checkAttackParams } from '../attack-params';
import type { AttackSlice, SliceCreator } from './types';

export const createAttackSlice: SliceCreator<AttackSlice> = (set, get) => ({
  attacks: [],
  selectedImage: null,
  attackId: 'deepfool-l2',
  attackParams: {},
  threat: 'white-box',
  gradientMode: 'exact',
  smoothingTau: DEFAULT_SMOOTHING_TAU,
  attackStatus: 'idle',
  attackRunId: 0,
  attackProgress: null,
  attackResult: null,
  attackError: null,
  selectImage: (index) => {
    if (get().attackStatus === 'running') get().cancelAttack();
    set({ selectedImage: index, attackResult: null, attackError: null, attackProgress: null });
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
    if (get().selectedImage === null) return;
    set((s) => ({ attackStatus: 'running', attackRunId: s.attackRunId + 1, attackProgress: null, attackError: null, attackResult: null }));
  },
  cancelAttack: () => {
    if (get().attackStatus === 'running') set({ attackStatus: 'cancelling' });
  },
});
