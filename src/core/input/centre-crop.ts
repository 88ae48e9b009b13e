/**
 * An uploaded photo made into a CIFAR-10-sized input: the largest centred square, resized to 32×32 with
 * area averaging (anti-aliased, so a large photo does not alias into noise the network has never seen).
 */
import { checkImage, resampleArea, toBytes, type FloatImage } from './resample';

export const CIFAR_SIZE = 32;

/** RGB image ([0, 1], any size) → size×size×3 uint8 pixels (NHWC order of the shards). */
export function centreCrop(rgb: FloatImage, size = CIFAR_SIZE): Uint8Array {
  checkImage(rgb, [3]);
  const side = Math.min(rgb.width, rgb.height);
  const out = resampleArea(rgb, size, size, { x0: (rgb.width - side) / 2, y0: (rgb.height - side) / 2, scale: side / size });
  return toBytes(out.data);
}
