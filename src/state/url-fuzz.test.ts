/**
 * A seeded fuzz over whole links, in the spirit of the hostile-user probe: random and repeated keys, huge,
 * negative and non-finite numbers, lenient number forms, unicode with bidi overrides and control characters,
 * malformed percent escapes, and values of 20,000+ characters. Same seed, same links: a failure reproduces.
 */
import { describe, expect, it } from 'vitest';
import { encodeDrawing } from '../core/input/drawing-code';
import { decode, encode, URL_FIELDS } from './url-schema';
import { storeFromUrl } from './url-sync';

/** mulberry32: small, fast, and the same sequence on every machine. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

const NASTY = ['\u202E', '\u202D', '\u2066', '\u2067', '\u2069', '\u200B', '\u200F', '\uFEFF', '\u0000', '\u0007', '\u001B', '\u007F', '\u0085',
  '\u2028', '\u2029', '\uE000', '\uFFFF', '\uD800', '\uDFFF', '`', '&', '=', '#', '?', '%', '+', ' ', '\n', '\r', '\t', '😀', 'é', 'ß', 'İ', '٣', '１'];
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789-_.,';
const drawing = encodeDrawing(Uint8Array.from({ length: 784 }, (_, i) => (i * 37) % 256));

function text(r: Rng, max: number): string {
  let s = '';
  const n = r.int(max + 1);
  for (let i = 0; i < n; i++) s += r.next() < 0.3 ? r.pick(NASTY) : ALPHABET[r.int(ALPHABET.length)];
  return s;
}

function value(r: Rng): string {
  switch (r.int(12)) {
    case 0: return r.pick(['NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '1e-400', '-0', '0', '-1', '-999999999999', '4294967296', '4294967295', '9007199254740993']);
    case 1: return r.pick(['0x1', '0b1', '0o7', '1e0', ' 1', '1 ', '+1', '.5', '1.', '0007', '00', '01.5', '١', '１', '1_000', '1,5', '\uFEFF1', '0.0000001']);
    case 2: return String(r.int(2) ? -r.next() * 10 ** r.int(12) : r.next() * 10 ** r.int(12));
    case 3: return String(r.int(20) - 5);
    case 4: return '9'.repeat(1 + r.int(400));
    // ≥ 20,000 characters: digits, a drawing code's alphabet, nasty text.
    case 5: return r.pick(['1', '9', 'A', 'a,', drawing.slice(0, 7), '\u202E', '%', '\u0000x']).repeat(20_000 + r.int(3000));
    case 6: return text(r, 20_000 + r.int(2000)).padEnd(20_000, 'x');
    case 7: return text(r, 60);
    case 8: return r.pick(['true', 'false', '1', '0', 'null', 'full', '500', '1000', 'white', 'gray', 'exact', 'st', 'smooth', 'wasm', 'webgpu', 'own',
      'mnist-lenetlike-base', 'cifar10-alexlike-robust', 'deepfool-l2', 'slider,gallery', 'tradeoff,table,tuner', '', 'constructor', '__proto__', 'toString']);
    case 9: return r.int(2) ? drawing : `${drawing.slice(0, -1)}${r.pick(['B', 'A', '*', '%'])}`;
    case 10: return '0123456789abcdef'.repeat(4).slice(r.int(3));
    default: return String(r.next() * 3);
  }
}

const KEYS = [...URL_FIELDS.map((f) => f.key), 'v', 'p.steps', 'p.epsilon', 'p.stepRule', 'p.toString', 'p.9x', 'p.', 'p.__proto__', '__proto__', 'constructor', 'hasOwnProperty', ''];

function key(r: Rng, earlier: string[]): string {
  const roll = r.next();
  if (roll < 0.2 && earlier.length) return r.pick(earlier); // repeated key
  if (roll < 0.75) return r.pick(KEYS);
  if (roll < 0.85) return `p.${text(r, 12)}`;
  if (roll < 0.95) return text(r, 16);
  return 'k'.repeat(20_000);
}

/** One link: a search string (percent-encoded, or raw with malformed escapes) and a hash. */
function link(r: Rng): { search: string; hash: string } {
  const pairs: [string, string][] = [];
  const keys: string[] = [];
  const n = r.int(14);
  for (let i = 0; i < n; i++) {
    const k = key(r, keys);
    keys.push(k);
    pairs.push([k, value(r)]);
  }
  let search: string;
  if (r.next() < 0.7) search = `?${new URLSearchParams(pairs)}`;
  else {
    // As a hand-typed or tampered address: unencoded, stray separators and broken escapes.
    const junk = ['%', '%E0%A4%A', '%zz', '%00', '%E2%80%AE', '%F0%9F%98', '&&', '==', ';', '%25'];
    search = `?${pairs.map(([k, v]) => `${k}${r.next() < 0.1 ? '' : '='}${v}${r.next() < 0.2 ? r.pick(junk) : ''}`).join('&')}`;
  }
  const hash = r.next() < 0.15 ? `#${r.next() < 0.1 ? 'kappa=1'.repeat(3000) : text(r, 30)}` : '';
  return { search, hash };
}

