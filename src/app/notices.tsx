import { useAppStore } from '../state/react';

/** Loud, dismissable messages: failed backend overrides, failed self-checks, bad links. */
export function Notices() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismissNotice);
  if (!notices.length) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.tone}`} role={n.tone === 'info' ? 'status' : 'alert'} data-testid="notice">
          <span>{n.text}</span>
          <button type="button" aria-label="dismiss" onClick={() => dismiss(n.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
