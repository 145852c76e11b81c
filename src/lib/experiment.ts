/**
 * The article's experiment, as the notebook and the command line run it: data, frozen base,
 * features (computed once and cached, or inside every batch), head, training.
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { Cifar10, ImageSet, loadCifar10, readCifar10Archive, withSubsets } from './cifar10';
import { currentEngine } from './engine';
import { UserFacingError } from './errors';
import { extractFeatures, featureShapeOf, inputShapeOf } from './features';
import { featureCachePath, FeatureKey, md5OfBytes, readFeatureCache, writeFeatureCache } from './feature-cache';
import { extractFeaturesParallel } from './parallel-features';
import { dataDir } from './paths';
import { Preprocessing } from './preprocess';
import { ensureSyntheticArchive } from './synthetic';
import { buildHead, compileLikeKeras, featureSource, fit, History, imageSource, releaseOptimizer, TrainOptions } from './train';
import { buildVgg16Base, pretrainedVgg16, vgg16WeightArrays } from './vgg16';

export type Strategy = 'cached' | 'end-to-end';

export interface DataChoice {
  data: Cifar10;
  /** "CIFAR-10" or "synthetic CIFAR-10-format images", and why, for the top of the report. */
  description: string;
  synthetic: boolean;
}

/** Real CIFAR-10 when it can be had; otherwise the synthetic set, saying so. */
export async function chooseData(options: { synthetic?: boolean; subset?: number; testSubset?: number; seed?: number } = {}): Promise<DataChoice> {
  const subsets = { subset: options.subset, testSubset: options.testSubset, seed: options.seed, quiet: false };
  if (!options.synthetic) {
    try {
      return { data: await loadCifar10(subsets), description: 'CIFAR-10 (the official binary archive)', synthetic: false };
    } catch (err) {
      console.log(`CIFAR-10 unavailable: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  // A small synthetic set serves quick runs; CIFAR-10's full size (written once, ~12 s) serves larger ones.
  const train = (options.subset ?? 0) > 5000 ? 50_000 : 5000;
  const test = (options.testSubset ?? 0) > 1000 ? 10_000 : 1000;
  const archive = await ensureSyntheticArchive(dataDir(), { train, test, seed: 42 });
  // Our own archive: read directly (loadCifar10 would warn that it is not the official file).
  const data = withSubsets(await readCifar10Archive(archive), subsets);
  return { data, description: `synthetic CIFAR-10-format images (${archive.split('/').pop()}), generated offline`, synthetic: true };
}

export interface BaseChoice {
  model: tf.LayersModel;
  weightsMd5: string;
  description: string;
  imagenet: boolean;
}

/** VGG16 with ImageNet weights when they can be had; otherwise seeded random weights, saying so. */
export async function chooseBase(options: { random?: boolean } = {}): Promise<BaseChoice> {
  if (!options.random) {
    try {
      const { model, weightsMd5 } = await pretrainedVgg16();
      return { model, weightsMd5, description: 'VGG16 with Keras\'s ImageNet weights', imagenet: true };
    } catch (err) {
      console.log(`ImageNet weights unavailable: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const model = buildVgg16Base({ seed: 42 });
  const weightsMd5 = md5OfBytes(Buffer.concat(vgg16WeightArrays(model).flatMap((l) => l.arrays.map((a) => Buffer.from(a.values.buffer)))));
  return { model, weightsMd5, description: 'VGG16 with seeded random weights (ImageNet weights unavailable)', imagenet: false };
}

/** Base features of a set, from the cache when present and valid, else computed and cached. */
export async function cachedFeatures(base: BaseChoice, set: ImageSet, preprocess: Preprocessing, label: string): Promise<{ values: Float32Array; fromCache: boolean; seconds: number }> {
  const key: FeatureKey = { weightsMd5: base.weightsMd5, imagesMd5: md5OfBytes(set.images), preprocess, inputShape: inputShapeOf(base.model) };
  const file = featureCachePath(key);
  const start = performance.now();
  const hit = readFeatureCache(file, key);
  if (hit && hit.count === set.count) return { values: hit.values, fromCache: true, seconds: (performance.now() - start) / 1000 };
  // wasm and pure JS run one thread in Node: the main thread and one worker per other core share the work.
  const engine = currentEngine()?.name;
  const values = engine === 'native' || engine === undefined || os.cpus().length < 2
    ? await extractFeatures(base.model, set, { preprocess, progress: true, label })
    : await extractFeaturesParallel(base.model, set, { engine, preprocess, progress: true, label: `${label}, ${os.cpus().length} threads` });
  writeFeatureCache(file, key, values, set.count);
  return { values, fromCache: false, seconds: (performance.now() - start) / 1000 };
}

export interface TrainRun {
  head: tf.Sequential;
  history: History;
  seconds: { features: number; training: number };
}

/** Trains a fresh head on `data` with the chosen strategy. Same seed → same mathematics for both. */
export async function trainClassifier(base: BaseChoice, data: Cifar10, options: TrainOptions & { preprocess?: Preprocessing; strategy?: Strategy } = {}): Promise<TrainRun> {
  const preprocess = options.preprocess ?? 'seed';
  const featureShape = featureShapeOf(base.model);
  const head = buildHead(featureShape, options.seed ?? 42);
  if (options.strategy === 'end-to-end') {
    const full = tf.model({ inputs: base.model.inputs, outputs: head.apply(base.model.outputs[0]) as tf.SymbolicTensor });
    compileLikeKeras(full);
    const start = performance.now();
    const history = await fit(full, imageSource(data.train, preprocess), imageSource(data.test, preprocess), options);
    releaseOptimizer(full);
    releaseWrapper(head);
    return { head, history, seconds: { features: 0, training: (performance.now() - start) / 1000 } };
  }
  if (options.strategy !== undefined && options.strategy !== 'cached') throw new UserFacingError(`strategy ${options.strategy} is not one of cached, end-to-end`);
  const train = await cachedFeatures(base, data.train, preprocess, 'features (train)');
  const test = await cachedFeatures(base, data.test, preprocess, 'features (test)');
  compileLikeKeras(head);
  const start = performance.now();
  const history = await fit(head, featureSource(train.values, featureShape, data.train.labels), featureSource(test.values, featureShape, data.test.labels), options);
  releaseOptimizer(head);
  return { head, history, seconds: { features: train.seconds + test.seconds, training: (performance.now() - start) / 1000 } };
}

/**
 * Seconds per training batch: the head alone on features, and the whole network with the base
 * unfrozen (what fine-tuning costs). The base is frozen again afterwards.
 */
export async function measureUnfreezeCost(base: BaseChoice, batchSize = 32): Promise<{ headOnly: number; unfrozen: number }> {
  const featureShape = featureShapeOf(base.model);
  const time = async (model: tf.LayersModel, inputShape: number[]) => {
    compileLikeKeras(model);
    const x = tf.randomUniform([batchSize, ...inputShape]);
    const y = tf.tidy(() => tf.oneHot(tf.zeros([batchSize], 'int32'), 10));
    await model.trainOnBatch(x, y); // warm-up
    const start = performance.now();
    for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
    releaseOptimizer(model);
    return (performance.now() - start) / 3000;
  };
  const head = buildHead(featureShape, 1);
  const headOnly = await time(head, featureShape);
  head.dispose();
  base.model.trainable = true;
  const head2 = buildHead(featureShape, 2);
  try {
    const full = tf.model({ inputs: base.model.inputs, outputs: head2.apply(base.model.outputs[0]) as tf.SymbolicTensor });
    return { headOnly, unfrozen: await time(full, inputShapeOf(base.model)) };
  } finally {
    base.model.trainable = false;
    releaseWrapper(head2);
    head2.dispose();
  }
}

/**
 * A model built as base + head holds a reference to the head (tfjs-layers counts references per
 * container). Releasing that reference lets a later head.dispose() free the head's weights. The
 * wrapper itself is never disposed: tfjs-layers would free the base's layers with it.
 */
function releaseWrapper(head: tf.LayersModel): void {
  head.dispose(); // reference count 2 → 1: nothing is freed yet
}
