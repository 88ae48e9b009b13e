/**
 * A drawn or uploaded digit made the way MNIST was made (LeCun, Cortes & Burges): "size normalized to fit
 * in a 20x20 pixel box while preserving their aspect ratio … grey levels as a result of the anti-aliasing
 * … centered in a 28x28 image by computing the center of mass of the pixels, and translating the image so
 * as to position this point at the center of the 28x28 field".
 *
 * Conventions measured on the shipped MNIST test set (all 10,000): the ink's centre of mass in index
 * coordinates (Σ i·v / Σ v, pixel i at i) is 14.0 ± 0.29 on both axes (LeCun shifted by whole pixels), and
 * the bounding box of pixels above 10% ink has its long side 20 px for 9,996 digits. Here the shift is
 * sub-pixel (area resampling at a fractional offset), so the centre of mass lands on 14.0 itself.
 */
import { checkImage, InputImageError, resampleArea, toBytes, type FloatImage } from './resample';

export const MNIST_SIZE = 28;
/** Side of the box the digit's longer side is scaled to. */
export const MNIST_BOX = 20;
/** Where the centre of mass goes, in index coordinates (see the header). */
export const MNIST_CENTRE = 14;

export interface MnistStyleOptions {
  /**
   * Dark ink on light paper is inverted to MNIST's light ink on black. 'auto': invert when the median of
   * the image's border is lighter than mid-gray.
   */
  invert: 'auto' | boolean;
  /** Ink below this fraction of the brightest ink is background for the bounding box (MNIST: 0.1, see above). */
  inkThreshold: number;
}

export const MNIST_STYLE_DEFAULTS = { invert: 'auto', inkThreshold: 0.1 } as const satisfies MnistStyleOptions;

export interface MnistStyleResult {
  /** 28×28 uint8 pixels, light ink on black, as in the MNIST files. */
  pixels: Uint8Array;
  inverted: boolean;
}

/** The faintest image (brightest ink minus the background) still taken for a digit. */
const MIN_CONTRAST = 0.05;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function borderValues(img: FloatImage): number[] {
  const { data, width: w, height: h } = img;
  const out: number[] = [];
  for (let x = 0; x < w; x++) out.push(data[x], data[(h - 1) * w + x]);
  for (let y = 1; y < h - 1; y++) out.push(data[y * w], data[y * w + w - 1]);
  return out;
}

/** Centre of mass in index coordinates, or null for an empty image. */
export function centreOfMass(pixels: ArrayLike<number>, width: number, height: number): [number, number] | null {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x];
      m += v;
      sx += x * v;
      sy += y * v;
    }
  }
  return m > 0 ? [sx / m, sy / m] : null;
}

/** Grayscale image ([0, 1], any size) → a 28×28 MNIST-style digit. Throws InputImageError for a blank image. */
export function mnistStyle(gray: FloatImage, options: Partial<MnistStyleOptions> = {}): MnistStyleResult {
  checkImage(gray, [1]);
  const { invert, inkThreshold } = { ...MNIST_STYLE_DEFAULTS, ...options };
  const border = borderValues(gray);
  const inverted = invert === 'auto' ? median(border) > 0.5 : invert;
  const raw = inverted ? gray.data.map((v) => 1 - v) : gray.data;
  // Paper is rarely pure black after inversion (a photo, a gray scan): its level is the border's median.
  const background = Math.max(0, median(inverted ? border.map((v) => 1 - v) : border));
  let top = 0;
  for (const v of raw) top = Math.max(top, v);
  if (top - background < MIN_CONTRAST) throw new InputImageError('The image is blank: there is no digit to see. Draw or upload a digit.');
  const ink = raw.map((v) => Math.min(1, Math.max(0, (v - background) / (top - background))));
  const { width: w, height: h } = gray;
  let [x0, y0, x1, y1] = [w, h, -1, -1];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x] > inkThreshold) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  const [bw, bh] = [x1 - x0 + 1, y1 - y0 + 1];
  const scale = Math.max(bw, bh) / MNIST_BOX;
  const src = { ...gray, data: ink };
  // First place the box in the middle of the field, then shift it so the centre of mass is at the centre;
  // resampling at the new offset moves the mass by the shift up to the box filter's rounding, so a second
  // correction brings it within a hundredth of a pixel.
  let ox = (MNIST_SIZE - bw / scale) / 2;
  let oy = (MNIST_SIZE - bh / scale) / 2;
  let out = resampleArea(src, MNIST_SIZE, MNIST_SIZE, { x0: x0 - ox * scale, y0: y0 - oy * scale, scale });
  for (let pass = 0; pass < 2; pass++) {
    const [cx, cy] = centreOfMass(out.data, MNIST_SIZE, MNIST_SIZE)!;
    ox += MNIST_CENTRE - cx;
    oy += MNIST_CENTRE - cy;
    out = resampleArea(src, MNIST_SIZE, MNIST_SIZE, { x0: x0 - ox * scale, y0: y0 - oy * scale, scale });
  }
  return { pixels: toBytes(out.data), inverted };
}
