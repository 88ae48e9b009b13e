/**
 * "Your own model": the files the user gave (kept on this page only, to re-measure at another input
 * scaling and, if asked, to keep in IndexedDB), where loading stands, and a permalink's checksum to
 * compare against. Loading is the `loadOwn` job: the worker checks the files before running anything,
 * and a refusal leaves the model already loaded in place.
 *
 * Names (a folder, a file, a URL) are cleaned and shortened (`shown`) before the worker or the store sees
 * them, so the card never holds a raw name. The kept model is shared by the origin's tabs: this tab acts on
 * the record only if it is the one it shows, and re-reads it when another tab announces a change
 * (lib/kept-model.ts explains both rules); a record that cannot be read is ignored with a notice and can
 * be cleared.
 */
import { fetchUserModelFiles } from '../../core/models/user-model-source';
import { INPUT_SCALING_LABELS, USER_MODEL_MAX_BYTES, type InputScaling, type UserModelFile } from '../../core/models/user-model-input';
import { pageConnectPolicy } from '../../lib/connect-policy';
import { clearUnreadable, forgetKept, keepModel, readKept, watchKept, type KeptRead } from '../../lib/kept-model';
import { FETCHING_FILES } from '../selectors';
import { shown } from '../shown-text';
import { quote } from '../url-schema';
import { applyLoaded } from './model-slice';
import type { LoadedModelInfo } from '../../worker/jobs';
import type { OwnModelSlice, OwnModelState, SliceCreator } from '../app-state';

export { INPUT_SCALING_LABELS, USER_MODEL_MAX_BYTES, shown };
export type { InputScaling, UserModelFile };

