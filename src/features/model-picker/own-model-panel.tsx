/**
 * "Your own model": files by picker or drag and drop, or a URL; the input scaling; keep/forget in this
 * browser (and clearing a kept record that cannot be read); what a permalink made with someone's own model
 * asks of the recipient. The checks and the card come from the worker (core/models/user-model.ts); this
 * panel only reads files and shows state. Every name the user supplied is shown through `shown` (cleaned,
 * cut to 40 characters; the store already holds names so) in boxes that wrap anywhere.
 */
import { useState, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ProgressBar } from '../../components/progress-bar';
import { useAppStore } from '../../state/react';
import { isBusy, ownModelStatus } from '../../state/selectors';
import { scrub } from '../../state/shown-text';
import { INPUT_SCALING_LABELS, USER_MODEL_MAX_BYTES, shown, type InputScaling, type UserModelFile } from '../../state/slices/own-model-slice';

const SCALINGS: InputScaling[] = ['paper', 'unit', 'symmetric', 'declared'];
const short = (sha: string) => `${sha.slice(0, 12)}…`;

/** A message with quoted values (between backticks, as `quote` writes them) shown as code, as the notice bar does. */
function QuotedText({ text }: { text: string }) {
  return <>{scrub(text).split('`').map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part))}</>;
}

