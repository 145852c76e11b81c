/**
 * One feature-extraction worker (worker_threads): its own engine and VGG16 copy; it takes batches
 * from the shared counter like the main thread does (parallel-features.ts).
 */
import { parentPort, workerData } from 'worker_threads';
import * as tf from '@tensorflow/tfjs';
import { useEngine } from './engine';
import { buildVgg16Base } from './vgg16';
import { takeBatches, FeatureJob } from './parallel-features';

async function run(job: FeatureJob): Promise<void> {
  await useEngine(job.engine);
  const base = buildVgg16Base({ inputShape: job.inputShape });
  base.layers.forEach((layer, i) => {
    const tensors = job.weights[i].arrays.map((a) => tf.tensor(a.values, a.shape));
    if (tensors.length) layer.setWeights(tensors);
    tf.dispose(tensors);
  });
  await takeBatches(base, job);
  base.dispose();
}

run(workerData as FeatureJob).then(
  () => parentPort!.postMessage({ finished: true }),
  (err: Error) => parentPort!.postMessage({ error: err.message }),
);
