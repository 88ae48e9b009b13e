import type { AttackSlice, SliceCreator } from './types';

export const createAttackSlice: SliceCreator<AttackSlice> = (set, get) => ({
  attacks: [],
  selectedImage: null,
  attackId: 'deepfool-l2',
  attackParams: {},
  threat: 'white-box',
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
  setAttackParam: (key, value) => set((s) => ({
    attackParams: { ...s.attackParams, [s.attackId]: { ...s.attackParams[s.attackId], [key]: value } },
  })),
  resetAttackParams: () => set((s) => ({ attackParams: { ...s.attackParams, [s.attackId]: {} } })),
  setThreat: (t) => set({ threat: t }),
  startAttack: () => {
    if (get().selectedImage === null) return;
    set((s) => ({ attackStatus: 'running', attackRunId: s.attackRunId + 1, attackProgress: null, attackError: null, attackResult: null }));
  },
  cancelAttack: () => {
    if (get().attackStatus === 'running') set({ attackStatus: 'cancelling' });
  },
});
