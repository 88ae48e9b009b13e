/**
 * The picture size a file's header states, read before anything is decoded, so that a decompression
 * bomb (a small file that decodes to gigapixels) is refused without the browser spending seconds and
 * memory on it. PNG (IHDR), JPEG (the first SOFn frame header), GIF (logical screen and first frame),
 * WebP (VP8, VP8L, VP8X) and BMP; anything else, or a header cut short, gives null and is left to the
 * browser's decoder (whose result is checked again). Pure: bytes in, numbers out.
 */

export interface HeaderSize {
  format: 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';
  width: number;
  height: number;
}

const ascii = (b: Uint8Array, at: number, text: string): boolean =>
  b.length >= at + text.length && [...text].every((c, i) => b[at + i] === c.charCodeAt(0));
const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u24le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
const u32le = (b: Uint8Array, at: number) => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const i32le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

const sized = (format: HeaderSize['format'], width: number, height: number): HeaderSize | null =>
  width > 0 && height > 0 ? { format, width, height } : null;

function png(b: Uint8Array): HeaderSize | null {
  if (b.length < 24 || !ascii(b, 1, 'PNG\r\n\x1a\n') || b[0] !== 0x89 || !ascii(b, 12, 'IHDR')) return null;
  return sized('png', u32be(b, 16), u32be(b, 20));
}

/** Start-of-frame markers: C0–CF but DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpeg(b: Uint8Array): HeaderSize | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  let at = 2;
  while (at + 1 < b.length) {
    if (b[at] !== 0xff) return null; // lost between segments: not a header this reader follows
    while (b[at + 1] === 0xff && at + 2 < b.length) at++; // fill bytes
    const marker = b[at + 1];
    at += 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue; // no length
    if (marker === 0xd9 || marker === 0xda || at + 2 > b.length) return null; // end, or scan data, before any frame
    const length = u16be(b, at);
    if (length < 2) return null;
    if (isSof(marker)) return at + 7 <= b.length ? sized('jpeg', u16be(b, at + 5), u16be(b, at + 3)) : null;
    at += length;
  }
  return null;
}

/**
 * The logical screen, widened to the first frame where the frame reaches past it (browsers grow the
 * canvas to show such a frame).
 */
function gif(b: Uint8Array): HeaderSize | null {
  if (b.length < 13 || !(ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a'))) return null;
  let width = u16le(b, 6);
  let height = u16le(b, 8);
  let at = 13 + (b[10] & 0x80 ? 3 * 2 ** ((b[10] & 7) + 1) : 0);
  while (at < b.length) {
    if (b[at] === 0x2c) { // image descriptor
      if (at + 9 > b.length) break;
      width = Math.max(width, u16le(b, at + 1) + u16le(b, at + 5));
      height = Math.max(height, u16le(b, at + 3) + u16le(b, at + 7));
      break;
    }
    if (b[at] !== 0x21) break; // trailer or damage: the screen is what is known
    at += 2; // extension introducer and label, then sub-blocks until an empty one
    while (at < b.length && b[at] !== 0) at += b[at] + 1;
    at++;
  }
  return sized('gif', width, height);
}

function webp(b: Uint8Array): HeaderSize | null {
  if (b.length < 30 || !ascii(b, 0, 'RIFF') || !ascii(b, 8, 'WEBP')) return null;
  if (ascii(b, 12, 'VP8 ')) {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return sized('webp', u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  if (ascii(b, 12, 'VP8L')) {
    if (b[20] !== 0x2f) return null;
    const bits = u32le(b, 21);
    return sized('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (ascii(b, 12, 'VP8X')) return sized('webp', u24le(b, 24) + 1, u24le(b, 27) + 1);
  return null;
}

function bmp(b: Uint8Array): HeaderSize | null {
  if (b.length < 26 || !ascii(b, 0, 'BM')) return null;
  const dib = u32le(b, 14);
  if (dib === 12) return sized('bmp', u16le(b, 18), u16le(b, 20)); // OS/2 BITMAPCOREHEADER
  if (dib < 16) return null;
  // Negative height: rows stored top-down.
  return sized('bmp', i32le(b, 18), Math.abs(i32le(b, 22)));
}

/** The size the header states, or null: not a format read here, or a header too short or damaged to say. */
export function imageHeaderSize(bytes: Uint8Array): HeaderSize | null {
  return png(bytes) ?? jpeg(bytes) ?? gif(bytes) ?? webp(bytes) ?? bmp(bytes);
}
