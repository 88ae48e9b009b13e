/** Dataset → architecture → variant, the chosen model's card, load progress, and a retry on failure. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ProgressBar } from '../../components/progress-bar';
import { loadStatus, ownModelStatus } from '../../state/selectors';
import { useAppStore } from '../../state/react';
import type { ModelIndexEntry } from '../../worker/jobs';
import { OwnModelCard, OwnModelPanel } from './own-model-panel';

/** The Dataset select's entry for a user's own model (not a data set: the model says which it takes). */
const OWN = 'own';

const DATASET_LABEL: Record<string, string> = { mnist: 'MNIST (handwritten digits)', cifar10: 'CIFAR-10 (small photos)' };
const pct = (x: number | undefined): string => (x === undefined ? '–' : `${(100 * x).toFixed(2)} %`);

function pick(models: ModelIndexEntry[], want: Partial<ModelIndexEntry>): ModelIndexEntry | undefined {
  return models.find((m) => (Object.keys(want) as (keyof ModelIndexEntry)[]).every((k) => want[k] === undefined || m[k] === want[k]))
    ?? models.find((m) => m.dataset === want.dataset) ?? models[0];
}

export function ModelPicker() {
  const models = useAppStore((s) => s.models);
  const modelId = useAppStore((s) => s.modelId);
  const { status, loadProgress, loadError } = useAppStore(useShallow((s) => ({
    status: loadStatus(s), loadProgress: s.jobs.load.progress, loadError: s.jobs.load.error,
  })));
  const selectModel = useAppStore((s) => s.selectModel);
  const retryLoad = useAppStore((s) => s.loadModel);
  const current = models.find((m) => m.id === modelId);
  const ownLoaded = useAppStore((s) => s.card?.user !== undefined && s.card.id === s.modelId);
  const ownFailed = useAppStore((s) => ownModelStatus(s).status === 'error');
  const linked = useAppStore((s) => s.own.linked !== null);
  // A link made with someone's own model opens this entry: the recipient is asked for the same files.
  const [ownOpen, setOwnOpen] = useState(linked);
  const showOwn = ownOpen || ownLoaded;
  const datasets = [...new Set(models.map((m) => m.dataset))];
  const archs = [...new Set(models.filter((m) => m.dataset === current?.dataset).map((m) => m.architecture))];
  const variants = models.filter((m) => m.dataset === current?.dataset && m.architecture === current?.architecture);
  const go = (want: Partial<ModelIndexEntry>) => {
    const m = pick(models, { dataset: current?.dataset, architecture: current?.architecture, variant: current?.variant, ...want });
    setOwnOpen(false);
    if (m) selectModel(m.id);
  };
  return (
    <section className="panel" aria-labelledby="model-h">
      <h2 id="model-h">1 · Model</h2>
      <div className="picker-row">
        <label>Dataset
          <select value={showOwn ? OWN : current?.dataset ?? ''}
            onChange={(e) => (e.target.value === OWN ? setOwnOpen(true) : go({ dataset: e.target.value as ModelIndexEntry['dataset'] }))}>
            {/* Until the model list is in, say so: with no matching option the select would show its first one. */}
            {!current && !showOwn ? <option value="" disabled>loading the list…</option> : null}
            {datasets.map((d) => <option key={d} value={d}>{DATASET_LABEL[d] ?? d}</option>)}
            <option value={OWN}>Your own model…</option>
          </select>
        </label>
        {showOwn ? null : <>
        <label>Network
          <select value={current?.architecture ?? ''} onChange={(e) => go({ architecture: e.target.value as ModelIndexEntry['architecture'] })}>
            {archs.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </label>
        <label>Training
          <select value={current?.variant ?? ''} aria-label="Variant" onChange={(e) => go({ variant: e.target.value as ModelIndexEntry['variant'] })}>
            {variants.map((m) => <option key={m.variant} value={m.variant}>{m.variant === 'robust' ? 'robust (FGSM adversarial training)' : 'base (plain training)'}</option>)}
          </select>
        </label>
        </>}
      </div>
      {showOwn ? <OwnModelPanel /> : null}
      {status === 'loading' && loadProgress
        ? <ProgressBar done={loadProgress.done} total={loadProgress.total} label={`Loading ${loadProgress.label ?? ''}…`} /> : null}
      {status === 'error' && !ownFailed ? (
        <div className="error" role="alert">
          <strong>The model could not be loaded.</strong> {loadError}{' '}
          <button type="button" onClick={() => void retryLoad()}>Retry</button>
        </div>
      ) : null}
      <ModelCardView />
    </section>
  );
}

function ModelCardView() {
  const card = useAppStore((s) => s.card);
  if (!card) return null;
  if (card.user) return <OwnModelCard />;
  const { evaluation: ev, kappa } = card;
  return (
    // Closed by default: its summary carries the figures a first look needs, and the first screen stays for κ
    // and the gallery (issue 27); the description, training and the κ-cost table are one click away.
    <details className="card" data-testid="model-card">
      <summary><strong>{card.name}</strong> <span className="muted">· {pct(ev?.testAccuracy)} test accuracy at κ = 0 · paper κ = {kappa.paper}</span></summary>
      <p>{card.description}</p>
      <dl>
        <dt>Test accuracy (κ = 0)</dt><dd>{pct(ev?.testAccuracy)} on the {ev?.count?.toLocaleString() ?? '?'} shipped images
          {ev?.fullTest && ev.fullTest.count !== ev.count
            ? <> · {pct(ev.fullTest.accuracy)} on the full official test set ({ev.fullTest.count.toLocaleString()})</> : null}</dd>
        <dt>Paper κ</dt><dd>{kappa.paper}</dd>
        <dt>Slider range</dt><dd>{kappa.min} – {kappa.max} (step {kappa.step})</dd>
        <dt>Training</dt><dd>{card.training.epochs} epochs, {card.training.framework}</dd>
      </dl>
      {/* Focusable: a keyboard user can scroll a table wider than the screen. */}
      {ev?.accuracyByKappa?.length ? (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="What κ costs: accuracy per κ"><table className="mini">
          <caption>What κ costs: clean accuracy on all {ev.count.toLocaleString()} test images</caption>
          <thead><tr><th>κ</th>{ev.accuracyByKappa.map((e) => <th key={e.kappa}>{e.kappa}</th>)}</tr></thead>
          <tbody><tr><td>acc</td>{ev.accuracyByKappa.map((e) => <td key={e.kappa}>{pct(e.accuracy)}</td>)}</tr></tbody>
        </table></div>
      ) : null}
      {card.notes?.length ? <ul className="notes">{card.notes.map((n) => <li key={n}>{n}</li>)}</ul> : null}
    </details>
  );
}
