import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReference } from './reference-file';

const PUBLIC = join(import.meta.dirname, '../../../public');

const cell = { accuracy: 0.5, rho: 0.2, foolRate: 0.5, meanIterations: 3 };

describe('reference results (npm run reproduce output)', () => {
  it('reads white-box and gray-box rows, randomized κ included', () => {
    const r = parseReference({
      version: 1, model: 'm', dataset: 'mnist', count: 100, seed: 0, clip: 'paper', backend: 'wasm', protocol: [],
      whiteBox: [
        { mode: 'white-box', kappa: 0, kappaLabel: '0', clean: 0.99, cells: { pgd: cell, 'deepfool-l2': cell } },
        { mode: 'white-box', kappa: { randomized: { b: 1, seed: 3 } }, kappaLabel: 'U', clean: 0.98, cells: { pgd: cell } },
      ],
      grayBox: [{ mode: 'gray-box', kappa: 1, kappaLabel: '1', clean: 0.99, cells: { pgd: cell } }],
      seconds: 12,
    }, 'x.json', 'm');
    expect(r.count).toBe(100);
    expect(r.whiteBox[1]).toMatchObject({ kappa: 1, randomized: true, clean: 0.98 });
    expect(r.whiteBox[0].cells['deepfool-l2']?.rho).toBe(0.2);
    expect(r.grayBox[0].kappa).toBe(1);
  });

  it('reads the adaptive section (reproduce --adaptive), NaN written as null included; rejects a malformed one', () => {
    const base = { version: 1, model: 'm', count: 10, whiteBox: [] };
    const adaptive = [{
      kappa: 1, count: 10,
      cells: {
        'deepfool-l2+exact': { attack: 'deepfool-l2', gradientMode: 'exact', distance: 'l2', rho: 0.34, rhoRefined: 0.27, foolRate: 0.97, meanIterations: 3 },
        'square-linf': { attack: 'square-linf', gradientMode: null, distance: 'linf', rho: 0.3, rhoRefined: 0.29, foolRate: null, meanIterations: 500 },
      },
      bestOf: { rhoL2: 0.2, rhoLinf: 0.18, foolRate: 1, robustAccuracy: { l2: { epsilons: [0, 1], accuracy: [0.99, 0.5] }, linf: { epsilons: [0], accuracy: [0.99] } } },
      redFlags: { unboundedNotFooled: { flagged: true, value: { x: 0.97 }, explanation: 'DeepFool fooled only 97%.' } },
    }];
    const r = parseReference({ ...base, adaptive }, 'a.json', 'm');
    expect(r.adaptive?.[0].cells['deepfool-l2+exact']).toMatchObject({ rho: 0.34, rhoRefined: 0.27, gradientMode: 'exact' });
    expect(r.adaptive?.[0].cells['square-linf'].foolRate).toBeNaN();
    expect(r.adaptive?.[0].redFlags.unboundedNotFooled.flagged).toBe(true);
    expect(parseReference(base, 'b.json', 'm').adaptive).toBeUndefined();
    expect(() => parseReference({ ...base, adaptive: [{ ...adaptive[0], cells: { x: { rho: 'a' } } }] }, 'c.json', 'm')).toThrow(/c\.json.*adaptive/);
  });

  it('reads the optional robust-accuracy section; old adaptive sections without it still read; a bad row is refused by path', () => {
    const base = { version: 1, model: 'm', count: 10, whiteBox: [] };
    const section = {
      kappa: 0, count: 10, cells: {}, bestOf: { rhoL2: 0.2, rhoLinf: 0.1, foolRate: 1 }, redFlags: {},
    };
    const row = {
      epsilon: 0.3, units: 'pixel', label: '0.3', gradientMode: 'straight-through', robustAccuracy: 0.2, cleanAccuracy: 0.9, count: 10,
      brokenBy: { 'APGD-CE': 6, 'APGD-T (DLR)': 1, Square: 0 }, attacks: 'APGD-CE (10 steps, straight-through) → APGD-T → Square (100 queries)',
    };
    const robustAccuracy = { settings: { steps: 10, targetClasses: 3, queries: 100 }, rows: [row] };
    const failureIndicators = [{ id: 'silent-success', name: 'Silent success', attack: 'APGD-CE', measured: true, triggered: false, images: 0, of: 9, meaning: 'm', message: 'ok' }];
    const r = parseReference({ ...base, adaptive: [{ ...section, robustAccuracy, failureIndicators }] }, 'a.json', 'm');
    expect(r.adaptive?.[0].failureIndicators?.[0]).toMatchObject({ id: 'silent-success', of: 9 });
    expect(() => parseReference({ ...base, adaptive: [{ ...section, failureIndicators: [{ ...failureIndicators[0], id: 'passed' }] }] }, 'd.json', 'm')).toThrow(/d\.json.*failureIndicators/);
    expect(r.adaptive?.[0].robustAccuracy?.rows[0]).toMatchObject({ label: '0.3', robustAccuracy: 0.2, brokenBy: { 'APGD-CE': 6 } });
    expect(parseReference({ ...base, adaptive: [section] }, 'b.json', 'm').adaptive?.[0].robustAccuracy).toBeUndefined();
    const bad = { ...robustAccuracy, rows: [{ ...row, robustAccuracy: 1.5 }] };
    expect(() => parseReference({ ...base, adaptive: [{ ...section, robustAccuracy: bad }] }, 'c.json', 'm')).toThrow(/c\.json.*robustAccuracy/);
  });

  it('reads the randomized model\'s EOT section and the APGD restarts setting; files without them still read; a row without draws is refused', () => {
    const base = { version: 1, model: 'm', count: 10, whiteBox: [] };
    const row = {
      epsilon: 0.3, units: 'pixel', label: '0.3', gradientMode: 'exact', robustAccuracy: 0.5, cleanAccuracy: 0.9, count: 10,
      brokenBy: { 'APGD-CE': 4 }, attacks: 'APGD-CE (10 steps, 1 restart, exact, EOT 5) → APGD-T → Square (100 queries)', drawAccuracies: [0.4, 0.5, 0.6],
    };
    const adaptiveRandomized = { b: 1, seed: 0, eotSamples: 5, draws: 3, settings: { steps: 10, targetClasses: 3, queries: 100, restarts: 1 }, rows: [row] };
    const r = parseReference({ ...base, adaptiveRandomized }, 'r.json', 'm');
    expect(r.adaptiveRandomized).toMatchObject({ b: 1, draws: 3, settings: { restarts: 1 } });
    expect(r.adaptiveRandomized!.rows[0].drawAccuracies).toEqual([0.4, 0.5, 0.6]);
    expect(parseReference(base, 'o.json', 'm').adaptiveRandomized).toBeUndefined();
    // Written before restarts and the section's settings existed: still read.
    const { settings: _old, ...older } = adaptiveRandomized;
    expect(parseReference({ ...base, adaptiveRandomized: older }, 'o.json', 'm').adaptiveRandomized?.settings).toBeUndefined();
    const { drawAccuracies: _d, ...oneDraw } = row;
    expect(() => parseReference({ ...base, adaptiveRandomized: { ...adaptiveRandomized, rows: [oneDraw] } }, 'q.json', 'm')).toThrow(/q\.json.*adaptiveRandomized\.rows\.0\.drawAccuracies/);
    expect(() => parseReference({ ...base, adaptiveRandomized: { ...adaptiveRandomized, b: 0 } }, 'q.json', 'm')).toThrow(/q\.json.*adaptiveRandomized\.b/);
  });

  it('reads the detection section (reproduce --detection) when present, a row not measured as NaN; files without it still read', () => {
    const base = { version: 1, model: 'm', count: 10, whiteBox: [] };
    expect(parseReference(base, 'x.json', 'm').detection).toBeUndefined();
    const detection = {
      n: 200, pool: 1600, batch: 100, k: 20, sigma: 'match-l2', trSteps: 1000, awareSteps: 30, taps: ['input', 'logits'], seconds: 9,
      rows: [
        { attack: 'pgd', title: 'PGD (IFGSM)', kappa: 0, auc: 0.6416, roc: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }], used: 200, testPerSet: 100, attacked: 300, correct: 250, fooled: 240, sigma: 0.1, meanAdversarialL2: 1, meanNoiseL2: 1, seconds: 3 },
        { attack: 'trust-region', title: 'TR', kappa: 0.4, auc: null, roc: [], used: 0, testPerSet: 0, error: 'only 150 fooled' },
      ],
    };
    const r = parseReference({ ...base, detection }, 'x.json', 'm');
    expect(r.detection).toEqual({ n: 200, batch: 100, rows: [
      { attack: 'pgd', title: 'PGD (IFGSM)', kappa: 0, auc: 0.6416, used: 200, testPerSet: 100 },
      { attack: 'trust-region', title: 'TR', kappa: 0.4, auc: NaN, used: 0, testPerSet: 0, error: 'only 150 fooled' },
    ] });
    expect(() => parseReference({ ...base, detection: { ...detection, rows: [{ ...detection.rows[0], auc: 1.5 }] } }, 'x.json', 'm')).toThrow(/detection\.rows\.0\.auc/);
  });

  it('reads the binarization section (npm run binarization -- --update); refuses counts that do not add up', () => {
    const base = { version: 1, model: 'm', count: 10, whiteBox: [] };
    const attacks = [{ label: 'PGD', passed: 3, valid: 4, rate: 0.75 }];
    const binarization = { n: 5, epsPixel: 0.3, epsilon: 0.97, steps: 100, inner: 49, seed: 0, seconds: 9,
      kappas: [{ kappa: 1, samples: 5, misclassified: 1, invalid: 0, valid: 4, attacks }] };
    expect(parseReference({ ...base, binarization }, 'x.json', 'm').binarization?.kappas[0].attacks[0].rate).toBe(0.75);
    expect(parseReference(base, 'x.json', 'm').binarization).toBeUndefined();
    const over = { ...binarization, kappas: [{ ...binarization.kappas[0], attacks: [{ ...attacks[0], passed: 5 }] }] };
    expect(() => parseReference({ ...base, binarization: over }, 'x.json', 'm')).toThrow(/binarization\.kappas\.0\.attacks\.0: an attack passed on more samples than were valid/);
    const lost = { ...binarization, kappas: [{ ...binarization.kappas[0], valid: 3 }] };
    expect(() => parseReference({ ...base, binarization: lost }, 'x.json', 'm')).toThrow(/valid \+ invalid \+ misclassified must equal the samples/);
  });

  it('rejects a file that is not a reproduce result, naming it', () => {
    expect(() => parseReference({ version: 2 }, 'public/reference/m.json', 'm')).toThrow(/public\/reference\/m\.json/);
    expect(() => parseReference({ version: 1, model: 'm', count: 1, whiteBox: [{ kappa: 'x', clean: 1, cells: {} }] }, 'f', 'm')).toThrow();
  });

  it('refuses a file written for another model, or with an accuracy or rate outside [0, 1]', () => {
    const ok = { version: 1, model: 'm', count: 10, whiteBox: [{ kappa: 0, clean: 0.99, cells: { pgd: cell } }] };
    expect(parseReference(ok, 'f', 'm').whiteBox).toHaveLength(1);
    expect(() => parseReference(ok, 'public/reference/m.json', 'other')).toThrow('public/reference/m.json: results for model "m", not other');
    const bad = (row: object) => ({ ...ok, whiteBox: [{ kappa: 0, clean: 0.99, cells: { pgd: cell }, ...row }] });
    expect(() => parseReference(bad({ clean: 1.5 }), 'f', 'm')).toThrow(/clean/);
    expect(() => parseReference(bad({ cells: { pgd: { ...cell, accuracy: -0.1 } } }), 'f', 'm')).toThrow(/accuracy/);
    expect(() => parseReference(bad({ cells: { pgd: { ...cell, foolRate: 2 } } }), 'f', 'm')).toThrow(/foolRate/);
    expect(() => parseReference(bad({ cells: { pgd: { ...cell, rho: -1 } } }), 'f', 'm')).toThrow(/rho/);
  });

  it('every shipped reference file parses, for a shipped model, with both κ rows and an adaptive section', () => {
    const index = JSON.parse(readFileSync(join(PUBLIC, 'models/index.json'), 'utf8')) as { models: { id: string; dataset: string }[] };
    const files = readdirSync(join(PUBLIC, 'reference')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const id = f.replace(/\.json$/, '');
      const model = index.models.find((m) => m.id === id);
      expect(model, `${f}: no shipped model ${id}`).toBeDefined();
      const json = JSON.parse(readFileSync(join(PUBLIC, 'reference', f), 'utf8')) as { dataset: string };
      const r = parseReference(json, f, id);
      const card = JSON.parse(readFileSync(join(PUBLIC, 'models', id, 'card.json'), 'utf8')) as { kappa: { paper: number } };
      expect(json.dataset, f).toBe(model!.dataset);
      expect(r.count, f).toBeGreaterThanOrEqual(200);
      expect(r.whiteBox.map((w) => w.kappa), `${f}: rows at κ = 0 and the paper's κ`).toEqual(expect.arrayContaining([0, card.kappa.paper]));
      expect(r.adaptive?.length ?? 0, `${f}: no adaptive section`).toBeGreaterThan(0);
    }
  });
});
