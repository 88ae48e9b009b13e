/**
 * User-supplied text (a URL, a file or model name, a link's value) made safe to echo in a message — the one
 * rule, used by the core's refusals and by state/url-schema.ts's `quote`: control, bidi-override and other
 * invisible format characters become a visible U+FFFD, backticks (the code marker of notices and refusals)
 * become ', and the text is cut to 40 characters with an ellipsis and marked as code.
 */
const ECHO_MAX = 40;

export function quoteText(raw: string): string {
  const clean = [...raw.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}`]/gu, (c) => (c === '`' ? "'" : '\uFFFD'))];
  return `\`${clean.length > ECHO_MAX ? `${clean.slice(0, ECHO_MAX).join('')}…` : clean.join('')}\``;
}
