import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { loadModelNode } from '../models/load-node';
import { vjpInvertedResidualModel } from './vjp-parity';
import { macsPerImage } from './macs';

describe('macsPerImage', () => {
  beforeAll(() => useBackend('cpu'));

  it('counts the LeNetLike by hand: 24·24·10·25 + 8·8·20·250 + 320·120 + 120·90 + 90·10', async () => {
    const { model } = await loadModelNode('mnist-lenetlike-base');
    expect(macsPerImage(model)).toBe(144_000 + 320_000 + 38_400 + 10_800 + 900);
    model.dispose();
  });

  it('counts depthwise convolutions per channel, and strided outputs at their size', () => {
    const { model } = vjpInvertedResidualModel(0);
    // stem 8·8·4·27, a: expand 8·8·8·4, dw 8·8·8·9, project 8·8·4·8; b: expand 8·8·8·4, dw (stride 2) 4·4·8·9,
    // project 4·4·6·8; fc 6·4.
    const want = 8 * 8 * 4 * 27 + 8 * 8 * 8 * 4 + 8 * 8 * 8 * 9 + 8 * 8 * 4 * 8 + 8 * 8 * 8 * 4 + 4 * 4 * 8 * 9 + 4 * 4 * 6 * 8 + 6 * 4;
    expect(macsPerImage(model)).toBe(want);
    model.dispose();
  });
});
