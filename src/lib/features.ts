/**
 * Running the frozen base over a set of images: the features the head trains on.
 * Images go through in batches (converted to float per batch); results land in one buffer, in order.
 */
import * as tf from '@tensorflow/tfjs';
import { ImageSet } from './cifar10';
import { Preprocessing, preprocessBatch } from './preprocess';
import { Progress } from './progress';

export interface ExtractOptions {
  preprocess?: Preprocessing;
  /** Images per forward pass; larger is faster on the native engine. */
  batchSize?: number;
  /** Show images done, img/s and ETA. */
  progress?: boolean;
  label?: string;
}

/** One image's input shape (height, width, channels). */
export function inputShapeOf(base: tf.LayersModel): [number, number, number] {
  return base.inputs[0].shape.slice(1) as [number, number, number];
}

/** One image's feature shape, the base's output without the batch (1×1×512 at 32×32). */
export function featureShapeOf(base: tf.LayersModel): number[] {
  return base.outputs[0].shape.slice(1) as number[];
}

/** Floats per image in the flattened features. */
export function featureSizeOf(base: tf.LayersModel): number {
  return featureShapeOf(base).reduce((a, b) => a * b, 1);
}

/** The base's output for every image, flattened: count × featureSize floats. */
export async function extractFeatures(base: tf.LayersModel, set: ImageSet, options: ExtractOptions = {}): Promise<Float32Array> {
  const preprocess = options.preprocess ?? 'seed';
  const batchSize = options.batchSize ?? 128;
  const [h, w, c] = inputShapeOf(base);
  const featureSize = featureSizeOf(base);
  const out = new Float32Array(set.count * featureSize);
  const progress = options.progress ? new Progress(options.label ?? 'features', set.count) : undefined;
  for (let from = 0; from < set.count; from += batchSize) {
    const to = Math.min(set.count, from + batchSize);
    const input = tf.tensor4d(preprocessBatch(set, from, to, preprocess), [to - from, h, w, c]);
    const result = base.predict(input) as tf.Tensor;
    out.set(await result.data() as Float32Array, from * featureSize);
    tf.dispose([input, result]);
    progress?.update(to);
  }
  progress?.finish();
  return out;
}
