/** Which TF.js backend computes, why, on what hardware, whether JumpReLU passed its self-check; switchable. */
import { useShallow } from 'zustand/react/shallow';
import { backendStatus } from '../../state/selectors';
import { useAppStore } from '../../state/react';
import type { BackendName } from '../../worker/jobs';

const CHOICES: BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export function BackendPanel() {
  const backend = useAppStore((s) => s.backend);
  const { status, error } = useAppStore(useShallow(backendStatus));
  const requestBackend = useAppStore((s) => s.requestBackend);
  if (status === 'error') {
    return (
      <div className="backend bad" role="alert">
        The lab could not start. {error}{' '}
        <button type="button" onClick={() => location.reload()}>Reload</button>
      </div>
    );
  }
  if (!backend) return <div className="backend" data-testid="backend">Starting the compute engine…</div>;
  const { choice, selfCheck } = backend;
  const adapter = choice.adapter;
  return (
    <div className="backend" data-testid="backend">
      <label>
        Backend{' '}
        <select value={choice.backend} disabled={status === 'switching'} aria-label="TF.js backend"
          onChange={(e) => void requestBackend(e.target.value as BackendName)}>
          {CHOICES.map((b) => <option key={b} value={b}>{b}</option>)}
        </select>
      </label>
      {status === 'switching' ? <span className="muted"> switching…</span> : null}
      <span className={selfCheck.ok ? 'ok' : 'bad'} title={selfCheck.detail}>
        {selfCheck.ok ? ' ✓ JumpReLU self-check passed' : ' ✗ JumpReLU self-check FAILED'}
      </span>
      <details>
        <summary>details</summary>
        <p>{selfCheck.detail} ({selfCheck.ms.toFixed(0)} ms)</p>
        {choice.wasm ? <p>WASM: SIMD {choice.wasm.simd ? 'on' : 'off'}, threads {choice.wasm.threads ? 'on' : 'off'}</p> : null}
        <p>GPU adapter: {adapter ? `${adapter.vendor || '?'} ${adapter.architecture} ${adapter.description}${adapter.isFallbackAdapter ? ' (software fallback)' : ''}` : 'none'}</p>
        <ul>{choice.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
      </details>
    </div>
  );
}
