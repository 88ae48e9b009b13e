/**
 * A student's own image as the model's input, made the way the model's data set was made: a drawn or
 * uploaded digit the MNIST way (mnist-style.ts, then the 16 levels a link carries, so a shared link
 * restores exactly the image that was predicted and attacked); a photo the CIFAR-10 way (centre-crop.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../data/manifest';
import type { Classifier } from '../models/classifier';
import { centreCrop } from './centre-crop';
import { quantizeDrawing } from './drawing-code';
import { mnistStyle } from './mnist-style';
import type { FloatImage } from './resample';
import { luma } from './rgba';

function toGray(img: FloatImage): FloatImage {
  if (img.channels === 1) return img;
  const data = new Float32Array(img.width * img.height);
  for (let p = 0; p < data.length; p++) data[p] = luma(img.data[3 * p], img.data[3 * p + 1], img.data[3 * p + 2]);
  return { ...img, data, channels: 1 };
}

function toRgb(img: FloatImage): FloatImage {
  if (img.channels === 3) return img;
  const data = new Float32Array(img.width * img.height * 3);
  img.data.forEach((v, p) => data.fill(v, 3 * p, 3 * p + 3));
  return { ...img, data, channels: 3 };
}

/** uint8 HWC pixels of the data set's shape (28×28×1 or 32×32×3). Throws InputImageError for unusable images. */
export function ownImagePixels(dataset: DatasetName, image: FloatImage): Uint8Array {
  return dataset === 'mnist' ? quantizeDrawing(mnistStyle(toGray(image)).pixels) : centreCrop(toRgb(image));
}

export interface TopClasses {
  predicted: number;
  top: { cls: number; p: number }[];
}

/** The k most probable classes of one normalised image. */
export async function topClasses(classifier: Classifier, x: tf.Tensor4D, k = 3): Promise<TopClasses> {
  const t = tf.tidy(() => tf.softmax(classifier.logits(x)).squeeze());
  try {
    const probs = await t.data();
    const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
    return { predicted: order[0], top: order.slice(0, k).map((cls) => ({ cls, p: probs[cls] })) };
  } finally {
    t.dispose();
  }
}
