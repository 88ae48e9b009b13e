import { useAppStore } from '../state/react';

/**
 * Text between backticks is shown as code: that is where the URL schema puts every value it echoes from a
 * link (already cleaned and cut by url-schema's `quote`), so a link's text never reads as the app's prose.
 */
function NoticeText({ text }: { text: string }) {
  return <span>{text.split('`').map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part))}</span>;
}

/** Loud, dismissable messages: failed backend overrides, failed self-checks, bad links. */
export function Notices() {
  const notices = useAppStore((s) => s.notices);
  const dismiss = useAppStore((s) => s.dismissNotice);
  if (!notices.length) return null;
  return (
    <div className="notices">
      {notices.length > 1
        ? <button type="button" className="dismiss-all" onClick={() => { for (const n of notices) dismiss(n.id); }}>
          Dismiss all {notices.length} notices</button>
        : null}
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.tone}`} role={n.tone === 'info' ? 'status' : 'alert'} data-testid="notice">
          <NoticeText text={n.text} />
          <button type="button" aria-label="dismiss" onClick={() => dismiss(n.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
