import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeDrawing } from '../core/input/drawing-code';
import { FULL_SHARD } from './app-state';
import { decode, defaultUrlState, encode, OWN_MODEL_LINK, quote, quotePair, URL_FIELDS, type UrlState } from './url-schema';

describe('url schema', () => {
  it('round-trips every field', () => {
    const s: UrlState = {
      model: 'cifar10-alexlike-robust', ownChecksum: null, kappa: 0.45, randomized: true, seed: 1234, sampleSize: FULL_SHARD, image: 17,
      drawing: encodeDrawing(Uint8Array.from({ length: 784 }, (_, i) => (i * 7) % 256)), target: 3, tour: 4, attack: 'trust-region-l2', threat: 'gray-box', gradientMode: 'smoothed', smoothingTau: 0.25, params: { steps: 7, stepRule: 'library', candidates: null, adaptiveRadius: true },
      backend: 'webgl', panels: ['tradeoff', 'transfer', 'tuner'], embed: ['slider', 'gallery', 'tradeoff'],
      tradeoffRhoN: 50, tradeoffCleanN: 2000, tradeoffMax: 0.8, tradeoffStep: 0.1, tableN: 200, tableTrSteps: 1000,
      transferN: 30, transferSteps: 40, iterN: 60, iterSteps: 7, tuneBudget: 0.25, tuneRhoN: 40, tuneCandidates: 5, adaptiveN: 10, adaptiveQueries: 200, adaptiveApgdSteps: 0, adaptiveApgdTargets: 9, adaptiveEnsembleQueries: 50,
      detN: 300, detBatch: 50, detSigma: 0.05, detTrSteps: 20, detAwareSteps: 10,
    };
    const { state, warnings } = decode(encode(s));
    expect(warnings).toEqual([]);
    expect(state).toEqual(s);
  });

  it('round-trips each new field on its own (everything else default)', () => {
    const cases: Partial<UrlState>[] = [
      { panels: ['table'] }, { panels: [] }, { embed: ['attack'] }, { embed: ['model', 'slider', 'gallery', 'attack', 'tradeoff', 'table', 'transfer', 'iterations', 'tuner'] },
      { tradeoffRhoN: 10 }, { tradeoffCleanN: 8000 }, { tradeoffMax: 1.5 }, { tradeoffStep: 0.25 }, { tableN: 1000 },
      { tableTrSteps: 0 }, { tableTrSteps: 2000 }, { transferN: 10 }, { transferSteps: 1 }, { iterN: 1000 }, { iterSteps: 1000 },
      { tuneBudget: 0 }, { tuneBudget: 2.5 }, { tuneRhoN: 999 }, { target: 0 }, { drawing: encodeDrawing(new Uint8Array(784).fill(255)) },
      { gradientMode: 'straight-through' }, { gradientMode: 'smoothed', smoothingTau: 0.05 }, { adaptiveN: 1 }, { adaptiveQueries: 0 }, { panels: ['adaptive'] },
    ];
    for (const c of cases) {
      const s = { ...defaultUrlState(), ...c };
      const { state, warnings } = decode(encode(s));
      expect(warnings, JSON.stringify(c)).toEqual([]);
      expect(state, JSON.stringify(c)).toEqual(s);
    }
  });

  it('keeps panel lists canonical and rejects unknown panels', () => {
    expect(decode('?embed=gallery,slider').state.embed).toEqual(['slider', 'gallery']);
    expect(encode({ ...defaultUrlState(), panels: ['tuner', 'tradeoff'] })).toBe('?v=1&panels=tradeoff%2Ctuner');
    const bad = decode('?embed=slider,hack&panels=nope');
    expect(bad.state.embed).toBeNull();
    expect(bad.state.panels).toEqual([]);
    expect(bad.warnings).toHaveLength(2);
  });

  it('clamps out-of-range analysis settings with a notice', () => {
    const { state, warnings } = decode('?ton=5&tcn=99999&budget=-1&trs=5000&tmax=0&its=2.5&tstep=abc');
    expect(state).toMatchObject({ tradeoffRhoN: 10, tradeoffCleanN: 8000, tuneBudget: 0, tableTrSteps: 2000, tradeoffMax: 0.01 });
    expect(state.iterSteps).toBe(defaultUrlState().iterSteps); // not an integer: invalid, not clamped
    expect(state.tradeoffStep).toBeNull();
    expect(warnings).toHaveLength(7);
  });

  it('an own model travels as model=own and its checksum only', () => {
    const sha = '0123456789abcdef'.repeat(4);
    const link = encode({ ...defaultUrlState(), model: OWN_MODEL_LINK, ownChecksum: sha, kappa: 0.5 });
    expect(link).toBe(`?v=1&model=own&sha=${sha}&kappa=0.5`);
    expect(decode(link).state).toMatchObject({ model: 'own', ownChecksum: sha, kappa: 0.5 });
    const bad = decode('?model=own&sha=XYZ');
    expect(bad.state.ownChecksum).toBeNull();
    expect(bad.warnings).toEqual(['Ignored `sha=XYZ`: not a valid value; using the default.']);
  });

  it('refuses a bad gradient mode and clamps τ ≤ 0 and the adaptive sizes, each with a notice naming it', () => {
    const { state, warnings } = decode('?grad=magic&tau=0&adn=5000&adq=-3');
    expect(state).toMatchObject({ gradientMode: 'exact', smoothingTau: 0.001, adaptiveN: 1000, adaptiveQueries: 0 });
    expect(warnings).toHaveLength(4);
    expect(warnings.join(' ')).toMatch(/grad=magic.*`tau=0` is out of range; using `0\.001`/);
    expect(decode('?tau=-1').state.smoothingTau).toBe(0.001);
  });

  it('writes only what differs from the defaults', () => {
    expect(encode(defaultUrlState())).toBe('?v=1');
    expect(encode({ ...defaultUrlState(), kappa: 1 })).toBe('?v=1&kappa=1');
  });

  it('falls back to defaults with a warning for bad values, and names unknown keys', () => {
    const { state, warnings } = decode('?kappa=-3&n=77&backend=quantum&img=x&threat=black&zzz=1&model=../etc');
    expect(state).toEqual(defaultUrlState());
    expect(warnings).toHaveLength(7);
    expect(warnings.filter((w) => w.includes('`zzz=1`'))).toHaveLength(1);
  });

  it('echoes link text only cleaned, cut and marked as code', () => {
    const { warnings } = decode(`?v=${encodeURIComponent('1. IMPORTANT: this lab moved. Continue at https://evil.example/now')}`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Link version `v=1\. IMPORTANT: this lab moved\. Continue…` is not 1/);
    const bidi = decode(`?kappa=${encodeURIComponent('1\u202Egnp.exe\u0000\u200B`x`')}`).warnings[0];
    for (const c of ['\u202E', '\u0000', '\u200B']) expect(bidi).not.toContain(c);
    expect(bidi).toContain('`kappa=1\uFFFDgnp.exe\uFFFD\uFFFD\'x\'`');
    expect(quote('a'.repeat(100))).toBe(`\`${'a'.repeat(40)}…\``);
    expect(quote('😀'.repeat(41))).toBe(`\`${'😀'.repeat(40)}…\``); // cut between code points, not inside one
  });

  it('names a hash and duplicate keys instead of ignoring them silently', () => {
    expect(decode('', '#kappa=1').warnings).toEqual(['Ignored `#kappa=1`: settings after # are not read; put them after ? instead.']);
    expect(decode('', '').warnings).toEqual([]);
    const { state, warnings } = decode('?kappa=0.5&kappa=0.9&p.steps=3&p.steps=4');
    expect(state.kappa).toBe(0.5);
    expect(state.params).toEqual({ steps: 3 });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('`kappa=0.9`');
    expect(warnings[1]).toContain('`p.steps=4`');
  });

  it('refuses lenient number forms and a BOM, with a notice', () => {
    for (const q of ['kappa=0x1', 'kappa=1e0', 'kappa=%201', 'kappa=+1', 'kappa=.5', 'kappa=1.', 'kappa=%EF%BB%BF1', 'ton=0x20', 'tmax=1e-1', 'kappa=0.0000010000000000000002',
      'threat=constructor', 'backend=toString']) {
      const { state, warnings } = decode(`?${q}`);
      expect(warnings, q).toHaveLength(1);
      expect(state, q).toMatchObject({ kappa: null, tradeoffRhoN: defaultUrlState().tradeoffRhoN, tradeoffMax: null, threat: 'white-box', backend: null });
      expect(typeof state.params.steps === 'number', q).toBe(false);
    }
    expect(decode('?p.steps=0x10').state.params.steps).not.toBe(16); // read as text, never as the number 16
    const bom = decode('?%EF%BB%BFkappa=1');
    expect(bom.state.kappa).toBeNull();
    expect(bom.warnings[0]).toContain('`\uFFFDkappa=1`');
  });

  it('every link decodes to in-range values and names every pair it does not apply, exactly once', () => {
    const keys = [...URL_FIELDS.map((f) => f.key), 'v', 'zzz', 'p.steps', 'p.epsilon', 'p.toString', 'p.9x', '__proto__', 'constructor'];
    const valid = URL_FIELDS.map((f) => (f.codec as { format(v: unknown): string }).format(f.default));
    const value = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 60 }), fc.double().map(String), fc.integer({ min: -10, max: 3000 }).map(String),
      fc.constantFrom(...valid, '1', '0.5', '0x1', '1e3', ' 2', '\uFEFF1', 'true', 'null', 'full', 'white', 'gray', 'wasm', 'slider,gallery', 'mnist-lenetlike-base'));
    const link = fc.tuple(fc.array(fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), value), { maxLength: 12 }),
      fc.oneof(fc.constant(''), fc.string().map((h) => `#${h}`)));
    fc.assert(fc.property(link, ([pairs, hash]) => {
      const search = `?${new URLSearchParams(pairs)}`;
      const { state, warnings } = decode(search, hash);
      // In range: the state written back reads again with no warning and unchanged.
      const again = decode(encode(state));
      expect(again.warnings).toEqual([]);
      expect(again.state).toEqual(state);
      // Named once: count the warnings quoting each pair against the occurrences that were not applied as written.
      const decoded = [...new URLSearchParams(search)];
      const expected = new Map<string, number>();
      const seen = new Set<string>();
      for (const [k, raw] of decoded) {
        const first = !seen.has(k);
        seen.add(k);
        const f = URL_FIELDS.find((x) => x.key === k);
        let applied = false;
        if (first && f) {
          const c = f.codec as { parse(r: string): unknown; format(v: unknown): string; clamp?(v: unknown): unknown };
          const p = c.parse(raw);
          applied = p !== undefined && c.format(c.clamp ? c.clamp(p) : p) === c.format(p)
            && c.format((state as unknown as Record<string, unknown>)[f.prop]) === c.format(p);
        } else if (first && k.startsWith('p.')) {
          const got = state.params[k.slice(2)];
          applied = got !== undefined && (got === null ? 'null' : String(got)) === String(got === null || typeof got !== 'number' ? raw : Number(raw));
        } else if (first && k === 'v') applied = raw === '1';
        const q = quotePair(k, raw);
        if (!applied) expected.set(q, (expected.get(q) ?? 0) + 1);
      }
      if (hash !== '' && hash !== '#') expected.set(quote(hash), (expected.get(quote(hash)) ?? 0) + 1);
      let named = 0;
      for (const [q, n] of expected) {
        const count = warnings.filter((w) => w.includes(q)).length;
        expect(count, `${q} in ${JSON.stringify(warnings)}`).toBeGreaterThanOrEqual(n);
        named += n;
      }
      expect(warnings).toHaveLength(named);
    }), { numRuns: 1500 });
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string(), (s) => { decode(s); decode(`?${s}`); }), { numRuns: 2000 });
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('kappa', 'n', 'img', 'seed', 'rand', 'p.steps', 'v'), fc.string())), (pairs) => {
      const q = new URLSearchParams(pairs);
      const { state } = decode(`?${q}`);
      expect(decode(encode(state)).state).toEqual(state);
    }), { numRuns: 500 });
    const keys = ['panels', 'embed', 'ton', 'tcn', 'tmax', 'tstep', 'tabn', 'trs', 'txn', 'txs', 'itn', 'its', 'budget', 'tun', 'grad', 'tau', 'adn', 'adq'];
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...keys), fc.oneof(fc.string(), fc.double().map(String), fc.integer().map(String),
      fc.subarray(['slider', 'gallery', 'tradeoff', 'table', 'x']).map((a) => a.join(','))))), (pairs) => {
      const { state } = decode(`?${new URLSearchParams(pairs)}`);
      const again = decode(encode(state));
      expect(again.warnings).toEqual([]);
      expect(again.state).toEqual(state);
    }), { numRuns: 1000 });
  });

  it('refuses a damaged drawing or target with a warning, keeping the rest of the link', () => {
    const code = encodeDrawing(new Uint8Array(784).fill(17));
    for (const bad of [code.slice(1), `${code.slice(0, -1)}B`, `${code.slice(0, -1)}*`, 'x'.repeat(5000)]) {
      const { state, warnings } = decode(`?draw=${encodeURIComponent(bad)}&kappa=0.5`);
      expect(state.drawing).toBeNull();
      expect(state.kappa).toBe(0.5);
      expect(warnings).toEqual([expect.stringMatching(/^Ignored `draw=/)]);
    }
    expect(decode('?target=-1').state.target).toBeNull();
    expect(decode('?target=2.5').warnings).toHaveLength(1);
  });
});


describe('url schema: hostile-link probe', () => {
  it('a target is one of the 10 classes: 10 and above are refused with a notice naming the pair', () => {
    for (const t of ['0', '9']) expect(decode(`?target=${t}`)).toEqual({ state: { ...defaultUrlState(), target: Number(t) }, warnings: [] });
    for (const t of ['10', '11', '999']) {
      const { state, warnings } = decode(`?target=${t}&kappa=0.5`);
      expect(state.target, t).toBeNull();
      expect(state.kappa).toBe(0.5);
      expect(warnings, t).toEqual([expect.stringContaining(`\`target=${t}\``)]);
    }
  });

  it('leading zeros are a lenient number form: refused with a notice, like 0x1 and 1e0', () => {
    for (const q of ['img=0007', 'img=00', 'seed=01', 'target=03', 'tour=007', 'kappa=00.5', 'kappa=01', 'ton=050', 'tmax=00.8', 'budget=-01']) {
      const { state, warnings } = decode(`?${q}`);
      expect(warnings, q).toEqual([expect.stringContaining(`\`${q}\``)]);
      const key = q.split('=')[0];
      const f = URL_FIELDS.find((x) => x.key === key)!;
      expect(state[f.prop], q).toEqual(f.default);
    }
    // The plain forms still read, zero itself included.
    expect(decode('?img=7&seed=0&target=0&kappa=0.05&tmax=0.8&budget=0').warnings).toEqual([]);
    // An attack parameter's number is strict too: `007` stays text, which the attack's range rule refuses by name.
    expect(decode('?p.steps=007').state.params.steps).toBe('007');
    expect(decode('?p.steps=7').state.params.steps).toBe(7);
  });
});
