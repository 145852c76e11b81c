/**
 * The article's classifier head and its training, with Keras's semantics:
 * Flatten → Dense(256, relu) → Dense(10, softmax); glorot-uniform kernels, zero biases;
 * Adam(lr 0.001, β1 0.9, β2 0.999, ε 1e-7); categorical cross-entropy on one-hot labels;
 * batch 32, 5 epochs, shuffled each epoch, the test set as validation after each epoch.
 * History uses Keras's keys; training figures are running means over the epoch, as Keras reports.
 */
import * as tf from '@tensorflow/tfjs';
import { ImageSet, NUM_CLASSES } from './cifar10';
import { Preprocessing, preprocessBatch } from './preprocess';
import { shuffledIndices } from './random';

export const ADAM = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

export interface History {
  accuracy: number[];
  loss: number[];
  val_accuracy: number[];
  val_loss: number[];
}

export interface TrainOptions {
  epochs?: number;
  batchSize?: number;
  /** Seeds head initialisation and the shuffling of each epoch. */
  seed?: number;
  /** Called after each epoch with its figures (for Keras-like lines and live figures). */
  onEpochEnd?: (epoch: number, logs: { loss: number; accuracy: number; val_loss: number; val_accuracy: number; seconds: number }) => void;
}

/** The head, for inputs of `inputShape` (the base's output shape without the batch). */
export function buildHead(inputShape: number[], seed = 42): tf.Sequential {
  return tf.sequential({
    name: 'head',
    layers: [
      tf.layers.flatten({ inputShape, name: 'flatten' }),
      tf.layers.dense({ units: 256, activation: 'relu', name: 'dense', kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: 'zeros' }),
      tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax', name: 'dense_1', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), biasInitializer: 'zeros' }),
    ],
  });
}

/** A source of (input, one-hot label) batches by index: features in memory, or images through the base. */
export interface BatchSource {
  count: number;
  labels: Uint8Array;
  /** The network input for these indices (caller disposes). */
  inputs(indices: ArrayLike<number>): tf.Tensor;
}

/** Batches of precomputed features (the 'cached' strategy). */
export function featureSource(values: Float32Array, shape: number[], labels: Uint8Array): BatchSource {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    count: labels.length,
    labels,
    inputs(indices) {
      const out = new Float32Array(indices.length * size);
      for (let k = 0; k < indices.length; k++) out.set(values.subarray(indices[k] * size, (indices[k] + 1) * size), k * size);
      return tf.tensor(out, [indices.length, ...shape]);
    },
  };
}

/** Batches of preprocessed images (the 'end-to-end' strategy: the base runs inside every batch). */
export function imageSource(set: ImageSet, preprocess: Preprocessing): BatchSource {
  return {
    count: set.count,
    labels: set.labels,
    inputs(indices) {
      const out = new Float32Array(indices.length * 3072);
      for (let k = 0; k < indices.length; k++) out.set(preprocessBatch(set, indices[k], indices[k] + 1, preprocess), k * 3072);
      return tf.tensor4d(out, [indices.length, 32, 32, 3]);
    },
  };
}

/** Compiles `model` as the article does (Adam, categorical cross-entropy, accuracy). */
export function compileLikeKeras(model: tf.LayersModel): void {
  model.compile({
    optimizer: tf.train.adam(ADAM.learningRate, ADAM.beta1, ADAM.beta2, ADAM.epsilon),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
}

/**
 * Frees a compiled model's optimizer. A passed-in optimizer is not disposed with its model, and
 * tfjs 4.22's AdamOptimizer.dispose() frees its moments but not the base class's iteration
 * counter, so both are called.
 */
export function releaseOptimizer(model: tf.LayersModel): void {
  const optimizer = model.optimizer;
  optimizer.dispose();
  tf.Optimizer.prototype.dispose.call(optimizer);
}

/** model.fit(x, y, epochs, batch_size, validation_data) with a seeded shuffle. */
export async function fit(model: tf.LayersModel, train: BatchSource, validation: BatchSource, options: TrainOptions = {}): Promise<History> {
  const epochs = options.epochs ?? 5;
  const batchSize = options.batchSize ?? 32;
  const seed = options.seed ?? 42;
  const history: History = { accuracy: [], loss: [], val_accuracy: [], val_loss: [] };
  for (let epoch = 0; epoch < epochs; epoch++) {
    const start = performance.now();
    const order = shuffledIndices(train.count, seed * 1000 + epoch);
    let lossSum = 0;
    let accSum = 0;
    for (let from = 0; from < train.count; from += batchSize) {
      const indices = order.subarray(from, Math.min(train.count, from + batchSize));
      const [x, y] = [train.inputs(indices), oneHot(train.labels, indices)];
      const [loss, acc] = (await model.trainOnBatch(x, y)) as number[];
      tf.dispose([x, y]);
      lossSum += loss * indices.length;
      accSum += acc * indices.length;
    }
    // Validation loss and accuracy are per-image sums, so the batch size only changes speed
    // (Keras uses batch_size here too; larger batches make this loop cheaper).
    const val = await evaluate(model, validation, 256);
    const logs = { loss: lossSum / train.count, accuracy: accSum / train.count, val_loss: val.loss, val_accuracy: val.accuracy, seconds: (performance.now() - start) / 1000 };
    history.loss.push(logs.loss);
    history.accuracy.push(logs.accuracy);
    history.val_loss.push(logs.val_loss);
    history.val_accuracy.push(logs.val_accuracy);
    options.onEpochEnd?.(epoch, logs);
  }
  return history;
}

/** Loss and accuracy over a whole set, in batches. */
export async function evaluate(model: tf.LayersModel, source: BatchSource, batchSize = 32): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let correct = 0;
  for (let from = 0; from < source.count; from += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, source.count - from) }, (_, k) => from + k);
    const [l, c] = tf.tidy(() => {
      const x = source.inputs(indices);
      const y = oneHot(source.labels, indices);
      const p = model.predict(x) as tf.Tensor;
      const loss = tf.metrics.categoricalCrossentropy(y, p).sum();
      const hits = tf.equal(p.argMax(-1), y.argMax(-1)).sum();
      return [loss.dataSync()[0], hits.dataSync()[0]];
    });
    lossSum += l;
    correct += c;
  }
  return { loss: lossSum / source.count, accuracy: correct / source.count };
}

/** Predicted class of every item (for confusion matrices and per-class accuracy). */
export function predictClasses(model: tf.LayersModel, source: BatchSource, batchSize = 256): Uint8Array {
  const out = new Uint8Array(source.count);
  for (let from = 0; from < source.count; from += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, source.count - from) }, (_, k) => from + k);
    const predicted = tf.tidy(() => (model.predict(source.inputs(indices)) as tf.Tensor).argMax(-1).dataSync());
    out.set(predicted, from);
  }
  return out;
}

function oneHot(labels: Uint8Array, indices: ArrayLike<number>): tf.Tensor2D {
  const out = new Float32Array(indices.length * NUM_CLASSES);
  for (let k = 0; k < indices.length; k++) out[k * NUM_CLASSES + labels[indices[k]]] = 1;
  return tf.tensor2d(out, [indices.length, NUM_CLASSES]);
}
