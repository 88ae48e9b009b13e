import { describe, expect, it } from 'vitest';
import { centreCrop, CIFAR_SIZE } from './centre-crop';
import { InputImageError, type FloatImage } from './resample';
import { fromRgba } from './rgba';

function rgbImage(width: number, height: number, color: (x: number, y: number) => [number, number, number]): FloatImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(color(x, y), 3 * (y * width + x));
  return { data, width, height, channels: 3 };
}

const pixel = (p: Uint8Array, x: number, y: number) => Array.from(p.subarray(3 * (y * CIFAR_SIZE + x), 3 * (y * CIFAR_SIZE + x) + 3));

describe('CIFAR-10 centre crop', () => {
  it('keeps the centred square of a landscape photo and drops the sides', () => {
    // 320×160: red left quarter, blue right quarter, green middle square (x ∈ [80, 240)).
    const img = rgbImage(320, 160, (x) => (x < 80 ? [1, 0, 0] : x >= 240 ? [0, 0, 1] : [0, 1, 0]));
    const out = centreCrop(img);
    expect(out.length).toBe(32 * 32 * 3);
    for (const [x, y] of [[0, 0], [31, 0], [0, 31], [31, 31], [16, 16]]) expect(pixel(out, x, y)).toEqual([0, 255, 0]);
  });

  it('averages areas when shrinking: a 1-px checkerboard becomes flat gray, not aliased stripes', () => {
    const out = centreCrop(rgbImage(320, 320, (x, y) => ((x + y) % 2 ? [1, 1, 1] : [0, 0, 0])));
    for (const v of out) expect(Math.abs(v - 127.5)).toBeLessThanOrEqual(1);
  });

  it('keeps a flat colour flat at a fractional scale (each output pixel\'s weights sum to 1)', () => {
    const out = centreCrop(rgbImage(150, 100, () => [0.2, 0.6, 1]));
    for (let p = 0; p < 32 * 32; p++) expect(pixel(out, p % 32, (p / 32) | 0)).toEqual([51, 153, 255]);
  });

  it('maps a portrait image\'s middle rows and keeps position: top of the square is the top of the output', () => {
    const img = rgbImage(64, 128, (_x, y) => (y < 48 ? [1, 1, 1] : [y < 64 ? 1 : 0, 0, 0]));
    const out = centreCrop(img); // the square is rows [32, 96): white until row 48, red until 64, black below
    expect(pixel(out, 5, 2)).toEqual([255, 255, 255]);
    expect(pixel(out, 5, 12)).toEqual([255, 0, 0]);
    expect(pixel(out, 5, 30)).toEqual([0, 0, 0]);
  });

  it('refuses gray or malformed input', () => {
    expect(() => centreCrop({ data: new Float32Array(4), width: 2, height: 2, channels: 1 })).toThrow(InputImageError);
    expect(() => centreCrop({ data: new Float32Array(0), width: 0, height: 0, channels: 3 })).toThrow(/no pixels/);
  });
});

describe('RGBA → floats', () => {
  it('composites transparency over white and computes BT.601 luma', () => {
    const rgba = new Uint8Array([255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128]);
    const rgb = fromRgba(rgba, 3, 1, 3);
    expect(Array.from(rgb.data.subarray(0, 6))).toEqual([1, 0, 0, 1, 1, 1]);
    expect(rgb.data[6]).toBeCloseTo(1 - 128 / 255, 5);
    const gray = fromRgba(rgba, 3, 1, 1);
    expect(gray.data[0]).toBeCloseTo(0.299, 5);
    expect(gray.data[1]).toBeCloseTo(1, 5);
    expect(() => fromRgba(rgba, 2, 2, 1)).toThrow(/not a 2×2 RGBA image/);
  });
});
