/** "Embed": choose panels and get the <iframe> snippet for the current configuration. */
import { useRef, useState } from 'react';
import { useAppStore, useAppStoreApi } from '../../state/react';
import { EMBED_PANELS, PANEL_TITLES, type EmbedPanelId } from '../../state/panels';
import { embedUrl, fixedEmbedHeight, iframeSnippet, iframeSnippetNoScript } from './embed-links';

export function EmbedDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  const store = useAppStoreApi();
  const ready = useAppStore((s) => s.card !== null);
  const [panels, setPanels] = useState<EmbedPanelId[]>(['slider', 'gallery']);
  const [height, setHeight] = useState(640);
  const [copied, setCopied] = useState(false);
  const [kind, setKind] = useState<'resizing' | 'fixed'>('resizing');
  const [, setTick] = useState(0);
  const base = `${location.origin}${location.pathname}`;
  const src = embedUrl(store.getState(), base, panels);
  const snippet = kind === 'resizing' ? iframeSnippet(src, height) : iframeSnippetNoScript(src, panels);
  const toggle = (id: EmbedPanelId) =>
    setPanels((p) => EMBED_PANELS.filter((x) => (x === id ? !p.includes(id) : p.includes(x))));
  return (
    <>
      <button type="button" disabled={!ready} onClick={() => { setTick((t) => t + 1); ref.current?.showModal(); }}
        title="Get an <iframe> snippet for course material">Embed</button>
      <dialog ref={ref} className="embed-dialog" aria-labelledby="embed-h" onClose={() => setCopied(false)}>
        <h2 id="embed-h">Embed this view</h2>
        <p className="explain">The embed opens with the current model, κ, attack and settings (not your backend: each reader's browser
          picks its own), shows only the panels you pick, and runs entirely in the reader's browser.</p>
        <fieldset className="panel-toggles">
          <legend>Panels</legend>
          {EMBED_PANELS.map((id) => (
            <label key={id} className="toggle"><input type="checkbox" checked={panels.includes(id)} onChange={() => toggle(id)} /> {PANEL_TITLES[id]}</label>
          ))}
        </fieldset>
        <fieldset className="panel-toggles">
          <legend>Snippet</legend>
          <label className="toggle"><input type="radio" name="embed-kind" checked={kind === 'resizing'} onChange={() => setKind('resizing')} />{' '}
            Resizing: the frame grows to fit (needs its short <code>&lt;script&gt;</code>)</label>
          <label className="toggle"><input type="radio" name="embed-kind" checked={kind === 'fixed'} onChange={() => setKind('fixed')} />{' '}
            No script: fixed height {fixedEmbedHeight(panels)} px for these panels</label>
        </fieldset>
        <p className="muted small" data-testid="embed-kind-help">{kind === 'resizing'
          ? 'Use it where you may paste HTML with a script (your own site, a static page).'
          : 'Use it where the editor strips <script> (Moodle, Canvas and most course platforms\' editors): the height holds the panels as they open plus a run\'s result; anything taller scrolls inside the frame.'}</p>
        {kind === 'resizing' ? <label>Initial height (px) <input type="number" min={200} max={4000} value={height}
          onChange={(e) => setHeight(Math.min(4000, Math.max(200, Number(e.target.value) || 640)))} /></label> : null}
        <textarea readOnly value={panels.length ? snippet : ''} rows={11} data-testid="embed-snippet" aria-label="iframe snippet"
          onFocus={(e) => e.currentTarget.select()} />
        <div className="attack-actions">
          <button type="button" className="primary" disabled={!panels.length}
            onClick={() => navigator.clipboard.writeText(snippet).then(() => setCopied(true), () => setCopied(false))}>Copy snippet</button>
          <a href={src} target="_blank" rel="noopener">Preview</a>
          <span role="status" className="muted">{copied ? 'copied' : ''}</span>
          <span className="spacer" />
          <button type="button" onClick={() => ref.current?.close()}>Close</button>
        </div>
      </dialog>
    </>
  );
}
