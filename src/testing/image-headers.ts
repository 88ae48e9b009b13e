/** Synthetic image headers for tests: the bytes each format's reader looks at, with the rest left empty. */

const u16le = (v: number) => [v & 0xff, (v >> 8) & 0xff];
const u24le = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff];
const u32le = (v: number) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const u16be = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const u32be = (v: number) => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const pad = (n: number) => new Array<number>(n).fill(0);

export const png = (w: number, h: number) => Uint8Array.from([0x89, ...ascii('PNG\r\n\x1a\n'), ...u32be(13), ...ascii('IHDR'), ...u32be(w), ...u32be(h), 8, 6, 0, 0, 0, ...pad(4)]);

/** SOI, a JFIF APP0, an EXIF-sized APP1, a DQT and a DHT (0xC4: not a frame header), fill bytes, then the SOFn. */
export const jpeg = (w: number, h: number, sof = 0xc0) => Uint8Array.from([
  0xff, 0xd8,
  0xff, 0xe0, ...u16be(16), ...ascii('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0,
  0xff, 0xe1, ...u16be(2 + 3000), ...pad(3000),
  0xff, 0xdb, ...u16be(67), 0, ...pad(64),
  0xff, 0xc4, ...u16be(2 + 29), 0, ...pad(16), ...pad(12),
  0xff, 0xff, sof, ...u16be(17), 8, ...u16be(h), ...u16be(w), 3, ...pad(9),
  0xff, 0xda, ...u16be(12), ...pad(10),
]);

export const gif = (w: number, h: number) => Uint8Array.from([...ascii('GIF89a'), ...u16le(w), ...u16le(h), 0, 0, 0,
  0x2c, ...u16le(0), ...u16le(0), ...u16le(w), ...u16le(h), 0, 2, 2, 0x4c, 0x01, 0, 0x3b]);

const riff = (chunk: string, data: number[]) => Uint8Array.from([...ascii('RIFF'), ...u32le(4 + 8 + data.length), ...ascii('WEBP'), ...ascii(chunk), ...u32le(data.length), ...data]);
export const webpLossy = (w: number, h: number) => riff('VP8 ', [0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, ...u16le(w), ...u16le(h), ...pad(10)]);
export const webpLossless = (w: number, h: number) => {
  const bits = ((w - 1) & 0x3fff) | (((h - 1) & 0x3fff) << 14);
  return riff('VP8L', [0x2f, ...u32le(bits >>> 0), ...pad(10)]);
};
export const webpExtended = (w: number, h: number) => riff('VP8X', [0x10, 0, 0, 0, ...u24le(w - 1), ...u24le(h - 1)]);

export const bmp = (w: number, h: number) => Uint8Array.from([...ascii('BM'), ...u32le(54 + 4), 0, 0, 0, 0, ...u32le(54),
  ...u32le(40), ...u32le(w), ...u32le(h), ...u16le(1), ...u16le(24), ...pad(24), ...pad(4)]);

/** One header of each kind the reader knows, as [bytes, MIME type, the width and height it states]. */
export function headers(w: number, h: number): Record<string, [Uint8Array, string, number, number]> {
  const webpW = Math.min(w, 16_383);
  const webpH = Math.min(h, 16_383);
  return {
    PNG: [png(w, h), 'image/png', w, h],
    JPEG: [jpeg(w, h), 'image/jpeg', w, h],
    'progressive JPEG': [jpeg(w, h, 0xc2), 'image/jpeg', w, h],
    GIF: [gif(w, h), 'image/gif', w, h],
    // Lossy and lossless WebP store 14-bit sides (up to 16,383 and 16,384): 16,383² is still over the limit.
    'WebP (VP8)': [webpLossy(webpW, webpH), 'image/webp', webpW, webpH],
    'WebP (VP8L)': [webpLossless(webpW, webpH), 'image/webp', webpW, webpH],
    'WebP (VP8X)': [webpExtended(w, h), 'image/webp', w, h],
    BMP: [bmp(w, h), 'image/bmp', w, h],
    // No type (a pasted or renamed file): the header still says what it is.
    'PNG without a type': [png(w, h), '', w, h],
  };
}
