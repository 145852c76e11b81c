/**
 * Feature extraction on every core for engines that run one thread in Node (wasm, pure JS).
 * The main thread, which already holds the model, works alongside one worker thread per other core;
 * each worker starts its own engine and model copy. All of them take fixed batches from a shared
 * counter (so a worker that starts late simply takes fewer) and write each batch's features into
 * one shared buffer at the batch's place, so the result is in image order and equal to a
 * single-thread run with the same batch size. The native engine needs none of this: TensorFlow
 * already uses all cores.
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as tf from '@tensorflow/tfjs';
import { ImageSet, PIXELS_PER_IMAGE } from './cifar10';
import { EngineName } from './engine';
import { extractFeatures, featureSizeOf, inputShapeOf } from './features';
import { Preprocessing } from './preprocess';
import { Progress } from './progress';
import { vgg16WeightArrays } from './vgg16';
import { WeightArray } from './weights-h5';

/** What every thread shares: images, the batch counter, the output. */
export interface SharedWork {
  images: SharedArrayBuffer;
  count: number;
  batchSize: number;
  preprocess: Preprocessing;
  featureSize: number;
  /** Int32 [next batch to take, batches done]. */
  counter: SharedArrayBuffer;
  output: SharedArrayBuffer;
}

/** What a worker is given (structured-cloned; the SharedArrayBuffers are shared, not copied). */
export interface FeatureJob extends SharedWork {
  engine: EngineName;
  weights: { layer: string; arrays: WeightArray[] }[];
  inputShape: [number, number, number];
}

export interface ParallelOptions {
  engine?: EngineName;
  preprocess?: Preprocessing;
  /** Threads in all, the main thread included; default one per core. */
  threads?: number;
  batchSize?: number;
  progress?: boolean;
  label?: string;
}

export async function extractFeaturesParallel(base: tf.LayersModel, set: ImageSet, options: ParallelOptions = {}): Promise<Float32Array> {
  const threads = Math.max(1, options.threads ?? os.cpus().length);
  const featureSize = featureSizeOf(base);
  const images = new SharedArrayBuffer(set.count * PIXELS_PER_IMAGE);
  new Uint8Array(images).set(set.images.subarray(0, set.count * PIXELS_PER_IMAGE));
  const work: SharedWork = {
    images, count: set.count, batchSize: options.batchSize ?? 128, preprocess: options.preprocess ?? 'seed', featureSize,
    counter: new SharedArrayBuffer(8), output: new SharedArrayBuffer(set.count * featureSize * 4),
  };
  const progress = options.progress ? new Progress(options.label ?? `features (${threads} threads)`, set.count) : undefined;
  const workers: Promise<void>[] = [];
  if (threads > 1) {
    const weights = vgg16WeightArrays(base);
    for (let w = 1; w < threads; w++) workers.push(runWorker({ ...work, engine: options.engine ?? 'wasm', weights, inputShape: inputShapeOf(base) }));
  }
  const reporting = progress ? setInterval(() => progress.update(imagesDone(work)), 500) : undefined;
  try {
    await takeBatches(base, work);
    await Promise.all(workers);
  } finally {
    clearInterval(reporting);
  }
  progress?.finish();
  return new Float32Array(work.output);
}

/** Takes batches from the shared counter until none are left; used by the main thread and every worker. */
export async function takeBatches(base: tf.LayersModel, work: SharedWork): Promise<void> {
  const counter = new Int32Array(work.counter);
  const batches = Math.ceil(work.count / work.batchSize);
  const images = new Uint8Array(work.images);
  const output = new Float32Array(work.output);
  for (let b = Atomics.add(counter, 0, 1); b < batches; b = Atomics.add(counter, 0, 1)) {
    const from = b * work.batchSize;
    const to = Math.min(work.count, from + work.batchSize);
    const part: ImageSet = { images: images.subarray(from * PIXELS_PER_IMAGE, to * PIXELS_PER_IMAGE), labels: new Uint8Array(to - from), count: to - from };
    output.set(await extractFeatures(base, part, { preprocess: work.preprocess, batchSize: work.batchSize }), from * work.featureSize);
    Atomics.add(counter, 1, 1);
  }
}

function imagesDone(work: SharedWork): number {
  return Math.min(work.count, Atomics.load(new Int32Array(work.counter), 1) * work.batchSize);
}

function runWorker(job: FeatureJob): Promise<void> {
  // Under ts-node (tests) the worker is the .ts source and needs the same loader.
  const ts = __filename.endsWith('.ts');
  const worker = new Worker(path.join(__dirname, `feature-worker.${ts ? 'ts' : 'js'}`), {
    workerData: job, execArgv: ts ? ['-r', 'ts-node/register/transpile-only'] : [],
  });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: { finished?: boolean; error?: string }) => {
      if (m.error) reject(new Error(`feature worker: ${m.error}`));
      if (m.finished) worker.terminate().then(() => resolve());
    });
    worker.on('error', reject);
  });
}
