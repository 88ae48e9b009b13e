/**
 * A file or pasted image decoded by the browser (createImageBitmap: every format the browser reads, no
 * hand-written decoder) into RGBA bytes for the worker. Refuses what is not an image, or too large a file
 * or picture, with a message that says so; very large pictures are drawn smaller first (the models see
 * 28 or 32 pixels). The picture size is read from the file's header first (image-header.ts), so a huge
 * picture is refused before the browser decodes it; the decoded size is checked again for the rest.
 */
import { imageHeaderSize } from './image-header';


/** Files larger than this are refused before decoding. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Longer side of the picture handed to the worker. */
const MAX_SIDE = 1024;
/** Pictures with more pixels than this are refused (a decompression bomb would exhaust memory). */
const MAX_PIXELS = 50_000_000;

export interface DecodedImage {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

/**
 * A file's size beside the limit, with enough figures that the two differ: one decimal of MB, two where one
 * would print the same number for both, else bytes (a file a few bytes over must not read "10.0 MB; up to 10.0 MB").
 */
function sizes(size: number, limit: number): [string, string] {
  for (const digits of [1, 2]) {
    const [a, b] = [size, limit].map((n) => (n / 1024 / 1024).toFixed(digits));
    if (a !== b) return [`${a} MB`, `${b} MB`];
  }
  return [`${size.toLocaleString('en-US')} bytes`, `${limit.toLocaleString('en-US')} bytes`];
}

const tooManyPixels = (name: string, width: number, height: number) =>
  new Error(`${name} is ${width}×${height} pixels; pictures up to ${MAX_PIXELS / 1e6} megapixels are accepted.`);

export async function decodeImage(blob: Blob, name = 'the image'): Promise<DecodedImage> {
  if (blob.size > MAX_UPLOAD_BYTES) {
    const [size, limit] = sizes(blob.size, MAX_UPLOAD_BYTES);
    throw new Error(`${name} is ${size}; images up to ${limit} are accepted.`);
  }
  if (blob.size === 0) throw new Error(`${name} is empty.`);
  if (blob.type && !blob.type.startsWith('image/')) throw new Error(`${name} is not an image (${blob.type}). Use a PNG, JPEG, GIF, WebP or BMP picture.`);
  // At most MAX_UPLOAD_BYTES: reading it all is cheap beside decoding it, and a JPEG's frame header may sit
  // after large metadata segments.
  const stated = imageHeaderSize(new Uint8Array(await blob.arrayBuffer()));
  if (stated && stated.width * stated.height > MAX_PIXELS) throw tooManyPixels(name, stated.width, stated.height);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw new Error(`${name} could not be read as an image. Use a PNG, JPEG, GIF, WebP or BMP picture.`);
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) throw tooManyPixels(name, width, height);
    const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw images off-screen.');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, w, h);
    return { rgba: ctx.getImageData(0, 0, w, h).data, width: w, height: h };
  } finally {
    bitmap.close();
  }
}
