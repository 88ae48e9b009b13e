/**
 * The paper's Figures 5 and 6 for one image: clean, adversarial and |Δx| for the unprotected (κ = 0) and the
 * retrofitted model side by side. Both perturbation maps share one colour scale so their sizes compare.
 */
import { useEffect, useRef } from 'react';
import { downloadBlob, pixelsToPng } from '../../components/export';
import { PixelImage, RedsLegend, RedsMap } from '../../components/pixel-image';
import { reveal } from '../../components/reveal';
import { useAppStore } from '../../state/react';
import type { AttackPairResult, AttackSide, Prediction, SideNumbers } from '../../worker/jobs';
import { ExactBeside } from './exact-beside';
import { attackHeadline, modeName } from './headline';

const IMG = 168;

function Top({ p, names, label }: { p: Prediction; names: string[]; label: number }) {
  return (
    <ol className="top">
      {p.top.map((t) => (
        <li key={t.cls} className={t.cls === label ? 'true-class' : ''}>
          <span className="cls">{names[t.cls]}</span>
          <span className="bar"><span style={{ width: `${100 * t.p}%` }} /></span>
          <span className="p">{(100 * t.p).toFixed(1)}%</span>
        </li>
      ))}
    </ol>
  );
}

/** What happened to one side, in words; a targeted run says whether its target was reached. */
function outcome(r: AttackPairResult, side: AttackSide, names: string[]): string {
  const t = r.request.target ?? null;
  const now = names[side.adversarial.predicted];
  if (t === null) return side.skipped ? 'already wrong — not attacked' : side.success ? `fooled: ${names[r.label]} → ${now}` : 'not fooled (attack failed)';
  if (side.skipped) return `already ${names[t]} — not attacked`;
  return side.success ? `target reached: ${names[r.label]} → ${names[t]}` : `target ${names[t]} not reached (now ${now})`;
}

const rhoText = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)} %`);

function Column({ r, side, other, title, names, max, shape }: {
  r: AttackPairResult; side: AttackSide; other: SideNumbers | null; title: string; names: string[]; max: number; shape: [number, number, number];
}) {
  const [h, w] = shape;
  const normName = r.norm === 'l2' ? 'L2' : 'L∞';
  return (
    <div className="side" data-testid={side.kappa === 0 && !side.randomized ? 'side-unprotected' : 'side-protected'}>
      <h3>{title}</h3>
      <div className="triple">
        <figure>
          <PixelImage pixels={r.cleanPixels} shape={shape} size={IMG} label="clean image" />
          <figcaption>clean → <strong>{names[side.clean.predicted]}</strong></figcaption>
          <Top p={side.clean} names={names} label={r.label} />
        </figure>
        <figure>
          <PixelImage pixels={side.advPixels} shape={shape} size={IMG} label="adversarial image" />
          <figcaption>adversarial → <strong className={side.success ? 'bad' : 'ok'}>{names[side.adversarial.predicted]}</strong></figcaption>
          <Top p={side.adversarial} names={names} label={r.label} />
          {/* Under the scores, not in the caption: a finger-sized button there would push this column's scores
              below the clean image's. */}
          <button type="button" className="link" title="The adversarial image at its native resolution"
            onClick={() => void pixelsToPng(side.advPixels, shape).then((b) => downloadBlob(
              `adversarial-${r.request.attackId}-${r.request.ownPixels ? 'own' : `img${r.request.imageIndex}`}-kappa${side.kappa}.png`, b))}>PNG</button>
        </figure>
        <figure>
          <RedsMap values={side.deltaAbs} height={h} width={w} max={max} size={IMG} label="perturbation magnitude" />
          <figcaption>|Δx| (perturbation)</figcaption>
        </figure>
      </div>
      <table className="numbers">
        <tbody>
          <tr><th>result</th><td data-testid="success">{outcome(r, side, names)}</td></tr>
          <tr><th>‖Δ‖₂</th><td>{side.l2.toFixed(3)} <small>(normalised units)</small></td></tr>
          <tr><th>‖Δ‖∞</th><td>{side.linf.toFixed(3)} <small>(normalised units)</small></td></tr>
          <tr><th>ρ ({normName})</th><td data-testid="rho">{rhoText(side.rho)} <small>of ‖x‖, {modeName(r.request.gradientMode, r.request.smoothingTau)}</small></td></tr>
          <tr><th title="The smallest scale of the same Δ that still fools">ρ refined</th><td data-testid="rho-refined">{rhoText(side.rhoRefined)}
            <small>{side.rhoRefined === null ? (side.success ? ' (fixed-ε attack: not refined)' : ' (not fooled: nothing to refine)') : r.request.target != null ? ' at the target class\'s boundary along Δ' : ' at the boundary along Δ'}</small></td></tr>
          <tr><th>iterations</th><td>{side.iterations}{side.craftedOn === 'kappa-0' ? ' (crafted on κ = 0)' : ''}</td></tr>
          {other && r.companion ? (
            <tr data-testid="companion"><th>{modeName(r.companion.gradientMode, r.request.smoothingTau)}</th>
              <td>ρ <span data-testid="companion-rho">{rhoText(other.rho)}</span>, refined <span data-testid="companion-rho-refined">{rhoText(other.rhoRefined)}</span>
                {other.success ? '' : ' (not fooled)'}; {other.iterations} {other.iterations === 1 ? 'iteration' : 'iterations'}</td></tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

export function AttackResultView() {
  const r = useAppStore((s) => s.jobs.attack.result);
  const dataset = useAppStore((s) => s.dataset);
  const attack = useAppStore((s) => s.attacks.find((a) => a.id === r?.request.attackId));
  const attackLabel = attack?.label ?? r?.request.attackId;
  const kappaNow = useAppStore((s) => s.kappa);
  // A new result (a Run finished) comes into view, headline first; the headline is announced (role=status).
  const shown = useRef<HTMLDivElement>(null);
  useEffect(() => { if (r) reveal(shown.current); }, [r]);
  if (!r || !dataset) return null;
  const names = dataset.classNames;
  let max = 0;
  for (const v of r.unprotected.deltaAbs) if (v > max) max = v;
  for (const v of r.protected.deltaAbs) if (v > max) max = v;
  const k = r.request.kappa;
  return (
    <div className="result" data-testid="attack-result" ref={shown}>
      <p className="summary" role="status" aria-live="polite">
        True class: <strong>{names[r.label]}</strong>. {attackLabel}, {r.request.threat}, {(r.ms / 1000).toFixed(1)} s.{' '}
        <strong data-testid="attack-headline">{attackHeadline(r, { label: attackLabel ?? r.request.attackId, kind: attack?.kind ?? 'minimization', classNames: names })}</strong>
      </p>
      {r.companionNote ? <p className="muted small" data-testid="companion-note">{r.companionNote}</p> : null}
      {kappaNow !== k ? <p className="warn">Computed at κ = {k}; κ is now {kappaNow}. Run the attack again to update.</p> : null}
      <div className="sides">
        <Column r={r} side={r.unprotected} other={r.companion?.unprotected ?? null} title="Unprotected (ReLU, κ = 0)" names={names} max={max} shape={dataset.shape} />
        <Column r={r} side={r.protected} other={r.companion?.protected ?? null} title={`Retrofitted (JumpReLU, κ = ${k}${r.request.randomized ? ', randomized' : ''})`}
          names={names} max={max} shape={dataset.shape} />
      </div>
      <RedsLegend max={max} unit="pixel units (0–1), same scale for both maps" />
      <ExactBeside r={r} shape={dataset.shape} />
    </div>
  );
}
