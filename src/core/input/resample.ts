/**
 * Area-weighted resampling (a box filter): each output pixel is the mean of the source over the square
 * it covers, so downscaling is anti-aliased and ink mass is conserved. One uniform scale for both axes
 * (aspect ratio kept); fractional placement is allowed, and source outside the image counts as 0.
 */

/** Interleaved H×W×C image with values in [0, 1]. */
export interface FloatImage {
  data: Float32Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * Where the output grid sits on the source: output coordinate (u, v) (pixel i spans [i, i + 1]) reads
 * source coordinate (x0 + u·scale, y0 + v·scale).
 */
export interface Placement {
  x0: number;
  y0: number;
  /** Source pixels per output pixel. */
  scale: number;
}

/** For each output index, the source indices it overlaps and their weights (overlap / scale). */
function axisWeights(outN: number, srcN: number, start: number, scale: number): { idx: number[]; w: number[] }[] {
  const rows = [];
  for (let i = 0; i < outN; i++) {
    const a = start + i * scale;
    const b = a + scale;
    const idx: number[] = [];
    const w: number[] = [];
    for (let s = Math.max(0, Math.floor(a)); s < Math.min(srcN, Math.ceil(b)); s++) {
      const overlap = Math.min(b, s + 1) - Math.max(a, s);
      if (overlap > 0) {
        idx.push(s);
        w.push(overlap / scale);
      }
    }
    rows.push({ idx, w });
  }
  return rows;
}

/** Resamples `src` onto an outWidth × outHeight grid placed by `at`. */
export function resampleArea(src: FloatImage, outWidth: number, outHeight: number, at: Placement): FloatImage {
  if (!(at.scale > 0) || !Number.isFinite(at.scale) || !Number.isFinite(at.x0) || !Number.isFinite(at.y0)) {
    throw new Error(`resampleArea: placement must be finite with scale > 0, got ${JSON.stringify(at)}`);
  }
  const { width, height, channels: c } = src;
  const wx = axisWeights(outWidth, width, at.x0, at.scale);
  const wy = axisWeights(outHeight, height, at.y0, at.scale);
  // Separable: rows first (source height × output width), then columns.
  const rows = new Float32Array(height * outWidth * c);
  for (let y = 0; y < height; y++) {
    for (let u = 0; u < outWidth; u++) {
      const { idx, w } = wx[u];
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < idx.length; k++) acc += w[k] * src.data[(y * width + idx[k]) * c + ch];
        rows[(y * outWidth + u) * c + ch] = acc;
      }
    }
  }
  const out = new Float32Array(outHeight * outWidth * c);
  for (let v = 0; v < outHeight; v++) {
    const { idx, w } = wy[v];
    for (let u = 0; u < outWidth; u++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let k = 0; k < idx.length; k++) acc += w[k] * rows[(idx[k] * outWidth + u) * c + ch];
        out[(v * outWidth + u) * c + ch] = acc;
      }
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels: c };
}

/** [0, 1] floats → uint8 pixels (rounded, clamped). */
export function toBytes(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.round(255 * Math.min(1, Math.max(0, x[i])));
  return out;
}

/** Throws a message naming what is wrong unless `img` is a well-formed image of finite values. */
export function checkImage(img: FloatImage, channels: number[]): void {
  const { width, height, channels: c, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InputImageError(`The image has no pixels (${width}×${height}).`);
  }
  if (!channels.includes(c)) throw new InputImageError(`Expected ${channels.join(' or ')} channels, got ${c}.`);
  if (data.length !== width * height * c) {
    throw new InputImageError(`The image data holds ${data.length} values, not ${width}×${height}×${c}.`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new InputImageError(`The image holds a non-finite value at index ${i}.`);
  }
}

/** An input image that cannot be used, with a message meant for the user. */
export class InputImageError extends Error {}