export const OWN_MODEL_INITIAL: OwnModelState = {
  name: null, files: null, scaling: null, kept: false, keptEarlier: null, keptUnreadable: null, linked: null,
};

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const createOwnModelSlice: SliceCreator<OwnModelSlice> = (set, get) => {
  const patch = (p: Partial<OwnModelState>) => set((s) => ({ own: { ...s.own, ...p } }));

  /**
   * Runs the loadOwn job (on the files held, or on those `fetchFiles` brings first, within the same job),
   * then makes the model the page's. Where loading stands is the job's state (selectors.ts `ownModelStatus`).
   */
  const load = async (fetchFiles?: { name: string; files(): Promise<UserModelFile[]> }): Promise<LoadedModelInfo | undefined> => {
    if (!fetchFiles && (!get().own.files || !get().own.name)) return undefined;
    const info = await get().runLocal('loadOwn', async ({ id, worker, onProgress }) => {
      if (fetchFiles) {
        onProgress({ done: 0, total: 1, label: FETCHING_FILES });
        patch({ files: await fetchFiles.files(), name: shown(fetchFiles.name), scaling: null, kept: false });
      }
      if (!worker) throw new Error('The compute worker is not running.');
      const { files, name, scaling } = get().own;
      return worker.run(id, 'loadOwn', { files: files!, name: name!, scaling }, onProgress);
    });
    if (!info) {
      // The model shown is still the one loaded before: so is its scaling.
      patch({ scaling: get().card?.user?.scaling ?? null });
      return undefined;
    }
    const user = info.card.user!;
    patch({ scaling: user.scaling });
    const { linked } = get().own;
    // A link's κ applies once the recipient has loaded the files the link was made with.
    const fromLink = linked && linked.checksum === user.checksum && linked.kappa !== null ? linked.kappa : null;
    set({ modelId: info.card.id, ...(fromLink !== null ? { pendingKappa: fromLink } : {}) });
    get().resetJob('attack');
    applyLoaded(get, set, info);
    return info;
  };

  /** The checksum of the files this tab marked "Kept" (they stay so while the record is theirs). */
  let keptChecksum: string | null = null;
  let watching = false;
  /** Shows what is kept now: the offer, the "Kept" mark, an unreadable record (noticed once). */
  const show = (read: KeptRead) => {
    const before = get().own;
    if (read.state === 'kept') {
      const { name, checksum } = read.model;
      patch({ keptEarlier: { name: shown(name), checksum }, kept: before.kept && keptChecksum === checksum, keptUnreadable: null });
      return;
    }
    patch({ keptEarlier: null, kept: false, keptUnreadable: read.state === 'unreadable' ? read.reason : null });
    if (read.state === 'unreadable' && before.keptUnreadable === null) {
      get().addNotice(`A model kept in this browser could not be read (${read.reason}); it is ignored. `
        + '"Clear the kept model" under "Your own model" in the model picker removes it.', 'warn');
    }
  };
  const refresh = () => readKept().then(show, () => {});
  /** Another tab's keep or forget: read the record again (the message only says that it changed). */
  const watch = () => {
    if (watching) return;
    watching = true;
    watchKept(() => { void refresh(); });
  };
  /** The record is not the one this tab showed: show it, and say so. */
  const changedElsewhere = (read: KeptRead, then: string) => {
    show(read);
    if (read.state === 'kept') get().addNotice(`The kept model changed in another tab: now ${quote(shown(read.model.name))}. ${then}`, 'warn');
    else if (read.state === 'none') get().addNotice('The kept model was forgotten in another tab.', 'info');
  };

  return {
    own: OWN_MODEL_INITIAL,
    openOwnFiles: async (files, name) => {
      patch({ files, name: shown(name), scaling: null, kept: false });
      await load();
    },
    openOwnUrl: async (url) => {
      const policy = pageConnectPolicy();
      try {
        await load({ name: url, files: () => fetchUserModelFiles(url, fetch, USER_MODEL_MAX_BYTES, policy) });
      } finally {
        policy?.close();
      }
    },
    setOwnScaling: async (scaling) => {
      patch({ scaling });
      await load();
    },
    reloadOwnModel: async () => { await load(); },
    keepOwnModel: async () => {
      const { files, name, scaling } = get().own;
      const user = get().card?.user;
      if (!files || !name || !user) return;
      watch();
      try {
        await keepModel({ name, files, checksum: user.checksum, scaling: scaling ?? user.scaling, savedAt: new Date().toISOString() });
        keptChecksum = user.checksum;
        patch({ kept: true, keptEarlier: { name, checksum: user.checksum }, keptUnreadable: null });
      } catch (e) {
        get().addNotice(`Could not keep the model in this browser: ${message(e)}`, 'error');
      }
    },
    forgetOwnModel: async () => {
      watch();
      const { keptEarlier, kept } = get().own;
      const showing = keptEarlier?.checksum ?? (kept ? keptChecksum : null);
      try {
        if (!showing) {
          show(await readKept());
          return;
        }
        const result = await forgetKept(showing);
        if (result.forgotten) {
          keptChecksum = null;
          patch({ kept: false, keptEarlier: null });
        } else changedElsewhere(result.now, 'Nothing was forgotten.');
      } catch (e) {
        get().addNotice(`Could not forget the kept model: ${message(e)}`, 'error');
      }
    },
    checkKeptModel: async () => {
      watch();
      try {
        show(await readKept());
      } catch {
        // No IndexedDB (private mode, file://): nothing was kept, nothing to offer.
      }
    },
    openKeptModel: async () => {
      watch();
      const offered = get().own.keptEarlier;
      let read: KeptRead;
      try {
        read = await readKept();
      } catch (e) {
        get().addNotice(`Could not read the kept model: ${message(e)}`, 'error');
        return;
      }
      if (read.state !== 'kept' || read.model.checksum !== offered?.checksum) {
        changedElsewhere(read, read.state === 'kept' ? 'Press "Load it" to load that one.' : '');
        return;
      }
      const { model } = read;
      patch({ files: model.files, name: shown(model.name), scaling: model.scaling, kept: false });
      const user = (await load())?.card.user;
      if (!user) return;
      if (user.checksum === model.checksum) {
        keptChecksum = model.checksum;
        patch({ kept: true });
      } else {
        get().addNotice(`The kept files no longer match the checksum they were kept with (${model.checksum.slice(0, 12)}…): `
          + 'they were loaded as they are now, and are not marked as kept.', 'warn');
      }
    },
    clearKeptModel: async () => {
      try {
        const now = await clearUnreadable();
        patch({ keptUnreadable: null });
        show(now);
      } catch (e) {
        get().addNotice(`Could not clear the kept model: ${message(e)}`, 'error');
      }
    },
  };
};