/** Every warning decode writes, with each quoted span replaced by Q. */
const TEMPLATES = [
  'Ignored Q: settings after # are not read; put them after ? instead.',
  'Ignored Q: Q appears more than once; the first one is used.',
  'Link version Q is not 1; settings were read as far as possible.',
  'Ignored attack parameter Q.',
  'Ignored Q: not a setting of this lab.',
  'Ignored Q: not a valid value; using the default.',
  'Q is out of range; using Q.',
];
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/u;

/** What is wrong with one warning, or null: link text only inside quote()'s marks, cleaned and cut. */
function warningProblem(w: string): string | null {
  if (UNSAFE.test(w)) return 'control, format or bidi character';
  const parts = w.split('`');
  if (parts.length % 2 === 0) return 'unbalanced code marks';
  for (let i = 1; i < parts.length; i += 2) {
    const cps = [...parts[i]];
    if (cps.length > 41 || (cps.length === 41 && cps[40] !== '…')) return `quoted span of ${cps.length} code points`;
  }
  const shape = parts.map((p, i) => (i % 2 ? 'Q' : p)).join('');
  return TEMPLATES.includes(shape) ? null : `unknown wording: ${shape.slice(0, 120)}`;
}

describe('url fuzz (seeded)', () => {
  it('the warning check can fail: raw, uncut or unknown text is caught', () => {
    expect(warningProblem('Ignored `kappa=1`: not a valid value; using the default.')).toBeNull();
    expect(warningProblem('Ignored `kappa=1\u202E`: not a valid value; using the default.')).toMatch(/bidi/);
    expect(warningProblem(`Ignored \`${'a'.repeat(41)}\`: not a setting of this lab.`)).toMatch(/41 code points/);
    expect(warningProblem('Ignored kappa=1: not a valid value; using the default.')).toMatch(/unknown wording/);
    expect(warningProblem('Ignored `kappa=1: not a valid value; using the default.')).toMatch(/unbalanced/);
  });

  it('parse → format over 3,000 hostile links: no throw, every warning quoted and bounded, parse(format(parse(x))) stable', () => {
    const r = rng(0x5eed_2024);
    const CASES = 3000;
    const failures: string[] = [];
    let warningsSeen = 0;
    let longest = 0;
    for (let i = 0; i < CASES; i++) {
      const { search, hash } = link(r);
      longest = Math.max(longest, search.length);
      const where = `case ${i} (${JSON.stringify(search.slice(0, 80))}…, ${search.length} chars)`;
      try {
        const first = decode(search, hash);
        warningsSeen += first.warnings.length;
        for (const w of first.warnings) {
          const p = warningProblem(w);
          if (p) failures.push(`${where}: ${p}: ${JSON.stringify(w.slice(0, 160))}`);
          if (w.length > 400) failures.push(`${where}: warning of ${w.length} characters`);
        }
        const written = encode(first.state);
        const again = decode(written);
        if (again.warnings.length) failures.push(`${where}: its own link ${written.slice(0, 80)} warns: ${again.warnings.join(' | ').slice(0, 200)}`);
        if (JSON.stringify(again.state) !== JSON.stringify(first.state)) failures.push(`${where}: parse(format(parse(x))) changed the state`);
        if (encode(again.state) !== written) failures.push(`${where}: format is not stable`);
        storeFromUrl(first.state); // what the app applies: must not throw either
      } catch (e) {
        failures.push(`${where}: threw ${(e as Error).message}`);
      }
    }
    // The figures the report quotes (printed with --reporter=verbose or on failure).
    console.info(`url fuzz: ${CASES} links (longest ${longest} chars), ${warningsSeen} warnings, ${failures.length} failures`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(longest).toBeGreaterThanOrEqual(20_000);
  });
});
