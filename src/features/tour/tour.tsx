/**
 * The tour card: one step at a time, Next/Back/Skip, resumable from a link (tour=<step>). It drives the
 * real app through the store's own actions, so what it shows is what a student would get by clicking.
 */
import { useEffect, useRef } from 'react';
import { useAppStore, useAppStoreApi } from '../../state/react';
import { modelReady } from '../../state/selectors';
import { TOUR_STEPS } from './tour-steps';

export function TourButton() {
  const setTourStep = useAppStore((s) => s.setTourStep);
  return <button type="button" onClick={() => setTourStep(0)}>Take the tour</button>;
}

export function Tour() {
  const step = useAppStore((s) => s.tourStep);
  const ready = useAppStore(modelReady);
  const setTourStep = useAppStore((s) => s.setTourStep);
  const store = useAppStoreApi();
  const entered = useRef<number | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const index = step === null ? null : Math.min(step, TOUR_STEPS.length - 1);
  useEffect(() => {
    // Each step acts once it is shown on a loaded model (a link may open the tour before the model is ready).
    if (index === null) entered.current = null;
    if (index === null || !ready || entered.current === index) return;
    entered.current = index;
    TOUR_STEPS[index].enter?.(store.getState());
    heading.current?.focus();
  }, [index, ready, store]);
  if (index === null) return null;
  const s = TOUR_STEPS[index];
  const last = index === TOUR_STEPS.length - 1;
  return (
    <aside className="tour" aria-labelledby="tour-h" data-testid="tour" data-step={index}>
      <p className="muted small">Guided tour · step {index + 1} of {TOUR_STEPS.length}</p>
      <h2 id="tour-h" tabIndex={-1} ref={heading}>{s.title}</h2>
      <p>{s.text}</p>
      <div className="tour-actions">
        <button type="button" disabled={index === 0} onClick={() => setTourStep(index - 1)}>Back</button>
        <button type="button" className="primary" onClick={() => setTourStep(last ? null : index + 1)}>{last ? 'Finish' : 'Next'}</button>
        <button type="button" className="link" onClick={() => setTourStep(null)}>Skip the tour</button>
      </div>
    </aside>
  );
}
