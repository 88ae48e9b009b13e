/**
 * decodeImage in Node: createImageBitmap and OffscreenCanvas are stubbed, so what is tested is what
 * happens before and around the browser's decoder — the size limits and the header check that refuses a
 * huge picture before it is decoded.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeImage, MAX_UPLOAD_BYTES } from './decode-image';
import { headers } from '../testing/image-headers';

let decoded: ReturnType<typeof vi.fn>;

beforeEach(() => {
  // A "decoder" that reports the size the test asks for (default 28×28), as createImageBitmap would.
  decoded = vi.fn(async (blob: Blob) => {
    const size = (blob as Blob & { bitmapSize?: [number, number] }).bitmapSize ?? [28, 28];
    return { width: size[0], height: size[1], close: () => undefined };
  });
  vi.stubGlobal('createImageBitmap', decoded);
  vi.stubGlobal('OffscreenCanvas', class {
    constructor(public width: number, public height: number) {}
    getContext() {
      return { drawImage: () => undefined, getImageData: (_x: number, _y: number, w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4) }) };
    }
  });
});
afterEach(() => vi.unstubAllGlobals());

const blobOf = (bytes: Uint8Array, type: string, bitmapSize?: [number, number]) =>
  Object.assign(new Blob([bytes as BlobPart], { type }), bitmapSize ? { bitmapSize } : {});

describe('decodeImage', () => {
  it.each(Object.entries(headers(20_000, 20_000)))('a 20,000 × 20,000 %s is refused from its header, before it is decoded', async (_format, [bytes, type, w, h]) => {
    await expect(decodeImage(blobOf(bytes, type, [w, h]), 'huge')).rejects.toThrow(`huge is ${w}×${h} pixels; pictures up to 50 megapixels are accepted.`);
    expect(decoded).not.toHaveBeenCalled();
  });

  it.each(Object.entries(headers(28, 28)))('a 28 × 28 %s goes on to the decoder', async (_format, [bytes, type]) => {
    const img = await decodeImage(blobOf(bytes, type), 'digit');
    expect(decoded).toHaveBeenCalledTimes(1);
    expect(img).toMatchObject({ width: 28, height: 28 });
  });

  it('a format without a header reader still goes to the decoder, and the decoded size is still checked', async () => {
    const avif = Uint8Array.from([0, 0, 0, 0x1c, ...new TextEncoder().encode('ftypavif'), ...new Array(40).fill(0)]);
    await expect(decodeImage(blobOf(avif, 'image/avif', [10_000, 6_000]), 'wide')).rejects.toThrow('wide is 10000×6000 pixels');
    expect(decoded).toHaveBeenCalledTimes(1);
  });

  it('a file over the limit is refused with figures that differ: two decimals where one would not, else bytes', async () => {
    const MiB = 1024 * 1024;
    const cases: [number, RegExp][] = [
      [MAX_UPLOAD_BYTES + 1, /is 10,485,761 bytes; images up to 10,485,760 bytes are accepted\.$/],
      [Math.round(10.01 * MiB), /is 10\.01 MB; images up to 10\.00 MB are accepted\.$/],
      [Math.round(10.2 * MiB), /is 10\.2 MB; images up to 10\.0 MB are accepted\.$/],
    ];
    for (const [size, message] of cases) {
      await expect(decodeImage(new Blob([new Uint8Array(size)], { type: 'image/png' }), 'big.png')).rejects.toThrow(message);
    }
    expect(decoded).not.toHaveBeenCalled();
  });
});
