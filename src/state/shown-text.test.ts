/** User-supplied text is shown by one rule: the link values' `quote`, in the state and in the core. */
import { describe, expect, it } from 'vitest';
import { quoteText } from '../core/models/quoted-text';
import { scrub, shown } from './shown-text';
import { quote } from './url-schema';

const SAMPLES = [
  '', 'my-net', 'https://example.org/nets/a/model.json', `evil\u202Egnp.exe`, 'a\u2066b\u2069c\u200Bd\u0000e\n',
  'x'.repeat(40), 'x'.repeat(41), `${'y'.repeat(39)}\u202E`, 'tick`tock', '\u{1F600}'.repeat(50), 'wait…', `${'z'.repeat(40)}…`,
];

describe('shown text', () => {
  it('quotes as a link value is quoted: format characters replaced, cut at 40 with an ellipsis, as code', () => {
    expect(quote).toBe(quoteText);
    expect(quote('a\u202Eb`c')).toBe('`a\uFFFDb\'c`');
    expect(quote('w'.repeat(20_000))).toBe(`\`${'w'.repeat(40)}…\``);
  });

  it('shown is quote without its code marks: no control or bidi character, at most 40 characters and an ellipsis', () => {
    for (const s of SAMPLES) {
      const text = shown(s);
      expect(text).not.toMatch(/[\p{Cc}\p{Cf}`]/u);
      expect([...text].length).toBeLessThanOrEqual(41);
      if (!s.endsWith('…')) expect(`\`${text}\``).toBe(quote(s));
    }
    expect(shown(`\u202Eevil${'a'.repeat(20_000)}`)).toBe(`\uFFFDevil${'a'.repeat(35)}…`);
  });

  it('is idempotent: a name shown, kept and shown again is cut once', () => {
    for (const s of [...SAMPLES, 'q'.repeat(20_000)]) expect(shown(shown(s))).toBe(shown(s));
  });

  it('scrub replaces the characters quote replaces, and cuts nothing', () => {
    for (const s of SAMPLES.filter((x) => [...x].length <= 40)) expect(`\`${scrub(s).replaceAll('`', "'")}\``).toBe(quote(s));
    expect(scrub(`file \u202Eevil${'n'.repeat(20_000)}`)).toBe(`file \uFFFDevil${'n'.repeat(20_000)}`);
  });
});
