/**
 * "Your own model": the files the user gave (kept on this page only, to re-measure at another input
 * scaling and, if asked, to keep in IndexedDB), where loading stands, and a permalink's checksum to
 * compare against. Loading is the `loadOwn` job: the worker checks the files before running anything,
 * and a refusal leaves the model already loaded in place.
 */
import { fetchUserModelFiles } from '../../core/models/user-model-source';
import { INPUT_SCALING_LABELS, USER_MODEL_MAX_BYTES, type InputScaling, type UserModelFile } from '../../core/models/user-model-input';
import { pageConnectPolicy } from '../../lib/connect-policy';
import { forgetModel, keepModel, keptModel } from '../../lib/kept-model';
import { applyLoaded } from './model-slice';
import type { OwnModelSlice, OwnModelState, SliceCreator } from '../app-state';

export { INPUT_SCALING_LABELS, USER_MODEL_MAX_BYTES };
export type { InputScaling, UserModelFile };

export const OWN_MODEL_INITIAL: OwnModelState = {
  status: 'idle', name: null, files: null, scaling: null, error: null, kept: false, keptEarlier: null, linked: null,
};

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const createOwnModelSlice: SliceCreator<OwnModelSlice> = (set, get) => {
  const patch = (p: Partial<OwnModelState>) => set((s) => ({ own: { ...s.own, ...p } }));

  /** Runs the loadOwn job on the files held, then makes the model the page's. */
  const load = async (): Promise<void> => {
    const { files, name, scaling, linked } = get().own;
    if (!files || !name) return;
    patch({ status: 'loading', error: null });
    const info = await get().runJob('loadOwn', { files, name, scaling });
    const job = get().jobs.loadOwn;
    if (!info) {
      // The model shown is still the one loaded before: so is its scaling.
      const scaling = get().card?.user?.scaling ?? null;
      if (job.status === 'error') patch({ status: 'error', error: job.error, scaling });
      else if (get().own.status === 'loading') patch({ status: 'idle', scaling });
      return;
    }
    const user = info.card.user!;
    patch({ status: 'ready', scaling: user.scaling });
    // A link's κ applies once the recipient has loaded the files the link was made with.
    const fromLink = linked && linked.checksum === user.checksum && linked.kappa !== null ? linked.kappa : null;
    set({ modelId: info.card.id, ...(fromLink !== null ? { pendingKappa: fromLink } : {}) });
    get().resetJob('attack');
    applyLoaded(get, set, info);
  };

  return {
    own: OWN_MODEL_INITIAL,
    openOwnFiles: async (files, name) => {
      patch({ files, name, scaling: null, kept: false });
      await load();
    },
    openOwnUrl: async (url) => {
      patch({ status: 'fetching', error: null });
      const policy = pageConnectPolicy();
      try {
        const files = await fetchUserModelFiles(url, fetch, USER_MODEL_MAX_BYTES, policy);
        await get().openOwnFiles(files, url);
      } catch (e) {
        patch({ status: 'error', error: message(e) });
      } finally {
        policy?.close();
      }
    },
    setOwnScaling: async (scaling) => {
      patch({ scaling });
      await load();
    },
    reloadOwnModel: load,
    keepOwnModel: async () => {
      const { files, name, scaling } = get().own;
      const user = get().card?.user;
      if (!files || !name || !user) return;
      try {
        await keepModel({ name, files, checksum: user.checksum, scaling: scaling ?? user.scaling, savedAt: new Date().toISOString() });
        patch({ kept: true, keptEarlier: { name, checksum: user.checksum } });
      } catch (e) {
        get().addNotice(`Could not keep the model in this browser: ${message(e)}`, 'error');
      }
    },
    forgetOwnModel: async () => {
      try {
        await forgetModel();
        patch({ kept: false, keptEarlier: null });
      } catch (e) {
        get().addNotice(`Could not forget the kept model: ${message(e)}`, 'error');
      }
    },
    checkKeptModel: async () => {
      try {
        const kept = await keptModel();
        if (kept) patch({ keptEarlier: { name: kept.name, checksum: kept.checksum } });
      } catch {
        // No IndexedDB (private mode, file://): nothing was kept, nothing to offer.
      }
    },
    openKeptModel: async () => {
      const kept = await keptModel().catch(() => null);
      if (!kept) {
        patch({ keptEarlier: null });
        return;
      }
      patch({ files: kept.files, name: kept.name, scaling: kept.scaling as InputScaling, kept: true });
      await load();
    },
  };
};
