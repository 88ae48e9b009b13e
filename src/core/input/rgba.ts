/**
 * Browser image data (RGBA bytes, as ImageData holds them) → [0, 1] floats, gray or RGB. Transparent
 * pixels are composited over white, as a viewer shows them (a PNG digit on a transparent background is
 * dark ink on white paper).
 */
import { InputImageError, type FloatImage } from './resample';

/** ITU-R BT.601 luma, the weights PIL's "L" conversion uses. */
export const luma = (r: number, g: number, b: number): number => 0.299 * r + 0.587 * g + 0.114 * b;

export function fromRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, channels: 1 | 3): FloatImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || rgba.length !== width * height * 4) {
    throw new InputImageError(`The image data (${rgba.length} bytes) is not a ${width}×${height} RGBA image.`);
  }
  const data = new Float32Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    const a = rgba[4 * p + 3] / 255;
    const rgb = [0, 1, 2].map((k) => (a * rgba[4 * p + k]) / 255 + (1 - a));
    if (channels === 3) data.set(rgb, 3 * p);
    else data[p] = luma(rgb[0], rgb[1], rgb[2]);
  }
  return { data, width, height, channels };
}
