/** Attack the selected image on the unprotected and the retrofitted model, and compare the two. */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ProgressBar } from '../../components/progress-bar';
import { PixelImage } from '../../components/pixel-image';
import { attackParamsFor } from '../../state/attack-params';
import { useAppStore } from '../../state/react';
import type { GradientMode, ParamSpec, ParamValue, ThreatModel } from '../../worker/jobs';
import { AttackResultView } from './attack-result';

const GRADIENT_MODES: { mode: GradientMode; label: string; doc: string }[] = [
  { mode: 'exact', label: 'exact', doc: 'dJ/dz = 1 where z > κ: the paper\'s protocol. It ignores the jump of height κ at z = κ.' },
  { mode: 'straight-through', label: 'straight-through (BPDA)', doc: 'backward as if the units were ReLUs, 1 where z > 0; the forward pass stays JumpReLU.' },
  { mode: 'smoothed', label: 'smoothed', doc: 'backward of z·σ((z − κ)/τ), a smooth stand-in that spreads the jump over about τ.' },
];

/** τ keeps what is typed; the store takes it only when the core's rule accepts it (finite, > 0). */
function TauBox({ disabled }: { disabled: boolean }) {
  const tau = useAppStore((s) => s.smoothingTau);
  const setTau = useAppStore((s) => s.setSmoothingTau);
  const [draft, setDraft] = useState<{ text: string; refusal: string | null } | null>(null);
  return (
    <label className="param-inline">τ{' '}
      <input type="number" aria-label="smoothing tau" step={0.01} min={0.001} value={draft?.text ?? String(tau)} disabled={disabled}
        aria-invalid={draft?.refusal ? true : undefined} onBlur={() => setDraft(null)}
        onChange={(e) => setDraft({ text: e.target.value, refusal: setTau(e.target.value.trim() === '' ? NaN : Number(e.target.value)) })} />
      {draft?.refusal ? <small className="refusal" role="alert">{draft.refusal}</small> : null}
    </label>
  );
}

