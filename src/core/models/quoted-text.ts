/**
 * User-supplied text (a URL, a file or model name, a link's value) made safe to echo in a message — the one
 * rule, used by the core's refusals and by state/url-schema.ts's `quote`: control, bidi-override and other
 * invisible format characters become a visible U+FFFD, backticks (the code marker of notices and refusals)
 * become ', and the text is cut to 40 characters with an ellipsis and marked as code.
 */
const ECHO_MAX = 40;

/** Characters that can reorder or hide the text around them: controls, format (bidi) and unassigned. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/u;

export const hasInvisible = (text: string): boolean => INVISIBLE.test(text);

/** A whole message embedding user text: those characters made visible (U+FFFD), nothing cut. */
export const scrubText = (text: string): string => text.replace(new RegExp(INVISIBLE.source, 'gu'), '\uFFFD');

/** User text as page text: scrubbed, backticks (the code marker) as ', cut to 40 characters with an ellipsis. */
export function plainText(raw: string): string {
  const clean = [...scrubText(raw).replace(/`/g, "'")];
  return clean.length > ECHO_MAX ? `${clean.slice(0, ECHO_MAX).join('')}…` : clean.join('');
}

/** User text in a message, marked as code. */
export const quoteText = (raw: string): string => `\`${plainText(raw)}\``;
