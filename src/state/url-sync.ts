/**
 * Keeps the address bar in step with the store through the URL schema. Continuous changes (κ) replace the
 * current history entry after a short pause; discrete ones (model, image, attack) push a new entry, so Back
 * walks through what the user did rather than through every slider pixel. Back/Forward re-apply the link.
 */
import { attackParamsFor } from './attack-params';
import { OWN_MODEL_INITIAL } from './slices/own-model-slice';
import type { AppState, OwnModelState } from './app-state';
import type { AppStore } from './store';
import { ANALYSIS_DEFAULTS, type AnalysisParams } from './panels';
import { decodeDrawing, encodeDrawing } from '../core/input/drawing-code';
import { decode, encode, OWN_MODEL_LINK, type UrlState } from './url-schema';

function analysisParamsOf(u: UrlState): AnalysisParams {
  const out = { ...ANALYSIS_DEFAULTS } as Record<keyof AnalysisParams, AnalysisParams[keyof AnalysisParams]>;
  for (const k of Object.keys(ANALYSIS_DEFAULTS) as (keyof AnalysisParams)[]) out[k] = u[k];
  return out as AnalysisParams;
}

/**
 * `ownLink`: the own-model link the page is waiting on (the shipped model shown meanwhile stands in for
 * it), so the address bar keeps the link's `model=own`, checksum and κ; null once the user picks a model.
 */
export function urlStateFromStore(s: AppState, ownLink: OwnModelState['linked'] = null): UrlState {
  const attack = s.attacks.find((a) => a.id === s.attackId);
  const params: UrlState['params'] = {};
  if (attack) {
    const all = attackParamsFor(s, s.attackId);
    const defaults = attackParamsFor({ ...s, attackParams: {} }, s.attackId);
    for (const [k, v] of Object.entries(all)) if (defaults[k] !== v) params[k] = v;
  } else Object.assign(params, s.attackParams[s.attackId]);
  // A user's own model cannot travel in a link: only that it was one, and its checksum.
  const model = s.card?.user ? { model: OWN_MODEL_LINK, ownChecksum: s.card.user.checksum, kappa: s.kappa }
    : ownLink ? { model: OWN_MODEL_LINK, ownChecksum: ownLink.checksum, kappa: ownLink.kappa }
      : { model: s.modelId, ownChecksum: null, kappa: s.card ? s.kappa : null };
  return {
    ...model, randomized: s.randomized, seed: s.seed, sampleSize: s.sampleSize,
    image: s.selectedImage, attack: s.attackId, target: s.target, tour: s.tourStep,
    // Only an MNIST-sized own image fits in a link (a photo for CIFAR-10 stays on this machine).
    drawing: s.ownImage && s.ownImage.length === 784 && s.dataset?.dataset === 'mnist' ? encodeDrawing(s.ownImage) : null, threat: s.threat, gradientMode: s.gradientMode, smoothingTau: s.smoothingTau, params, backend: s.requestedBackend,
    panels: s.openPanels, embed: s.embed, ...s.analysisParams,
  };
}

/**
 * Store fields a link sets before anything is loaded (model, κ and backend go to the bridge). `own`: the
 * page's own-model state when a link is applied again (Back/Forward), so the files it holds are kept.
 */
export function storeFromUrl(u: UrlState, own: OwnModelState = OWN_MODEL_INITIAL): Partial<AppState> {
  const ownLink = u.model === OWN_MODEL_LINK;
  return {
    randomized: u.randomized, seed: u.seed, sampleSize: u.sampleSize, selectedImage: u.image, target: u.target, tourStep: u.tour,
    ...drawingFromUrl(u),
    attackId: u.attack, threat: u.threat, gradientMode: u.gradientMode, smoothingTau: u.smoothingTau, attackParams: Object.keys(u.params).length ? { [u.attack]: u.params } : {},
    requestedBackend: u.backend, pendingKappa: ownLink ? null : u.kappa,
    openPanels: u.panels, embed: u.embed, analysisParams: analysisParamsOf(u),
    // The sender's own model cannot come with the link: remember what to compare the recipient's files with.
    ...(ownLink ? { own: { ...own, linked: { checksum: u.ownChecksum, kappa: u.kappa } } } : {}),
  };
}

/** The page holds an own-model link and shows no own model: the model shown stands in for the link's. */
function ownLinkWaiting(s: AppState): boolean {
  return s.own.linked !== null && !s.card?.user;
}

function drawingFromUrl(u: UrlState): Partial<AppState> {
  const d = u.drawing === null ? null : decodeDrawing(u.drawing);
  if (!d || !('pixels' in d)) return { ownImage: null, ownSource: null, attackOwn: false };
  return { ownImage: d.pixels, ownSource: 'link', attackOwn: u.image === null };
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
  // A link made with someone's own model names no model this page can open: the model the page shows
  // meanwhile stands in for it, and writing that model's id and κ would turn the link into another one (a
  // reload would lose the checksum and κ). The link holds until the user picks a model (or loads files).
  let waitingOwnLink = ownLinkWaiting(store.getState());

  const write = () => {
    timer = null;
    const s = store.getState();
    if (!s.card) return; // nothing meaningful to share before the first model is loaded
    const search = encode(urlStateFromStore(s, waitingOwnLink ? s.own.linked : null));
    if (search === last) return;
    const url = `${target.location.pathname}${search}${target.location.hash}`;
    if (pendingPush) target.history.pushState(null, '', url);
    else target.history.replaceState(null, '', url);
    pendingPush = false;
    last = search;
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (applying) return;
    // The first model opened stands in; any later one is the user's choice (a shipped model, or their files).
    if (prev.modelId !== null && s.modelId !== prev.modelId) waitingOwnLink = false;
    const discrete = s.modelId !== prev.modelId || s.selectedImage !== prev.selectedImage || s.attackId !== prev.attackId
      || s.threat !== prev.threat || s.target !== prev.target || s.attackOwn !== prev.attackOwn || s.tourStep !== prev.tourStep || s.gradientMode !== prev.gradientMode;
    const any = discrete || s.kappa !== prev.kappa || s.randomized !== prev.randomized || s.seed !== prev.seed
      || s.sampleSize !== prev.sampleSize || s.attackParams !== prev.attackParams || s.smoothingTau !== prev.smoothingTau || s.card !== prev.card
      || s.requestedBackend !== prev.requestedBackend || s.openPanels !== prev.openPanels || s.analysisParams !== prev.analysisParams
      || s.ownImage !== prev.ownImage;
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
      store.setState(storeFromUrl(u, s.own));
      if (s.attacks.length) store.getState().applyLinkParams();
      const user = s.card?.user;
      waitingOwnLink = u.model === OWN_MODEL_LINK && !user;
      if (u.model === OWN_MODEL_LINK) {
        // No model of that name to open: the model shown stays (standing in, unless it is the user's own),
        // and takes the entry's κ only if it is the model the entry names.
        if (user && user.checksum === u.ownChecksum && u.kappa !== null) s.setKappa(u.kappa);
        else void s.evaluate();
      } else if (u.model && u.model !== s.modelId) {
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
