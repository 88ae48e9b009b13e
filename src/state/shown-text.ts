/**
 * User-supplied text shown as page text (a model's name, a file name, a URL): the link values' quoting
 * (url-schema's `quote`: control, bidi and invisible format characters become U+FFFD, cut to 40 characters
 * with an ellipsis) without its code marks, so a name can neither reorder the text around it nor widen the
 * page. Idempotent: a name already shown (kept in IndexedDB, say) is not cut again.
 */
import { plainText, scrubText } from '../core/models/quoted-text';

export function shown(raw: string): string {
  const cut = raw.endsWith('…');
  const text = plainText(cut ? raw.slice(0, -1) : raw);
  return cut && !text.endsWith('…') ? `${text}…` : text;
}

/**
 * A whole message that embeds user text (a refusal naming a file): the same characters replaced, nothing
 * cut (the message's own words stay; its box wraps anywhere).
 */
export const scrub = scrubText;
