/**
 * The tour card: one step at a time, Next/Back/Skip, resumable from a link (tour=<step>). It drives the
 * real app through the store's own actions, so what it shows is what a student would get by clicking, and
 * it drives the viewport: each step scrolls to what it talks about and highlights it. The card is docked at
 * the bottom of the screen (on a phone at most a quarter of it) and folds to one line.
 */
import { useEffect, useRef, useState } from 'react';
import { revealAbove } from '../../components/reveal';
import { useAppStore, useAppStoreApi } from '../../state/react';
import { modelReady } from '../../state/selectors';
import { stepText, stepTitle, TOUR_STEPS, type TourStep } from './tour-steps';

/** The breakpoint at which the two sides of a result stack (app.css, `.sides`). */
const STACKED = '(max-width: 1100px)';
/** How long after entering a step the tour keeps its target in view while the page settles. */
const SETTLE_MS = 2500;

function useMedia(query: string): boolean {
  const [matches, setMatches] = useState(() => typeof matchMedia === 'function' && matchMedia(query).matches);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const m = matchMedia(query);
    const on = () => setMatches(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, [query]);
  return matches;
}

const findTarget = (step: TourStep): HTMLElement | null => {
  for (const sel of step.target) {
    const el = document.querySelector<HTMLElement>(sel);
    if (el) return el;
  }
  return null;
};

export function TourButton() {
  const setTourStep = useAppStore((s) => s.setTourStep);
  return <button type="button" className="tour-button" onClick={() => setTourStep(0)}>Take the tour</button>;
}

export function Tour() {
  const step = useAppStore((s) => s.tourStep);
  const ready = useAppStore(modelReady);
  const setTourStep = useAppStore((s) => s.setTourStep);
  // A result appearing (or going) moves the highlight from the attack section to the result.
  const attackResult = useAppStore((s) => s.jobs.attack.result);
  const attackStatus = useAppStore((s) => s.jobs.attack.status);
  const store = useAppStoreApi();
  const entered = useRef<number | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const card = useRef<HTMLElement>(null);
  const [collapsed, setCollapsed] = useState(false);
  const stacked = useMedia(STACKED);
  const digits = useAppStore((s) => s.dataset?.dataset !== 'cifar10');
  const index = step === null ? null : Math.min(step, TOUR_STEPS.length - 1);
  const [entry, setEntry] = useState(0);
  useEffect(() => {
    // Each step acts once it is shown on a loaded model (a link may open the tour before the model is ready).
    if (index === null) entered.current = null;
    if (index === null || !ready || entered.current === index) return;
    entered.current = index;
    TOUR_STEPS[index].enter?.(store.getState());
    // The card is fixed: focusing its heading must not scroll the page away from the step's target.
    heading.current?.focus({ preventScroll: true });
    setEntry((n) => n + 1);
  }, [index, ready, store]);
  useEffect(() => {
    if (index === null || entry === 0) return;
    // After React has drawn what the step changed (a picked image opens the attack section). What the step
    // started can still move its target for a moment (the attack controls open above it, κ re-evaluates, the
    // histograms arrive): keep the target in view while the page settles, then leave the scroll to the user.
    const step = TOUR_STEPS[index];
    // Above the docked card: all of the target when it fits there.
    const show = () => revealAbove(findTarget(step), card.current?.getBoundingClientRect().top ?? innerHeight);
    show();
    const page = document.querySelector('main');
    if (!page || typeof ResizeObserver !== 'function') return;
    const watch = new ResizeObserver(show);
    watch.observe(page);
    const stop = setTimeout(() => watch.disconnect(), SETTLE_MS);
    return () => {
      clearTimeout(stop);
      watch.disconnect();
    };
  }, [entry]); // eslint-disable-line react-hooks/exhaustive-deps -- once per entry, with the step it entered
  useEffect(() => {
    if (index === null) return;
    const el = findTarget(TOUR_STEPS[index]);
    if (!el) return;
    el.classList.add('tour-target');
    el.setAttribute('data-tour-target', String(index));
    return () => {
      el.classList.remove('tour-target');
      el.removeAttribute('data-tour-target');
    };
  }, [index, entry, attackResult, attackStatus]);
  if (index === null) return null;
  const s = TOUR_STEPS[index];
  const last = index === TOUR_STEPS.length - 1;
  return (
    <aside ref={card} className={`tour${collapsed ? ' collapsed' : ''}`} aria-labelledby="tour-h" data-testid="tour" data-step={index}>
      <div className="tour-head">
        <h2 id="tour-h" tabIndex={-1} ref={heading}><span className="muted tour-count">Tour {index + 1}/{TOUR_STEPS.length} · </span>{stepTitle(s, { stacked, digits })}</h2>
        <button type="button" className="tour-fold" aria-expanded={!collapsed} aria-controls="tour-body"
          onClick={() => setCollapsed((c) => !c)}>{collapsed ? 'Show' : 'Hide'}<span className="visually-hidden"> the tour text</span></button>
        {collapsed ? <button type="button" className="primary" onClick={() => setTourStep(last ? null : index + 1)}>{last ? 'Finish' : 'Next'}</button> : null}
      </div>
      <div id="tour-body" className="tour-body" hidden={collapsed}>
        <p>{stepText(s, { stacked, digits })}</p>
      </div>
      {collapsed ? null : (
        <div className="tour-actions">
          <button type="button" disabled={index === 0} onClick={() => setTourStep(index - 1)}>Back</button>
          <button type="button" className="primary" onClick={() => setTourStep(last ? null : index + 1)}>{last ? 'Finish' : 'Next'}</button>
          <button type="button" className="link" onClick={() => setTourStep(null)}>Skip the tour</button>
        </div>
      )}
    </aside>
  );
}
