/** "Copy link": the address bar already holds the whole view (see state/url-sync.ts). */
import { useState } from 'react';

export function CopyLink() {
  const [copied, setCopied] = useState<'idle' | 'ok' | 'failed'>('idle');
  const copy = () => {
    navigator.clipboard.writeText(location.href).then(() => setCopied('ok'), () => setCopied('failed'));
    setTimeout(() => setCopied('idle'), 2500);
  };
  return (
    <span className="copy-link">
      <button type="button" onClick={copy} title="Copy a link that opens exactly this view">Copy link</button>
      <span role="status" className="muted">{copied === 'ok' ? ' copied' : copied === 'failed' ? ' copy failed — use the address bar' : ''}</span>
    </span>
  );
}
