/** Links between the embed and the full app: the same view, with or without `embed=`. Pure. */
import type { AppState } from '../../state/store';
import { EMBED_HEIGHTS, type EmbedPanelId } from '../../state/panels';
import { encode } from '../../state/url-schema';
import { urlStateFromStore } from '../../state/url-sync';
import { RESIZE_MESSAGE } from './use-report-height';

/** `base`: the app's page URL without query, e.g. https://course.example/lab/ (any sub-path works). */
export function fullAppUrl(s: AppState, base: string): string {
  return `${base}${encode({ ...urlStateFromStore(s), embed: null })}`;
}

/** The embed's src: the view without the author's backend (each reader's browser picks its own). */
export function embedUrl(s: AppState, base: string, panels: EmbedPanelId[]): string {
  return `${base}${encode({ ...urlStateFromStore(s), backend: null, embed: panels })}`;
}

const escapeAttr = (v: string): string => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The embed's footer (35 px): the heights above are measured without it. */
const EMBED_FOOT = 35;

/** The no-script snippet's fixed height for a panel set: the panels as they open plus what a run adds, rounded up to 10 px. */
export function fixedEmbedHeight(panels: EmbedPanelId[]): number {
  const h = panels.reduce((sum, p) => sum + EMBED_HEIGHTS[p].open + EMBED_HEIGHTS[p].grows, EMBED_FOOT);
  return Math.ceil(h / 10) * 10;
}

/**
 * The snippet for editors that strip <script> (course platforms' rich-text editors often do): the iframe alone,
 * at the panel set's fixed height; what does not fit scrolls inside the frame.
 */
export function iframeSnippetNoScript(src: string, panels: EmbedPanelId[]): string {
  return `<iframe src="${escapeAttr(src)}" title="JumpReLU Lab" width="100%" height="${fixedEmbedHeight(panels)}" style="border:0;max-width:100%" loading="lazy" allow="cross-origin-isolated; clipboard-write"></iframe>`;
}

/**
 * The snippet a teacher pastes into course material: the iframe, and a few lines that let it grow to fit
 * its content (the embed posts its height). `allow="cross-origin-isolated"` lets the embed use wasm
 * threads when the host page is itself cross-origin isolated; elsewhere it runs single-threaded.
 */
export function iframeSnippet(src: string, height: number): string {
  const origin = new URL(src).origin;
  return [
    `<iframe src="${escapeAttr(src)}" title="JumpReLU Lab" width="100%" height="${height}" style="border:0;max-width:100%"`,
    `  loading="lazy" allow="cross-origin-isolated; clipboard-write"></iframe>`,
    `<script>`,
    `addEventListener('message', function (e) {`,
    `  if (e.origin !== '${origin}' || !e.data || e.data.type !== '${RESIZE_MESSAGE}') return;`,
    `  document.querySelectorAll('iframe').forEach(function (f) {`,
    `    if (f.contentWindow === e.source) f.style.height = e.data.height + 'px';`,
    `  });`,
    `});`,
    `</script>`,
  ].join('\n');
}
