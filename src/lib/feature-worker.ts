/**
 * One feature-extraction worker (worker_threads): its own engine and VGG16 copy; it takes batches
 * from the shared counter like the main thread does (parallel-features.ts).
 */
import { parentPort, workerData } from 'worker_threads';
import { useEngine } from './engine';
import { buildVgg16Base, setVgg16WeightArrays } from './vgg16';
import { takeBatches, FeatureJob } from './parallel-features';

async function run(job: FeatureJob): Promise<void> {
  await useEngine(job.engine);
  const base = buildVgg16Base({ inputShape: job.inputShape });
  setVgg16WeightArrays(base, job.weights);
  await takeBatches(base, job);
  base.dispose();
}

run(workerData as FeatureJob).then(
  () => parentPort!.postMessage({ finished: true }),
  (err: Error) => parentPort!.postMessage({ error: err.message }),
);