async function readFiles(list: FileList | File[]): Promise<UserModelFile[]> {
  return Promise.all(Array.from(list, async (f) => ({ name: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}

/** A name for the card: the folder the files came from, else the model.json's name. */
function nameOf(files: UserModelFile[]): string {
  const json = files.find((f) => f.name.endsWith('.json'))?.name ?? files[0]?.name ?? 'model';
  const dir = json.includes('/') ? json.slice(0, json.lastIndexOf('/')) : '';
  return dir || json;
}

export function OwnModelPanel() {
  const own = useAppStore(useShallow((s) => ({
    ...ownModelStatus(s), scaling: s.own.scaling ?? s.card?.user?.scaling ?? 'paper',
    declared: (s.card?.user?.declaredScaling ?? null) !== null, kept: s.own.kept, keptEarlier: s.own.keptEarlier, linked: s.own.linked,
    unreadable: s.own.keptUnreadable,
  })));
  const checksum = useAppStore((s) => s.card?.user?.checksum ?? null);
  const progress = useAppStore((s) => (s.jobs.loadOwn.status === 'running' && ownModelStatus(s).status === 'loading' ? s.jobs.loadOwn.progress : null));
  const actions = useAppStore(useShallow((s) => ({
    openFiles: s.openOwnFiles, openUrl: s.openOwnUrl, setScaling: s.setOwnScaling, keep: s.keepOwnModel,
    forget: s.forgetOwnModel, openKept: s.openKeptModel, clearKept: s.clearKeptModel,
  })));
  const [url, setUrl] = useState('');
  const [over, setOver] = useState(false);
  const busy = useAppStore((s) => isBusy(s.jobs.loadOwn.status));

  const give = async (list: FileList | File[] | null) => {
    if (!list?.length) return;
    const files = await readFiles(list);
    actions.openFiles(files, nameOf(files));
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void give(e.dataTransfer.files);
  };

  return (
    <div className="own-model" data-testid="own-model">
      <p>
        Load a <strong>TF.js layers model</strong> trained with ReLU: its <code>model.json</code> and the <code>.bin</code> weight
        files, for MNIST (28×28×1) or CIFAR-10 (32×32×3) inputs and 10 classes, up to {USER_MODEL_MAX_BYTES / 2 ** 20} MB.
        It stays in this browser: nothing is uploaded.
      </p>
      <p className="muted">
        Keras users: <code>tensorflowjs_converter --input_format keras model.h5 out/</code> writes these files (pip package <code>tensorflowjs</code>).
      </p>
      {own.linked ? (
        <p className="own-note" data-testid="own-linked">
          This link was made with someone's own model{own.linked.checksum ? <> (SHA-256 <code>{short(own.linked.checksum)}</code>)</> : null}.
          A link cannot carry the model: load the same files here to see what they saw.{' '}
          {checksum && own.linked.checksum ? (checksum === own.linked.checksum
            ? <strong>Your files match the link.</strong>
            : <strong>Your files do not match the link (yours: <code>{short(checksum)}</code>).</strong>)
            : own.keptEarlier && own.keptEarlier.checksum === own.linked.checksum
              ? <strong>The model kept in this browser is the one the link names: “Load it” below.</strong> : null}
        </p>
      ) : null}
      <div className={`drop-zone${over ? ' over' : ''}`} data-testid="own-drop"
        onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}>
        Drop model.json and its weight files here, or{' '}
        <label className="file-button">choose files
          <input type="file" multiple accept=".json,.bin,application/json,application/octet-stream" aria-label="Model files"
            disabled={busy} onChange={(e) => { void give(e.target.files); e.target.value = ''; }} />
        </label>
      </div>
      <form className="picker-row" onSubmit={(e) => { e.preventDefault(); if (url.trim()) actions.openUrl(url.trim()); }}>
        <label>or its URL
          <input type="url" value={url} placeholder="https://…/model.json" aria-label="Model URL" onChange={(e) => setUrl(e.target.value)} />
        </label>
        <button type="submit" disabled={busy || !url.trim()}>Load from URL</button>
      </form>
      <div className="picker-row">
        <label>Inputs the model expects
          <select value={own.scaling} aria-label="Input scaling" onChange={(e) => actions.setScaling(e.target.value as InputScaling)}>
            {SCALINGS.filter((s) => s !== 'declared' || own.declared || own.scaling === 'declared')
              .map((s) => <option key={s} value={s}>{INPUT_SCALING_LABELS[s]}</option>)}
          </select>
        </label>
        {own.status === 'ready' && !own.kept ? <button type="button" onClick={actions.keep}>Keep in this browser</button> : null}
        {own.kept || own.keptEarlier ? <button type="button" onClick={actions.forget}>Forget the kept model</button> : null}
      </div>
      {own.keptEarlier && !own.kept && !busy ? (
        <p data-testid="own-kept-offer">Kept in this browser: <strong className="user-text">{shown(own.keptEarlier.name)}</strong>{' '}
          (<code>{short(own.keptEarlier.checksum)}</code>){' '}
          <button type="button" onClick={actions.openKept}>Load it</button></p>
      ) : null}
      {own.unreadable ? (
        <p className="own-note" data-testid="own-kept-unreadable">A model kept in this browser could not be read ({own.unreadable}); it is ignored.{' '}
          <button type="button" onClick={actions.clearKept}>Clear the kept model</button></p>
      ) : null}
      {own.kept ? <p className="muted" data-testid="own-kept">Kept in this browser's storage (IndexedDB) until you press “Forget”.</p> : null}
      {own.status === 'fetching' ? <p className="muted">Fetching the files…</p> : null}
      {progress ? <ProgressBar done={progress.done} total={progress.total} label={`Your model: ${progress.label ?? ''}…`} /> : null}
      {own.status === 'error' && own.error ? (
        <div className="error" role="alert" data-testid="own-error"><strong>The model was refused.</strong> <QuotedText text={own.error} /></div>
      ) : null}
    </div>
  );
}

/** The generated card of a user-supplied model (the picker shows it in place of a shipped card). */
export function OwnModelCard() {
  const user = useAppStore((s) => s.card?.user);
  if (!user) return null;
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  return (
    <details className="card" open data-testid="model-card">
      <summary><strong className="user-text">Your own model: {shown(user.name)}</strong> <span className="badge">user-supplied</span></summary>
      <p>Not trained or checked by this project: every number here is measured in this browser on the test shard.</p>
      {user.warning ? <p className="own-note" role="status" data-testid="own-warning">{user.warning}</p> : null}
      <dl>
        <dt>Data set</dt><dd>{user.dataset === 'mnist' ? 'MNIST' : 'CIFAR-10'}</dd>
        <dt>Inputs</dt><dd>{user.scalingLabel}: mean [{user.normalization.mean.join(', ')}], std [{user.normalization.std.join(', ')}]</dd>
        <dt>Parameters</dt><dd>{user.parameters.toLocaleString()} in {user.layers.length} layers</dd>
        <dt>SHA-256</dt><dd><code data-testid="own-checksum">{user.checksum}</code></dd>
        {user.softmaxRemoved ? <><dt>Output</dt><dd>final softmax removed: attacks read logits</dd></> : null}
      </dl>
      <table className="mini" data-testid="own-accuracy">
        <caption>Clean accuracy on the first {user.evaluation.count.toLocaleString()} test images</caption>
        <thead><tr><th>κ</th>{user.evaluation.accuracyByKappa.map((e) => <th key={e.kappa}>{e.kappa}</th>)}</tr></thead>
        <tbody><tr><td>acc</td>{user.evaluation.accuracyByKappa.map((e) => <td key={e.kappa}>{pct(e.accuracy)}</td>)}</tr></tbody>
      </table>
      <details>
        <summary>Layers</summary>
        <table className="mini">
          <thead><tr><th>layer</th><th>type</th><th>output</th><th>parameters</th></tr></thead>
          <tbody>{user.layers.map((l) => (
            <tr key={l.name}><td className="user-text">{shown(l.name)}</td><td>{l.className}</td><td>{JSON.stringify(l.outputShape)}</td><td>{l.parameters.toLocaleString()}</td></tr>
          ))}</tbody>
        </table>
      </details>
    </details>
  );
}
