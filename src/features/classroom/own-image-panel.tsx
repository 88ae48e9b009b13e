/**
 * "Your own image": draw a digit (MNIST models) or upload / paste a picture (both data sets), see it as
 * the network sees it, with the predictions of the unprotected (κ = 0) and the retrofitted model live,
 * and attack it like a test image.
 */
import { useCallback, useState, type ClipboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { PixelImage } from '../../components/pixel-image';
import { decodeImage, MAX_UPLOAD_BYTES } from '../../lib/decode-image';
import { useAppStore } from '../../state/react';
import { shown } from '../../state/shown-text';
import type { OwnImage, Prediction } from '../../worker/jobs';
import { DrawingPad } from './drawing-pad';

function Reading({ p, names, who }: { p: Prediction; names: string[]; who: string }) {
  return <li>{who}: <strong data-testid="own-prediction">{names[p.predicted]}</strong> <span className="muted">({(100 * p.top[0].p).toFixed(1)}%)</span></li>;
}

export function OwnImagePanel() {
  const dataset = useAppStore((s) => s.dataset);
  const kappa = useAppStore((s) => s.kappa);
  const own = useAppStore((s) => s.ownImage);
  const source = useAppStore((s) => s.ownSource);
  const job = useAppStore((s) => s.jobs.own);
  const attackOwn = useAppStore((s) => s.attackOwn);
  const actions = useAppStore(useShallow((s) => ({ predictOwn: s.predictOwn, clearOwn: s.clearOwn, attackOwnImage: s.attackOwnImage })));
  const [decodeError, setDecodeError] = useState<string | null>(null);
  const onDraw = useCallback((image: OwnImage) => { setDecodeError(null); void actions.predictOwn(image, 'drawing'); }, [actions]);
  if (!dataset) return null;
  const mnist = dataset.dataset === 'mnist';

  /** `fileName`: a user's file name (shown through the rule for user text); else the app's own words. */
  const take = async (blob: Blob | null | undefined, name: string, fileName = false) => {
    if (!blob) return;
    setDecodeError(null);
    try {
      // The file's name appears in a refusal: shown by the one rule for user text (no bidi, at most 40 characters).
      void actions.predictOwn(await decodeImage(blob, fileName ? shown(name) : name), 'upload');
    } catch (e) {
      setDecodeError((e as Error).message);
    }
  };
  const onPaste = (e: ClipboardEvent) => {
    const file = Array.from(e.clipboardData.files)[0];
    if (file) {
      e.preventDefault();
      void take(file, 'the pasted image');
    }
  };
  const result = job.result && own ? job.result : null;
  const error = decodeError ?? (job.status === 'error' ? job.error : null);
  return (
    <section className="panel own-image" aria-labelledby="own-h" onPaste={onPaste} data-testid="own-image-panel">
      <h2 id="own-h">Your own image</h2>
      <p className="explain">
        {mnist ? 'Draw a digit, or upload or paste a picture of one. ' : 'Upload or paste a photo (of a plane, car, bird, cat, deer, dog, frog, horse, ship or truck). '}
        It is made into what the network was trained on ({mnist
          ? 'centred in a 28×28 square, as the MNIST digits were' : 'the middle square, shrunk to 32×32, as in CIFAR-10'}) and classified as you go.
      </p>
      <div className="own-row">
        {mnist ? <DrawingPad onDraw={onDraw} onClear={actions.clearOwn} /> : null}
        <div className="own-side">
          <label className="upload">Upload a picture{' '}
            <input type="file" accept="image/*" data-testid="upload" onChange={(e) => { const f = e.target.files?.[0]; void take(f, f?.name ?? 'the file', f !== undefined); e.target.value = ''; }} />
          </label>
          <p className="muted small">…or paste one here (Ctrl+V). Up to {MAX_UPLOAD_BYTES / 1024 / 1024} MB; nothing leaves your computer.</p>
          {error ? <div className="error" role="alert" data-testid="own-error">{error}</div> : null}
          {own ? (
            <div className="own-result">
              <PixelImage pixels={own} shape={dataset.shape} size={112} label="your image as the network sees it" />
              <div>
                <p className="small muted">what the network sees ({dataset.shape[0]}×{dataset.shape[1]}){source === 'link' ? ', from the link' : ''}</p>
                {result ? (
                  <ul className="readings" aria-live="polite">
                    <Reading p={result.unprotected} names={dataset.classNames} who="unprotected (κ = 0)" />
                    <Reading p={result.protected} names={dataset.classNames} who={`retrofitted (κ = ${kappa})`} />
                  </ul>
                ) : <p className="muted">…</p>}
                <div className="own-actions">
                  <button type="button" className="primary" aria-pressed={attackOwn} onClick={actions.attackOwnImage}>Attack this image</button>
                  <button type="button" className="link" onClick={actions.clearOwn}>remove</button>
                </div>
                {!mnist ? <p className="muted small">Photos are not put in shared links (too large); drawings are.</p> : null}
              </div>
            </div>
          ) : null}
        </div>
      </div>
    </section>
  );
}
