/**
 * The permalink form of a 28×28 drawing: 16 gray levels (4 bits a pixel, two pixels a byte, row-major),
 * base64url without padding — always exactly 523 characters. The app quantises a drawing to these levels
 * as soon as it is made, so the image a link restores is the image that was predicted and attacked.
 */

export const DRAWING_SIDE = 28;
const PIXELS = DRAWING_SIDE * DRAWING_SIDE;
const BYTES = PIXELS / 2;
/** Length of every valid code: ⌈392·8 / 6⌉. */
export const DRAWING_CODE_LENGTH = Math.ceil((BYTES * 8) / 6);
const LEVEL = 17; // 255 / 15: level q ↔ byte value 17·q

/** The byte value of each pixel rounded to the nearest of the 16 levels a link can carry. */
export function quantizeDrawing(pixels: Uint8Array): Uint8Array {
  checkPixels(pixels);
  return pixels.map((v) => LEVEL * Math.round(v / LEVEL));
}

export function encodeDrawing(pixels: Uint8Array): string {
  checkPixels(pixels);
  const bytes = new Uint8Array(BYTES);
  for (let i = 0; i < BYTES; i++) bytes[i] = (Math.round(pixels[2 * i] / LEVEL) << 4) | Math.round(pixels[2 * i + 1] / LEVEL);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The drawing a code stands for, or an error message saying why the code is not one. */
export function decodeDrawing(code: string): { pixels: Uint8Array } | { error: string } {
  if (typeof code !== 'string' || code.length !== DRAWING_CODE_LENGTH) {
    return { error: `a drawing is ${DRAWING_CODE_LENGTH} characters, got ${typeof code === 'string' ? code.length : typeof code}` };
  }
  if (!/^[A-Za-z0-9_-]+$/.test(code)) return { error: 'a drawing uses only the characters A–Z a–z 0–9 - _' };
  const binary = atob(code.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  const pixels = new Uint8Array(PIXELS);
  for (let i = 0; i < BYTES; i++) {
    pixels[2 * i] = LEVEL * (bytes[i] >> 4);
    pixels[2 * i + 1] = LEVEL * (bytes[i] & 15);
  }
  // The last character carries two unused bits: one drawing, one code.
  if (encodeDrawing(pixels) !== code) return { error: 'the drawing code is not canonical (damaged link?)' };
  return { pixels };
}

function checkPixels(pixels: Uint8Array): void {
  if (!(pixels instanceof Uint8Array) || pixels.length !== PIXELS) {
    throw new Error(`a drawing is ${DRAWING_SIDE}×${DRAWING_SIDE} uint8 pixels, got ${pixels?.length} values`);
  }
}
