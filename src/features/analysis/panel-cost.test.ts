import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelIndex } from '../../core/models/card';
import { adaptiveCostHint, roughDuration, tableCostHint } from './panel-cost';

describe('the adaptive panel cost hint', () => {
  it('scales with the model and the image count', () => {
    expect(adaptiveCostHint('LeNetLike', 50)).toMatch(/on 50 images: about 50 s on wasm for this network/);
    expect(adaptiveCostHint('PreActResNet', 50)).toMatch(/on 50 images: about 7 min on wasm for this network/);
    expect(adaptiveCostHint('AlexLike', 10)).toMatch(/about 35 s/);
    expect(adaptiveCostHint('MLP', 1)).toMatch(/about 5 s/);
  });

  it('has a measured cost for every shipped architecture (a new network is not "your own model")', () => {
    const index = JSON.parse(readFileSync(join(import.meta.dirname, '../../../public/models/index.json'), 'utf8')) as ModelIndex;
    for (const m of index.models) expect(adaptiveCostHint(m.architecture, 10), m.id).toMatch(/on wasm for this network/);
  });

  it('says when it does not know', () => {
    expect(adaptiveCostHint('user', 50)).toMatch(/not measured for your own model/);
    expect(adaptiveCostHint(undefined, 50)).toMatch(/not measured/);
  });

  it('gives the cost per image while the image field holds no valid number', () => {
    expect(adaptiveCostHint('PreActResNet', null)).toMatch(/κ = 0 and κ: about 10 s per image on wasm/);
  });

  it('rounds up and never says 0', () => {
    expect(roughDuration(0)).toBe('about 5 s');
    expect(roughDuration(61)).toBe('about 2 min');
    expect(roughDuration(60)).toBe('about 1 min');
  });
});

describe('the robustness table cost hint', () => {
  it('scales with the model and the image count, and says Trust Region is not in it', () => {
    expect(tableCostHint('LeNetLike', 100, 0)).toMatch(/on 100 images: about 10 s on wasm for this network$/);
    expect(tableCostHint('MobileNetV2', 100, 0)).toMatch(/about 30 s/);
    expect(tableCostHint('MobileNetV2', 1000, 0)).toMatch(/about 5 min/);
    expect(tableCostHint('PreActResNet', 100, 1000)).toMatch(/plus Trust Region \(1000 steps\), not in this estimate/);
    expect(tableCostHint('user', 100, 0)).toMatch(/not measured for your own model/);
    expect(tableCostHint('AlexLike', null, 0)).toMatch(/about 5 s per image/);
  });

  it('has a measured cost for every shipped architecture', () => {
    const index = JSON.parse(readFileSync(join(import.meta.dirname, '../../../public/models/index.json'), 'utf8')) as ModelIndex;
    for (const m of index.models) expect(tableCostHint(m.architecture, 100, 0), m.id).toMatch(/on wasm for this network/);
  });
});
