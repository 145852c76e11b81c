/**
 * Pixels to network input, one batch at a time (the full set never exists as float32).
 *  - 'seed':  pixels / 255 — exactly what the article's code does, so results compare with it.
 *  - 'caffe': keras.applications.vgg16.preprocess_input — RGB→BGR, minus the ImageNet channel
 *             means, no scaling: the input VGG16's ImageNet weights were trained on.
 */
import { ImageSet, PIXELS_PER_IMAGE } from './cifar10';

export type Preprocessing = 'seed' | 'caffe';
export const PREPROCESSINGS: readonly Preprocessing[] = ['seed', 'caffe'];

/** ImageNet means in BGR order, as in keras.applications.imagenet_utils (mode 'caffe'). */
export const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68] as const;

/** Images [from, to) of `set` as float32 NHWC network input. */
export function preprocessBatch(set: ImageSet, from: number, to: number, mode: Preprocessing): Float32Array {
  const pixels = set.images.subarray(from * PIXELS_PER_IMAGE, to * PIXELS_PER_IMAGE);
  const out = new Float32Array(pixels.length);
  if (mode === 'seed') {
    for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  } else {
    const [b, g, r] = CAFFE_MEAN_BGR;
    for (let i = 0; i < pixels.length; i += 3) {
      out[i] = pixels[i + 2] - b;
      out[i + 1] = pixels[i + 1] - g;
      out[i + 2] = pixels[i] - r;
    }
  }
  return out;
}

export function parsePreprocessing(value: string): Preprocessing {
  if ((PREPROCESSINGS as readonly string[]).includes(value)) return value as Preprocessing;
  throw new Error(`preprocessing ${value} is not one of ${PREPROCESSINGS.join(', ')}`);
}
