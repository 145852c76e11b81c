/**
 * One feature-extraction worker (worker_threads): its own wasm engine and VGG16 copy, a contiguous
 * range of images, results written straight into the shared output buffer at the range's offset.
 */
import { parentPort, workerData } from 'worker_threads';
import { useEngine } from './engine';
import { buildVgg16Base } from './vgg16';
import { extractFeatures } from './features';
import type { FeatureJob } from './parallel-features';
import * as tf from '@tensorflow/tfjs';

async function run(job: FeatureJob): Promise<void> {
  await useEngine(job.engine);
  const base = buildVgg16Base({ inputShape: job.inputShape });
  base.layers.forEach((layer, i) => {
    const arrays = job.weights[i].arrays;
    if (arrays.length) layer.setWeights(arrays.map((a) => tf.tensor(a.values, a.shape)));
  });
  const set = { images: new Uint8Array(job.images), labels: new Uint8Array(job.count), count: job.count };
  const out = new Float32Array(job.output, job.first * job.featureSize * 4, job.count * job.featureSize);
  const step = job.batchSize;
  for (let from = 0; from < job.count; from += step) {
    const to = Math.min(job.count, from + step);
    const part = { images: set.images.subarray(from * 3072 * job.inputShape[0] * job.inputShape[1] / 1024, to * 3072 * job.inputShape[0] * job.inputShape[1] / 1024), labels: set.labels.subarray(from, to), count: to - from };
    out.set(await extractFeatures(base, part, { preprocess: job.preprocess, batchSize: step }), from * job.featureSize);
    parentPort!.postMessage({ done: to - from });
  }
  base.dispose();
}

run(workerData as FeatureJob).then(
  () => parentPort!.postMessage({ finished: true }),
  (err: Error) => parentPort!.postMessage({ error: err.message }),
);
