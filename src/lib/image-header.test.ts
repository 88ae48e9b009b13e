import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { imageHeaderSize } from './image-header';
import { bmp, gif, headers, jpeg, png, webpExtended, webpLossless, webpLossy } from '../testing/image-headers';

const u16le = (v: number) => [v & 0xff, (v >> 8) & 0xff];
const u16be = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe('image header sizes', () => {
  it('a real PNG (pngjs) states its size in IHDR', () => {
    const file = PNG.sync.write(Object.assign(new PNG({ width: 37, height: 11 }), {}));
    expect(imageHeaderSize(new Uint8Array(file))).toEqual({ format: 'png', width: 37, height: 11 });
  });

  it.each([[1, 1], [28, 28], [4000, 3000], [20_000, 20_000], [65_535, 2]])('every format reads %i × %i', (w, h) => {
    for (const [name, [bytes, , sw, sh]] of Object.entries(headers(w, h))) {
      expect(imageHeaderSize(bytes), name).toMatchObject({ width: sw, height: sh });
    }
  });

  it('PNG and VP8X read sides beyond 16 bits; VP8L and VP8 their 14-bit limits', () => {
    expect(imageHeaderSize(png(100_000, 70_000))).toMatchObject({ width: 100_000, height: 70_000 });
    expect(imageHeaderSize(webpExtended(1 << 24, 3))).toMatchObject({ format: 'webp', width: 1 << 24, height: 3 });
    expect(imageHeaderSize(webpLossless(16_384, 16_384))).toMatchObject({ width: 16_384, height: 16_384 });
    expect(imageHeaderSize(webpLossy(16_383, 1))).toMatchObject({ width: 16_383, height: 1 });
  });

  it('JPEG: the frame header after large metadata, past DHT (0xC4) and fill bytes; no frame, no size', () => {
    const big = Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, ...new Array(0xfffd).fill(0), 0xff, 0xe2, 0xff, 0xff, ...new Array(0xfffd).fill(7), ...jpeg(9000, 7000).slice(2)]);
    expect(imageHeaderSize(big)).toEqual({ format: 'jpeg', width: 9000, height: 7000 });
    expect(imageHeaderSize(jpeg(640, 480, 0xc1))).toMatchObject({ width: 640, height: 480 });
    expect(imageHeaderSize(jpeg(640, 480, 0xcf))).toMatchObject({ width: 640, height: 480 });
    // Scan data or the end before any frame header; a height left to a DNL marker (0); cut short.
    expect(imageHeaderSize(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9]))).toBeNull();
    expect(imageHeaderSize(jpeg(640, 0))).toBeNull();
    const full = jpeg(640, 480);
    expect(imageHeaderSize(full.slice(0, full.length - 14 - 10))).toMatchObject({ width: 640, height: 480 }); // sides present
    expect(imageHeaderSize(full.slice(0, full.length - 14 - 11))).toBeNull(); // the width cut off
    expect(imageHeaderSize(Uint8Array.from([0xff, 0xd8, 0x12, 0x34]))).toBeNull();
  });

  it('GIF: the logical screen, widened to a first frame that reaches past it (after a colour table and extensions)', () => {
    const frame = Uint8Array.from([...ascii('GIF89a'), ...u16le(10), ...u16le(10), 0x81, 0, 0, ...new Array(12).fill(0),
      0x21, 0xf9, 4, 0, 0, 0, 0, 0, 0x21, 0xfe, 3, ...ascii('hi!'), 2, 0, 0, 0,
      0x2c, ...u16le(5), ...u16le(0), ...u16le(30_000), ...u16le(20_000), 0, 2, 2, 0x4c, 0x01, 0, 0x3b]);
    expect(imageHeaderSize(frame)).toEqual({ format: 'gif', width: 30_005, height: 20_000 });
    expect(imageHeaderSize(gif(300, 200))).toEqual({ format: 'gif', width: 300, height: 200 });
    expect(imageHeaderSize(gif(300, 200).slice(0, 13))).toEqual({ format: 'gif', width: 300, height: 200 });
  });

  it('BMP: top-down (negative height) and the OS/2 core header; a non-positive width is no size', () => {
    const topDown = bmp(120, 80);
    topDown.set([0xb0, 0xff, 0xff, 0xff], 22); // −80
    expect(imageHeaderSize(topDown)).toEqual({ format: 'bmp', width: 120, height: 80 });
    const core = Uint8Array.from([...ascii('BM'), 0, 0, 0, 0, 0, 0, 0, 0, 26, 0, 0, 0, 12, 0, 0, 0, ...u16le(640), ...u16le(480), 1, 0, 24, 0]);
    expect(imageHeaderSize(core)).toEqual({ format: 'bmp', width: 640, height: 480 });
    const negative = bmp(120, 80);
    negative.set([0xff, 0xff, 0xff, 0xff], 18);
    expect(imageHeaderSize(negative)).toBeNull();
  });

  it('other formats, damaged and cut-short headers give null (the decoder decides); random bytes never throw', () => {
    for (const bytes of [new Uint8Array(0), Uint8Array.from(ascii('<svg xmlns="http://www.w3.org/2000/svg"/>')),
      Uint8Array.from([0, 0, 0, 0x1c, ...ascii('ftypavif'), ...new Array(20).fill(0)]), Uint8Array.from(ascii('RIFF\0\0\0\0WEBPVP8 ')),
      Uint8Array.from(ascii('RIFF\0\0\0\0WAVEfmt ')), png(0, 10), Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, ...u16be(17)])]) {
      expect(imageHeaderSize(bytes)).toBeNull();
    }
    for (const [name, [bytes]] of Object.entries(headers(640, 480))) {
      for (const cut of [1, 5, 12, 20]) expect(() => imageHeaderSize(bytes.slice(0, cut)), name).not.toThrow();
      if (!name.startsWith('GIF')) expect(imageHeaderSize(bytes.slice(0, 12)), name).toBeNull();
    }
    let seed = 7;
    const byte = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 24; };
    const magic = [[0x89, 0x50, 0x4e, 0x47], [0xff, 0xd8], ascii('GIF89a'), ascii('RIFF'), ascii('BM')];
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from([...magic[i % magic.length], ...Array.from({ length: byte() % 64 }, byte)]);
      const size = imageHeaderSize(bytes);
      if (size) expect(size.width > 0 && size.height > 0).toBe(true);
    }
  });
});
