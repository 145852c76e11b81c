/**
 * npm run train -- [options]: the article's experiment for people without Jupyter.
 * Prints Keras-like epoch lines and writes a run record (JSON) to reports/.
 * Bad options: one line and exit code 2.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import * as tf from '@tensorflow/tfjs';
import { selectEngine, EngineUnavailableError } from '../lib/engine';
import { chooseBase, chooseData, Strategy, trainClassifier } from '../lib/experiment';
import { md5OfBytes } from '../lib/feature-cache';
import { PROJECT_ROOT } from '../lib/paths';
import { parsePreprocessing } from '../lib/preprocess';
import { ImpossibleRequestError } from '../lib/errors';

class UsageError extends Error {}

const USAGE = 'usage: npm run train -- [--epochs 5] [--batch-size 32] [--subset N] [--test-subset N] ' +
  '[--preprocess seed|caffe] [--strategy cached|end-to-end] [--engine native|wasm|cpu] [--seed S] [--synthetic] [--random-weights]';

export interface TrainCliOptions {
  epochs: number;
  batchSize: number;
  subset?: number;
  testSubset?: number;
  preprocess: 'seed' | 'caffe';
  strategy: Strategy;
  engine?: string;
  seed: number;
  synthetic: boolean;
  randomWeights: boolean;
}

export function parseTrainArgs(argv: string[]): TrainCliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        epochs: { type: 'string' }, 'batch-size': { type: 'string' }, subset: { type: 'string' }, 'test-subset': { type: 'string' },
        preprocess: { type: 'string' }, strategy: { type: 'string' }, engine: { type: 'string' }, seed: { type: 'string' },
        synthetic: { type: 'boolean' }, 'random-weights': { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, '')}; ${USAGE}`);
  }
  const count = (name: string, fallback?: number): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} ${raw}: must be a whole number above 0`);
    return n;
  };
  const strategy = String(values.strategy ?? 'cached');
  if (strategy !== 'cached' && strategy !== 'end-to-end') throw new UsageError(`--strategy ${strategy}: must be cached or end-to-end`);
  let preprocess: 'seed' | 'caffe';
  try { preprocess = parsePreprocessing(String(values.preprocess ?? 'seed')); } catch (err) { throw new UsageError(`--preprocess: ${(err as Error).message}`); }
  const seed = Number(values.seed ?? 42);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed ${values.seed}: must be a whole number, 0 or more`);
  return {
    epochs: count('epochs', 5)!, batchSize: count('batch-size', 32)!, subset: count('subset'), testSubset: count('test-subset'),
    preprocess, strategy, engine: values.engine as string | undefined, seed,
    synthetic: Boolean(values.synthetic), randomWeights: Boolean(values['random-weights']),
  };
}

async function main(argv: string[]): Promise<void> {
  const options = parseTrainArgs(argv);
  const timings: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try { return await work(); } finally { timings[phase] = (performance.now() - start) / 1000; }
  };
  const engine = await timed('engine', () => selectEngine({ engine: options.engine }));
  const choice = await timed('data', () => chooseData({ synthetic: options.synthetic, subset: options.subset, testSubset: options.testSubset, seed: options.seed }));
  console.log(`data: ${choice.description}: ${choice.data.train.count} train, ${choice.data.test.count} test`);
  const base = await timed('weights', () => chooseBase({ random: options.randomWeights }));
  console.log(`base: ${base.description}`);
  const run = await trainClassifier(base, choice.data, {
    epochs: options.epochs, batchSize: options.batchSize, seed: options.seed, preprocess: options.preprocess, strategy: options.strategy,
    onEpochEnd: (epoch, logs) => console.log(`Epoch ${epoch + 1}/${options.epochs} - ${logs.seconds.toFixed(1)}s - loss: ${logs.loss.toFixed(4)} - accuracy: ${logs.accuracy.toFixed(4)} - val_loss: ${logs.val_loss.toFixed(4)} - val_accuracy: ${logs.val_accuracy.toFixed(4)}`),
  });
  timings.features = run.seconds.features;
  timings.training = run.seconds.training;
  const record = {
    date: new Date().toISOString(),
    engine, versions: { ...tf.version, node: process.version },
    files: { weightsMd5: base.weightsMd5, trainImagesMd5: md5OfBytes(choice.data.train.images), testImagesMd5: md5OfBytes(choice.data.test.images) },
    data: choice.description, base: base.description, options, seconds: timings, history: run.history,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  const file = path.join(PROJECT_ROOT, 'reports', `run-${record.date.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2) + '\n');
  fs.renameSync(`${file}.tmp`, file);
  console.log(`run record: ${path.relative(process.cwd(), file)} (features ${timings.features.toFixed(1)} s, training ${timings.training.toFixed(1)} s, peak RSS ${record.peakRssMB} MB)`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: Error) => {
    const bad = err instanceof UsageError || err instanceof EngineUnavailableError || err instanceof ImpossibleRequestError;
    console.error(`train: ${err.message.split('\n')[0]}`);
    process.exit(bad ? 2 : 1);
  });
}
