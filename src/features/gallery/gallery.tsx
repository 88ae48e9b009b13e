/**
 * Test images with the model's prediction at the current κ; click one to attack it. One Tab stop: the
 * arrow keys move between images (roving tabindex), Enter or Space picks one.
 */
import { useRef, useState, type KeyboardEvent } from 'react';
import { PixelImage } from '../../components/pixel-image';
import { reveal } from '../../components/reveal';
import { useAppStore } from '../../state/react';
import { selectCurrentEval, selectCurrentPartial, selectLatestEval } from '../../state/selectors';
import type { GalleryPrediction } from '../../worker/jobs';
import { columnsOf, rovingTarget } from './roving-grid';

/**
 * `attackIn`: where picking an image leads when no attack panel is on this page (an embed without one): the
 * full lab with that image, in a new tab. Without it the image is picked here, for the attack panel below.
 */
export function Gallery({ attackIn }: { attackIn?: (index: number) => string } = {}) {
  const gallery = useAppStore((s) => s.gallery);
  const dataset = useAppStore((s) => s.dataset);
  const selected = useAppStore((s) => s.selectedImage);
  const pickHere = useAppStore((s) => s.selectImage);
  // Picking an image here brings the attack controls (with the picked image) into view: cause and effect on one screen.
  const selectImage = attackIn ? (index: number) => { window.open(attackIn(index), '_blank', 'noopener'); }
    : (index: number) => { pickHere(index); requestAnimationFrame(() => reveal('attack')); };
  // The current κ's predictions (final, or with its first estimate); until they land, the previous κ's, marked stale.
  const current = useAppStore((s) => selectCurrentEval(s)?.gallery ?? selectCurrentPartial(s)?.gallery);
  const latest = useAppStore((s) => selectLatestEval(s)?.gallery);
  const predictions = current ?? latest;
  const stale = !current && predictions !== undefined;
  const list = useRef<HTMLUListElement>(null);
  const [focused, setFocused] = useState<number | null>(null);
  if (!dataset || !gallery.length) return null;
  const selectedPos = gallery.findIndex((g) => g.index === selected);
  // The one tabbable image: the last one focused, else the selected one, else the first.
  const stop = focused !== null && focused < gallery.length ? focused : Math.max(0, selectedPos);
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const buttons = Array.from(list.current?.querySelectorAll<HTMLButtonElement>('button.thumb') ?? []);
    const next = rovingTarget(e.key, stop, buttons.length, columnsOf(buttons));
    if (next === null) return;
    e.preventDefault();
    setFocused(next);
    buttons[next]?.focus();
  };
  const byIndex = new Map<number, GalleryPrediction>((predictions ?? []).map((g) => [g.index, g]));
  const names = dataset.classNames;
  const longNames = names.some((n) => n.length > 3);
  return (
    <section className="panel" aria-labelledby="gallery-h">
      <h2 id="gallery-h" tabIndex={-1}>3 · Test images <span className="muted">— {attackIn ? 'click one to attack it in the full lab (new tab)' : 'click one to attack it'}</span></h2>
      {/* Long class names (CIFAR-10's "automobile") put the confidence on a line of its own in every thumbnail, so
          no caption is clipped and the rows keep one height. */}
      <ul className={`gallery${stale ? ' stale' : ''}${longNames ? ' two-line' : ''}`} data-testid="gallery" data-stale={stale ? 'true' : 'false'} ref={list} onKeyDown={onKeyDown} aria-describedby="gallery-keys">
        {gallery.map((g, i) => {
          const p = byIndex.get(g.index);
          return (
            <li key={g.index}>
              <button type="button" className={`thumb ${selected === g.index ? 'selected' : ''} ${p ? (p.correct ? 'right' : 'wrong') : ''}`}
                aria-pressed={selected === g.index} data-index={g.index} tabIndex={i === stop ? 0 : -1} onFocus={() => setFocused(i)}
                aria-label={`test image ${g.index}, true class ${names[g.label]}${p ? `, predicted ${names[p.predicted]}` : ''}`}
                title={`true class: ${names[g.label]}${p ? ` · predicted: ${names[p.predicted]}` : ''}`} onClick={() => selectImage(g.index)}>
                <PixelImage pixels={g.pixels} shape={dataset.shape} size={72} label="" />
                <span className="pred" data-testid="prediction">
                  {p ? <><span className="pred-name">{p.correct ? '✓' : '✗'} {names[p.predicted]}</span> <small>{(100 * p.confidence).toFixed(1)}%</small></> : '…'}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <p className="muted" id="gallery-keys"><span className="keys-hint">Keyboard: arrow keys move between images, Enter picks one. </span>✓ correct · ✗ wrong (true class: {dataset.dataset === 'mnist' ? 'the digit shown' : 'hover for details'}). Percent = the model's confidence in its answer.</p>
    </section>
  );
}
