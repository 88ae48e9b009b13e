/**
 * Keeps the address bar in step with the store through the URL schema. Continuous changes (κ) replace the
 * current history entry after a short pause; discrete ones (model, image, attack) push a new entry, so Back
 * walks through what the user did rather than through every slider pixel. Back/Forward re-apply the link.
 */
import { attackParamsFor } from './attack-params';
import type { AppState } from './slices/types';
import type { AppStore } from './store';
import { ANALYSIS_DEFAULTS, type AnalysisParams } from './panels';
import { decode, encode, type UrlState } from './url-schema';

function analysisParamsOf(u: UrlState): AnalysisParams {
  const out = { ...ANALYSIS_DEFAULTS } as Record<keyof AnalysisParams, AnalysisParams[keyof AnalysisParams]>;
  for (const k of Object.keys(ANALYSIS_DEFAULTS) as (keyof AnalysisParams)[]) out[k] = u[k];
  return out as AnalysisParams;
}

export function urlStateFromStore(s: AppState): UrlState {
  const attack = s.attacks.find((a) => a.id === s.attackId);
  const params: UrlState['params'] = {};
  if (attack) {
    const all = attackParamsFor(s, s.attackId);
    const defaults = attackParamsFor({ ...s, attackParams: {} }, s.attackId);
    for (const [k, v] of Object.entries(all)) if (defaults[k] !== v) params[k] = v;
  } else Object.assign(params, s.attackParams[s.attackId]);
  return {
    model: s.modelId, kappa: s.card ? s.kappa : null, randomized: s.randomized, seed: s.seed, sampleSize: s.sampleSize,
    image: s.selectedImage, attack: s.attackId, threat: s.threat, params, backend: s.requestedBackend,
    panels: s.openPanels, embed: s.embed, ...s.analysisParams,
  };
}

/** Store fields a link sets before anything is loaded (model, κ and backend go to the bridge). */
export function storeFromUrl(u: UrlState): Partial<AppState> {
  return {
    randomized: u.randomized, seed: u.seed, sampleSize: u.sampleSize, selectedImage: u.image,
    attackId: u.attack, threat: u.threat, attackParams: Object.keys(u.params).length ? { [u.attack]: u.params } : {},
    requestedBackend: u.backend, pendingKappa: u.kappa,
    openPanels: u.panels, embed: u.embed, analysisParams: analysisParamsOf(u),
  };
}

export interface UrlTarget {
  location: { search: string; pathname: string; hash: string };
  history: Pick<History, 'replaceState' | 'pushState'>;
  addEventListener(type: 'popstate', fn: () => void): void;
  removeEventListener(type: 'popstate', fn: () => void): void;
}

export function connectUrlSync(store: AppStore, target: UrlTarget, delayMs = 300): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let applying = false;
  let last = target.location.search;
  let pendingPush = false;

  const write = () => {
    timer = null;
    const s = store.getState();
    if (!s.card) return; // nothing meaningful to share before the first model is loaded
    const search = encode(urlStateFromStore(s));
    if (search === last) return;
    const url = `${target.location.pathname}${search}${target.location.hash}`;
    if (pendingPush) target.history.pushState(null, '', url);
    else target.history.replaceState(null, '', url);
    pendingPush = false;
    last = search;
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (applying) return;
    const discrete = s.modelId !== prev.modelId || s.selectedImage !== prev.selectedImage || s.attackId !== prev.attackId
      || s.threat !== prev.threat;
    const any = discrete || s.kappa !== prev.kappa || s.randomized !== prev.randomized || s.seed !== prev.seed
      || s.sampleSize !== prev.sampleSize || s.attackParams !== prev.attackParams || s.card !== prev.card
      || s.requestedBackend !== prev.requestedBackend || s.openPanels !== prev.openPanels || s.analysisParams !== prev.analysisParams;
    if (!any) return;
    if (discrete && prev.card) pendingPush = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(write, discrete ? 0 : delayMs);
  });

  const onPop = () => {
    const { state: u, warnings } = decode(target.location.search, target.location.hash);
    last = target.location.search;
    const s = store.getState();
    applying = true;
    try {
      store.setState(storeFromUrl(u));
      if (s.attacks.length) store.getState().applyLinkParams();
      if (u.model && u.model !== s.modelId) {
        store.setState({ pendingKappa: u.kappa });
        s.selectModel(u.model);
        // selectModel clears the image (another test set); the entry we are going back to names its own.
        store.setState({ selectedImage: u.image });
      } else if (u.kappa !== null) s.setKappa(u.kappa);
      else void s.evaluate(); // randomized, seed or sample size may have changed
    } finally {
      applying = false;
    }
    for (const w of warnings) s.addNotice(w, 'warn');
  };
  target.addEventListener('popstate', onPop);

  return () => {
    if (timer) clearTimeout(timer);
    unsubscribe();
    target.removeEventListener('popstate', onPop);
  };
}
