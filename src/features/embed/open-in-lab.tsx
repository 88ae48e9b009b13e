/** The embed's way out: the full app with exactly this configuration, in a new tab. */
import { useAppStore } from '../../state/react';
import { fullAppUrl } from './embed-links';
import { useReportHeight } from './use-report-height';

export function OpenInLab() {
  const href = useAppStore((s) => fullAppUrl(s, `${location.origin}${location.pathname}`));
  return <a className="open-in-lab" href={href} target="_blank" rel="noopener" data-testid="open-in-lab">Open in JumpReLU Lab ↗</a>;
}

/** Mounted once by the embed layout: keeps the host's iframe as tall as the content. */
export function HeightReporter() {
  useReportHeight();
  return null;
}
