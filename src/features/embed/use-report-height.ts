/**
 * Embed mode: tell the hosting page how tall the content is, whenever it changes, so the host can size the
 * <iframe> to fit (the message carries no data but the height; any origin may host the lab).
 */
import { useEffect } from 'react';

export const RESIZE_MESSAGE = 'jumprelu-lab:resize';

export interface ResizeMessage {
  type: typeof RESIZE_MESSAGE;
  height: number;
}

export function useReportHeight(): void {
  useEffect(() => {
    if (window.parent === window) return;
    let last = -1;
    const report = () => {
      const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height === last) return;
      last = height;
      const msg: ResizeMessage = { type: RESIZE_MESSAGE, height };
      // targetOrigin '*' on purpose: any course site may host the lab, and the height is all the message
      // says — nothing a page of another origin should not see. The lab never listens for messages back
      // (e2e/hardening.spec.ts checks that a hostile parent's messages change nothing).
      window.parent.postMessage(msg, '*');
    };
    const ro = new ResizeObserver(report);
    ro.observe(document.body);
    report();
    return () => ro.disconnect();
  }, []);
}
