/** Test images with the model's prediction at the current κ; click one to attack it. */
import { PixelImage } from '../../components/pixel-image';
import { useAppStore } from '../../state/react';
import { selectLatestEval } from '../../state/selectors';
import type { GalleryPrediction } from '../../worker/protocol';

export function Gallery() {
  const gallery = useAppStore((s) => s.gallery);
  const dataset = useAppStore((s) => s.dataset);
  const selected = useAppStore((s) => s.selectedImage);
  const selectImage = useAppStore((s) => s.selectImage);
  const evalResult = useAppStore(selectLatestEval);
  if (!dataset || !gallery.length) return null;
  const byIndex = new Map<number, GalleryPrediction>((evalResult?.gallery ?? []).map((g) => [g.index, g]));
  const names = dataset.classNames;
  return (
    <section className="panel" aria-labelledby="gallery-h">
      <h2 id="gallery-h">3 · Test images <span className="muted">— click one to attack it</span></h2>
      <ul className="gallery" data-testid="gallery">
        {gallery.map((g) => {
          const p = byIndex.get(g.index);
          return (
            <li key={g.index}>
              <button type="button" className={`thumb ${selected === g.index ? 'selected' : ''} ${p ? (p.correct ? 'right' : 'wrong') : ''}`}
                aria-pressed={selected === g.index} data-index={g.index}
                aria-label={`test image ${g.index}, true class ${names[g.label]}${p ? `, predicted ${names[p.predicted]}` : ''}`}
                onClick={() => selectImage(g.index)}>
                <PixelImage pixels={g.pixels} shape={dataset.shape} size={72} label="" />
                <span className="pred" data-testid="prediction">
                  {p ? <>{p.correct ? '✓' : '✗'} {names[p.predicted]} <small>{(100 * p.confidence).toFixed(1)}%</small></> : '…'}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <p className="muted">✓ correct · ✗ wrong (true class: {dataset.dataset === 'mnist' ? 'the digit shown' : 'hover for details'}). Percent = the model's confidence in its answer.</p>
    </section>
  );
}