function GradientModePicker({ usesGradients, disabled }: { usesGradients: boolean; disabled: boolean }) {
  const mode = useAppStore((s) => s.gradientMode);
  const setMode = useAppStore((s) => s.setGradientMode);
  return (
    <fieldset className="threat" data-testid="gradient-mode">
      <legend>Attacker's gradients through JumpReLU</legend>
      {usesGradients ? GRADIENT_MODES.map((g) => (
        <label key={g.mode} title={g.doc}>
          <input type="radio" name="gradient-mode" value={g.mode} checked={mode === g.mode} disabled={disabled} onChange={() => setMode(g.mode)} /> {g.label}
          <small className="muted"> — {g.doc}</small>
        </label>
      )) : <p className="muted small">This attack reads only the model's scores, never its gradients, so gradient masking cannot mislead it.</p>}
      {usesGradients && mode === 'smoothed' ? <TauBox disabled={disabled} /> : null}
      <details>
        <summary>Why change the gradients? (gradient masking)</summary>
        <p className="small">JumpReLU zeroes every unit with 0 &lt; z ≤ κ, and its derivative, 1 where z &gt; κ, says nothing about the jump
          of height κ at z = κ. A gradient attack that trusts it steps blindly across that jump: it overshoots or stalls, so it needs a larger
          perturbation than the model really requires. That is <em>gradient masking</em> — the defence hides the way to the boundary
          instead of moving the boundary.</p>
        <p className="small">The straight-through attacker (BPDA, Athalye et al. 2018) runs the real JumpReLU forward pass but takes ReLU's
          backward. It is fair because the attacker still has to fool the real model: every adversarial image is checked with the exact
          forward pass, and ρ is measured there. Only the direction-finding uses the surrogate gradient; if the defence were real, a better
          direction could not make the perturbation smaller.</p>
      </details>
    </fieldset>
  );
}

/**
 * A number box keeps what is typed; the store takes it only when the range rule accepts it as is, and
 * otherwise the rule's notice shows under the box until the value is fixed or the box is left.
 */
function NumberBox({ id, spec, value, onChange, disabled }: { id: string; spec: ParamSpec; value: ParamValue; onChange: (v: ParamValue) => string | null; disabled: boolean }) {
  const [draft, setDraft] = useState<{ text: string; refusal: string | null } | null>(null);
  const stored = value === null ? '' : String(value);
  return (
    <>
      <input id={id} type="number" value={draft?.text ?? stored} min={spec.min} max={spec.max} step={spec.step ?? 'any'}
        disabled={disabled} placeholder={spec.nullable ? 'all' : undefined} aria-invalid={draft?.refusal ? true : undefined}
        onBlur={() => setDraft(null)}
        onChange={(e) => {
          const text = e.target.value;
          if (text === '' && !spec.nullable) return setDraft({ text, refusal: null });
          const refusal = onChange(text === '' ? null : Number(text));
          setDraft({ text, refusal });
        }} />
      {draft?.refusal ? <small className="refusal" role="alert">{draft.refusal}</small> : null}
    </>
  );
}

function ParamInput({ spec, value, onChange, disabled }: { spec: ParamSpec; value: ParamValue; onChange: (v: ParamValue) => string | null; disabled: boolean }) {
  const id = `param-${spec.key}`;
  let input;
  if (spec.kind === 'boolean') {
    input = <input id={id} type="checkbox" checked={Boolean(value)} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />;
  } else if (spec.kind === 'enum') {
    input = (
      <select id={id} value={String(value)} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {(spec.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    );
  } else {
    input = <NumberBox id={id} spec={spec} value={value} onChange={onChange} disabled={disabled} />;
  }
  return (
    <div className="param">
      <label htmlFor={id}>{spec.label}</label>
      {input}
      <small className="muted">{spec.doc}{spec.default === null ? '' : ` (default ${String(spec.default)})`}</small>
    </div>
  );
}

export function AttackPanel() {
  const selected = useAppStore((s) => s.selectedImage);
  const dataset = useAppStore((s) => s.dataset);
  const gallery = useAppStore((s) => s.gallery);
  const attacks = useAppStore((s) => s.attacks);
  const attackId = useAppStore((s) => s.attackId);
  const threat = useAppStore((s) => s.threat);
  const { status, progress, error } = useAppStore((s) => s.jobs.attack);
  const kappa = useAppStore((s) => s.kappa);
  const params = useAppStore(useShallow((s) => attackParamsFor(s, s.attackId)));
  const own = useAppStore((s) => (s.attackOwn ? s.ownImage : null));
  const target = useAppStore((s) => s.target);
  const actions = useAppStore(useShallow((s) => ({
    setTarget: s.setTarget, clearOwn: s.clearOwn,
    setAttackId: s.setAttackId, setThreat: s.setThreat, setAttackParam: s.setAttackParam, resetAttackParams: s.resetAttackParams,
    startAttack: s.startAttack, cancelAttack: s.cancelAttack, selectImage: s.selectImage,
  })));
  // Read once: the disclosure then stays as the user leaves it.
  const [wideAtMount] = useState(() => typeof matchMedia === 'function' && matchMedia('(min-width: 861px)').matches);
  if ((selected === null && !own) || !dataset) {
    return (
      <section className="panel attack" aria-labelledby="attack-h" data-reveal="attack">
        <h2 id="attack-h">4 · Attack</h2>
        <p className="muted">Pick a test image (or draw or upload your own, below) to attack it.</p>
      </section>
    );
  }
  const image = own ? { pixels: own } : gallery.find((g) => g.index === selected);
  const desc = attacks.find((a) => a.id === attackId);
  const running = status === 'running' || status === 'cancelling';
  const tuned = desc?.params.length ?? 0;
  return (
    <section className="panel attack" aria-labelledby="attack-h" data-reveal="attack">
      <h2 id="attack-h">4 · Attack {own ? 'your image' : `test image #${selected}`}</h2>
      {/* Areas (app.css): picked image, attack and target, Run, gradients, Advanced. On a phone they stack in
          that order, so the picked image and Run share the screen the pick scrolled to. */}
      <div className="attack-controls">
        <div className="attack-image">
          {image ? <PixelImage pixels={image.pixels} shape={dataset.shape} size={96} label={own ? 'your image' : `selected image ${selected}`} /> : null}
        </div>
        <div className="attack-main">
          <label>Attack{' '}
            <select value={attackId} disabled={running} aria-label="attack" onChange={(e) => actions.setAttackId(e.target.value)}>
              {attacks.map((a) => <option key={a.id} value={a.id}>{a.label}</option>)}
            </select>
          </label>
          {desc ? <p className="explain">{desc.summary}</p> : null}
          <label className="target-row">Make it a{' '}
            <select value={target === null ? '' : String(target)} disabled={running} aria-label="target class"
              onChange={(e) => actions.setTarget(e.target.value === '' ? null : Number(e.target.value))}>
              <option value="">any wrong class (untargeted)</option>
              {dataset.classNames.map((n, i) => <option key={n} value={i}>{n} (targeted)</option>)}
            </select>
          </label>
        </div>
        <div className="attack-actions">
          {/* aria-disabled, not disabled: a disabled button loses focus to <body> the moment it is pressed. */}
          <button type="button" className="primary" aria-disabled={running} onClick={() => { if (!running) actions.startAttack(); }}>Run {desc?.label ?? 'attack'}</button>
          <button type="button" aria-disabled={!running} onClick={() => { if (running) actions.cancelAttack(); }}>Cancel</button>
          <button type="button" className="link" onClick={() => (own ? actions.clearOwn() : actions.selectImage(null))}>close</button>
          {status === 'cancelled' ? <span className="muted" data-testid="attack-status">Attack cancelled.</span> : null}
          {status === 'cancelling' ? <span className="muted" data-testid="attack-status">Cancelling…</span> : null}
        </div>
        <div className="attack-grad">
          <GradientModePicker usesGradients={desc?.usesGradients ?? true} disabled={running} />
        </div>
        {/* Open on a wide screen (room to spare), closed on a phone: there the threat model and the attack's own
            parameters would push the result a screen further down. */}
        <details className="advanced" open={wideAtMount}>
          <summary>Advanced: threat model{tuned ? ` and ${tuned} parameter${tuned > 1 ? 's' : ''}` : ''}</summary>
          <fieldset className="threat">
            <legend>Threat model</legend>
            {(['white-box', 'gray-box'] as ThreatModel[]).map((t) => (
              <label key={t}>
                <input type="radio" name="threat" value={t} checked={threat === t} disabled={running} onChange={() => actions.setThreat(t)} />{' '}
                {t === 'white-box' ? `white-box: craft on each model itself (κ = 0 and κ = ${kappa})` : `gray-box: craft on κ = 0, then show it to κ = ${kappa}`}
              </label>
            ))}
          </fieldset>
          <div className="params">
            {desc?.params.map((p) => <ParamInput key={p.key} spec={p} value={params[p.key]} disabled={running}
              onChange={(v) => actions.setAttackParam(p.key, v)} />)}
            {desc?.params.length ? <button type="button" className="link" disabled={running} onClick={actions.resetAttackParams}>reset to paper defaults</button> : null}
          </div>
        </details>
      </div>
      {running && progress ? <ProgressBar done={progress.done} total={progress.total} label={progress.label} /> : null}
      {running && !progress ? <ProgressBar done={0} total={1} label="starting…" /> : null}
      {status === 'error' ? <div className="error" role="alert">Attack failed: {error}</div> : null}
      <AttackResultView />
    </section>
  );
}
