/**
 * Inside the network: for each JumpReLU layer, the histogram of its pre-activations z on the image being
 * attacked (or test image 0), with the lines z = 0 and z = κ. Units left of 0 are silent under plain ReLU
 * too; units between 0 and κ are the ones the jump silences. Moves with the κ slider.
 */
import { useAppStore } from '../../state/react';
import type { PreActivationStats } from '../../worker/jobs';

const W = 300;
const H = 70;
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function Layer({ s, kappa }: { s: PreActivationStats; kappa: number }) {
  const max = Math.max(1, ...s.counts);
  const x = (z: number) => ((z - s.lo) / (s.hi - s.lo)) * W;
  const bw = W / s.counts.length;
  const binStart = (i: number) => s.lo + (i * (s.hi - s.lo)) / s.counts.length;
  // Bars: gray where ReLU silences (z ≤ 0), red where only the jump does (0 < z ≤ κ), blue where units pass.
  const color = (i: number) => (binStart(i + 1) <= 0 ? '#b8bfcc' : binStart(i) < kappa ? '#d9534f' : '#4a6fb5');
  return (
    <figure className="layer-hist" data-testid="layer-histogram" data-layer={s.layer} data-jump={s.jump.toFixed(6)}>
      <figcaption><strong>{s.layer}</strong> <span className="muted">({s.units.toLocaleString()} units)</span></figcaption>
      <svg viewBox={`0 0 ${W} ${H + 14}`} role="img" aria-label={`histogram of z in ${s.layer}: ${pct(s.relu)} at or below 0, ${pct(s.jump)} between 0 and κ`}>
        {s.counts.map((c, i) => {
          const h = (Math.sqrt(c) / Math.sqrt(max)) * H;
          return <rect key={i} x={i * bw} y={H - h} width={Math.max(0.5, bw - 0.5)} height={h} fill={color(i)} />;
        })}
        <line x1={x(0)} x2={x(0)} y1={0} y2={H} stroke="#1d2330" strokeWidth={1} strokeDasharray="3 2" />
        <line x1={x(kappa)} x2={x(kappa)} y1={0} y2={H} stroke="#b4231c" strokeWidth={2} data-testid="kappa-line" />
        <text x={Math.min(W - 30, x(kappa) + 3)} y={10} fontSize={12} fill="#b4231c">κ</text>
        <text x={0} y={H + 12} fontSize={12} fill="#667085">{s.lo.toFixed(1)}</text>
        <text x={W} y={H + 12} fontSize={12} fill="#667085" textAnchor="end">{s.hi.toFixed(1)}</text>
      </svg>
      <p className="small">silenced by ReLU (z ≤ 0): <strong>{pct(s.relu)}</strong> · by the jump (0 &lt; z ≤ κ): <strong className="bad" data-testid="jump-share">{pct(s.jump)}</strong></p>
    </figure>
  );
}

export function InsidePanel() {
  const open = useAppStore((s) => s.insideOpen);
  const setOpen = useAppStore((s) => s.setInsideOpen);
  const kappa = useAppStore((s) => s.kappa);
  const randomized = useAppStore((s) => s.randomized);
  const { result, status, error } = useAppStore((s) => s.jobs.histogram);
  const which = useAppStore((s) => (s.attackOwn && s.ownImage ? 'your image' : `test image #${s.selectedImage ?? 0}`));
  return (
    <section className="panel inside" aria-labelledby="inside-h" data-testid="inside-panel">
      <h2 id="inside-h">Inside the network <span className="muted">— what κ does</span></h2>
      <label className="toggle"><input type="checkbox" checked={open} onChange={(e) => setOpen(e.target.checked)} /> show each layer's values z on {which}</label>
      {open ? (
        <>
          <p className="explain">
            Every neuron computes a value z. ReLU passes z when it is above 0; JumpReLU only when it is above κ. Gray: silent
            either way; <span className="bad">red: silenced only by the jump</span>; blue: passed on. Move κ and watch the red part grow —
            a small nudge to the image can no longer tip many neurons over the edge.{randomized ? ' (Shown at the fixed κ = b.)' : ''}
          </p>
          {status === 'error' ? <div className="error" role="alert">{error}</div> : null}
          <div className="layers" aria-busy={status === 'running'}>
            {result?.layers.map((l) => <Layer key={l.layer} s={l} kappa={result.request.kappa} />)}
          </div>
          {result ? <p className="muted small" data-testid="inside-kappa" data-kappa={result.request.kappa}>at κ = {result.request.kappa} · computed in {result.ms.toFixed(0)} ms{result.request.kappa !== kappa ? ' (updating…)' : ''}</p> : null}
        </>
      ) : null}
    </section>
  );
}
