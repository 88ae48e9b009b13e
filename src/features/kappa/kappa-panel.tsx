/** The κ slider and typed input, the randomized toggle, and the live clean accuracy at that κ. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ProgressBar } from '../../components/progress-bar';
import { CardCurve } from './card-curve';
import { FULL_SHARD } from '../../state/app-state';
import { useAppStore } from '../../state/react';
import { parseKappaText } from './kappa-text';
import { selectBaselineEval, selectCurrentEval, selectCurrentPartial } from '../../state/selectors';

const SIZES = [500, 1000, FULL_SHARD];

function KappaInput({ kappa, min, max, onCommit }: { kappa: number; min: number; max: number; onCommit: (k: number) => void }) {
  // A draft lets the user type "0." or clear the box without the value snapping back mid-edit. A text box,
  // not type=number: Chromium's number box turns a decimal comma into a value we never see ("1,5" → 2).
  const [draft, setDraft] = useState<string | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const v = parseKappaText(draft);
    if (v === null && draft.trim() !== '') {
      setRefused(draft);
      return;
    }
    if (v !== null) onCommit(v);
    setDraft(null);
    setRefused(null);
  };
  return (
    <span className="kappa-typed">
      <input type="text" inputMode="decimal" className="kappa-number" aria-label="κ value" aria-invalid={refused !== null}
        aria-describedby={refused !== null ? 'kappa-refused' : undefined}
        value={draft ?? String(kappa)} onChange={(e) => setDraft(e.target.value)} onBlur={commit}
        onKeyDown={(e) => { if (e.key === 'Enter') commit(); if (e.key === 'Escape') { setDraft(null); setRefused(null); } }} />
      {refused !== null
        ? <span id="kappa-refused" className="warn small" role="alert">Not a number: <code>{refused.slice(0, 20)}</code>; type κ as e.g. 0.35 or 0,35 ({min}–{max}).</span>
        : null}
    </span>
  );
}

export function KappaPanel() {
  const card = useAppStore((s) => s.card);
  const kappa = useAppStore((s) => s.kappa);
  const randomized = useAppStore((s) => s.randomized);
  const sampleSize = useAppStore((s) => s.sampleSize);
  const datasetCount = useAppStore((s) => s.dataset?.count ?? 0);
  const setKappa = useAppStore((s) => s.setKappa);
  const setRandomized = useAppStore((s) => s.setRandomized);
  const setSampleSize = useAppStore((s) => s.setSampleSize);
  const current = useAppStore(selectCurrentEval);
  const partial = useAppStore(useShallow(selectCurrentPartial));
  const baseline = useAppStore(selectBaselineEval);
  const evalStatus = useAppStore((s) => s.jobs.evaluate.status);
  const evalProgress = useAppStore((s) => s.jobs.evaluate.progress);
  const evalError = useAppStore((s) => s.jobs.evaluate.error);
  const running = useAppStore((s) => s.evalRunning);
  if (!card) return <section className="panel"><h2>2 · Threshold κ</h2><p className="muted">Waiting for a model…</p></section>;
  const { min, max, step, paper } = card.kappa;
  // Only figures of the current κ are shown: the final one, else its interim estimate, else "…" — never an
  // older κ's count beside the new κ.
  const interim = current ? undefined : partial;
  const drop = current && baseline ? 100 * (baseline.accuracy - current.accuracy) : null;
  const pct = (v: number, digits: number) => `${(100 * v).toFixed(digits)} %`;
  return (
    <section className="panel" aria-labelledby="kappa-h">
      <h2 id="kappa-h">2 · Threshold κ</h2>
      <p className="explain">
        JumpReLU passes a neuron's value only if it exceeds κ, otherwise outputs 0; κ = 0 is the ordinary ReLU the
        network was trained with. Raising κ retrofits a defence without retraining — watch what it costs in clean accuracy.
      </p>
      <div className="kappa-row">
        <label htmlFor="kappa-slider" className="kappa-label">κ</label>
        <input id="kappa-slider" type="range" min={min} max={max} step={step} value={kappa}
          aria-valuetext={`κ = ${kappa}`} onChange={(e) => setKappa(Number(e.target.value))} />
        <KappaInput key={kappa} kappa={kappa} min={min} max={max} onCommit={setKappa} />
        <button type="button" onClick={() => setKappa(0)}>ReLU (κ = 0)</button>
        <button type="button" onClick={() => setKappa(paper)}>paper κ = {paper}</button>
      </div>
      <div className="kappa-row">
        <label><input type="checkbox" checked={randomized} onChange={(e) => setRandomized(e.target.checked)} />{' '}
          randomized: each layer draws κ ~ U[0.6·κ, κ] on every pass</label>
        <label>Evaluate on{' '}
          <select value={sampleSize} aria-label="evaluation sample size" onChange={(e) => setSampleSize(Number(e.target.value))}>
            {SIZES.map((n) => <option key={n} value={n}>{n === FULL_SHARD ? `all ${datasetCount.toLocaleString()}` : n} test images</option>)}
          </select>
        </label>
      </div>
      {/* Busy while the figure refines: a screen reader announces the final one, not every interim batch. */}
      <div className="accuracy" aria-live="polite" aria-busy={!current}>
        <div className="acc-big" data-testid="accuracy" data-kappa={current ? String(current.request.kappa) : ''}
          data-stale={current ? 'false' : 'true'} data-interim={interim ? String(interim.done) : undefined}>
          {current ? pct(current.accuracy, 2) : interim ? `≈ ${pct(interim.correct / interim.done, 1)}` : '…'}
        </div>
        <div className="acc-text">
          clean accuracy at κ = {kappa}{randomized ? ' (randomized)' : ''}
          {current ? <> · {current.correct.toLocaleString()} / {current.total.toLocaleString()} correct</>
            : interim ? <span data-testid="interim"> · so far {interim.correct.toLocaleString()} / {interim.done.toLocaleString()} of {interim.total.toLocaleString()} images;
              95% interval {pct(interim.lo, 1)} – {pct(interim.hi, 1)} (Wilson)</span>
              : <> · computing…</>}
          {drop !== null ? (
            <div data-testid="drop" className={drop > 0.5 ? 'warn' : ''}>
              {kappa === 0 && !randomized ? 'this is the ReLU baseline'
                : `${drop >= 0 ? '−' : '+'}${Math.abs(drop).toFixed(2)} percentage points vs κ = 0 (${(100 * baseline!.accuracy).toFixed(2)} %)`}
            </div>
          ) : null}
          {current ? <div className="muted">computed in {current.ms.toFixed(0)} ms (first estimate after {current.firstMs.toFixed(0)} ms, {current.firstImages} images)</div> : null}
        </div>
      </div>
      <CardCurve card={card} kappa={kappa} live={current ? current.accuracy : interim ? interim.correct / interim.done : null} />
      {evalStatus === 'running' && evalProgress
        ? <ProgressBar done={evalProgress.done} total={evalProgress.total}
          label={`evaluating κ = ${running?.kappa ?? kappa}${running?.randomized ? ' (randomized)' : ''}${running && running.kappa === 0 && kappa !== 0 ? ' (the ReLU baseline, for the drop)' : ''}: ${evalProgress.done} / ${evalProgress.total}`} /> : null}
      {evalStatus === 'error' ? <div className="error" role="alert">Evaluation failed: {evalError}</div> : null}
    </section>
  );
}
