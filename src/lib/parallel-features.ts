/**
 * Feature extraction on every core for engines that run one thread in Node (wasm): one worker
 * thread per core, each with its own engine and model copy, each taking a contiguous range of
 * images and writing its features into one shared buffer, in order. The native engine needs none
 * of this: TensorFlow already uses all cores.
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as tf from '@tensorflow/tfjs';
import { ImageSet, PIXELS_PER_IMAGE } from './cifar10';
import { EngineName } from './engine';
import { Preprocessing } from './preprocess';
import { Progress } from './progress';
import { vgg16WeightArrays } from './vgg16';
import { WeightArray } from './weights-h5';

/** What one worker is given (structured-cloned, except the shared output buffer). */
export interface FeatureJob {
  engine: EngineName;
  weights: { layer: string; arrays: WeightArray[] }[];
  inputShape: [number, number, number];
  preprocess: Preprocessing;
  batchSize: number;
  images: ArrayBuffer;
  count: number;
  first: number;
  featureSize: number;
  output: SharedArrayBuffer;
}

export interface ParallelOptions {
  engine?: EngineName;
  preprocess?: Preprocessing;
  workers?: number;
  batchSize?: number;
  progress?: boolean;
  label?: string;
}

export async function extractFeaturesParallel(base: tf.LayersModel, set: ImageSet, options: ParallelOptions = {}): Promise<Float32Array> {
  const workers = Math.max(1, Math.min(options.workers ?? os.cpus().length, set.count));
  const inputShape = base.inputs[0].shape.slice(1) as [number, number, number];
  const featureSize = (base.outputs[0].shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
  const output = new SharedArrayBuffer(set.count * featureSize * 4);
  const weights = vgg16WeightArrays(base);
  const progress = options.progress ? new Progress(options.label ?? `features (${workers} workers)`, set.count) : undefined;
  let done = 0;
  const perWorker = Math.ceil(set.count / workers);
  const jobs: Promise<void>[] = [];
  for (let w = 0; w < workers; w++) {
    const first = w * perWorker;
    const count = Math.min(set.count, first + perWorker) - first;
    if (count <= 0) break;
    const images = set.images.slice(first * PIXELS_PER_IMAGE, (first + count) * PIXELS_PER_IMAGE).buffer;
    const job: FeatureJob = { engine: options.engine ?? 'wasm', weights, inputShape, preprocess: options.preprocess ?? 'seed',
      batchSize: options.batchSize ?? 128, images, count, first, featureSize, output };
    jobs.push(runWorker(job, (n) => { done += n; progress?.update(done); }));
  }
  await Promise.all(jobs);
  progress?.finish();
  return new Float32Array(output);
}

function runWorker(job: FeatureJob, onDone: (n: number) => void): Promise<void> {
  // Under ts-node (tests) the worker is the .ts source and needs the same loader.
  const ts = __filename.endsWith('.ts');
  const worker = new Worker(path.join(__dirname, `feature-worker.${ts ? 'ts' : 'js'}`), {
    workerData: job, transferList: [job.images], execArgv: ts ? ['-r', 'ts-node/register/transpile-only'] : [],
  });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: { done?: number; finished?: boolean; error?: string }) => {
      if (m.done) onDone(m.done);
      if (m.error) reject(new Error(`feature worker: ${m.error}`));
      if (m.finished) worker.terminate().then(() => resolve());
    });
    worker.on('error', reject);
    worker.on('exit', (code) => { if (code !== 0 && code !== 1) reject(new Error(`feature worker exited with code ${code}`)); });
  });
}
