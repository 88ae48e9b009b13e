import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDrawing, DRAWING_CODE_LENGTH, encodeDrawing, quantizeDrawing } from './drawing-code';

const drawing = fc.uint8Array({ minLength: 784, maxLength: 784 });

describe('drawing permalink code', () => {
  it('is always 523 URL-safe characters and round-trips every quantised drawing exactly', () => {
    fc.assert(fc.property(drawing, (pixels) => {
      const code = encodeDrawing(pixels);
      expect(code).toHaveLength(DRAWING_CODE_LENGTH);
      expect(code).toMatch(/^[A-Za-z0-9_-]+$/);
      const back = decodeDrawing(code);
      expect('pixels' in back && back.pixels).toEqual(quantizeDrawing(pixels));
    }), { numRuns: 300 });
    expect(DRAWING_CODE_LENGTH).toBe(523);
  });

  it('quantises to the nearest of 16 levels and is idempotent', () => {
    fc.assert(fc.property(drawing, (pixels) => {
      const q = quantizeDrawing(pixels);
      expect(q.every((v, i) => v % 17 === 0 && Math.abs(v - pixels[i]) <= 8)).toBe(true);
      expect(quantizeDrawing(q)).toEqual(q);
    }), { numRuns: 100 });
  });

  it('rejects every string that is not a code, with a reason, and never throws', () => {
    const valid = encodeDrawing(new Uint8Array(784).fill(255));
    fc.assert(fc.property(fc.string({ maxLength: 600 }), (s) => {
      const r = decodeDrawing(s);
      if ('error' in r) expect(r.error.length).toBeGreaterThan(0);
      else expect(encodeDrawing(r.pixels)).toBe(s);
    }), { numRuns: 500 });
    // One changed character of a valid code is another valid drawing, except in the padding bits.
    fc.assert(fc.property(fc.integer({ min: 0, max: valid.length - 2 }), fc.constantFrom(...'Ab9_-'), (i, ch) => {
      const r = decodeDrawing(valid.slice(0, i) + ch + valid.slice(i + 1));
      expect('pixels' in r).toBe(true);
    }), { numRuns: 100 });
    expect(decodeDrawing(valid.slice(0, -1) + 'B')).toEqual({ error: expect.stringMatching(/not canonical/) });
    expect(decodeDrawing(valid + 'A')).toEqual({ error: expect.stringMatching(/523 characters, got 524/) });
    expect(decodeDrawing(valid.slice(0, -1) + '=')).toEqual({ error: expect.stringMatching(/only the characters/) });
    expect(decodeDrawing(42 as unknown as string)).toEqual({ error: expect.stringMatching(/got number/) });
  });

  it('refuses to encode anything but 28×28 bytes', () => {
    expect(() => encodeDrawing(new Uint8Array(783))).toThrow(/28×28/);
  });
});
