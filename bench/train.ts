/**
 * npm run bench — one run, one data subset, printing ratios measured in this run:
 *   wall time for 5 epochs: end-to-end (base in every batch) vs cached cold (features computed)
 *   vs cached warm (feature cache hit), on the native engine;
 *   feature-extraction img/s per engine, wasm single-threaded vs one worker per core;
 *   peak RSS.
 * Usage: node dist/bench/train.js [--train 2000] [--test 1000] [--epochs 5]   (--train 50000 --test 10000: full size)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { availableEngines, useEngine } from '../src/lib/engine';
import { chooseBase, chooseData, trainClassifier, Strategy } from '../src/lib/experiment';
import { extractFeatures } from '../src/lib/features';
import { extractFeaturesParallel } from '../src/lib/parallel-features';
import { syntheticImages } from '../src/lib/synthetic';

const { values: args } = parseArgs({ options: { train: { type: 'string' }, test: { type: 'string' }, epochs: { type: 'string' } } });
const TRAIN = Number(args.train ?? 2000);
const TEST = Number(args.test ?? 1000);
const EPOCHS = Number(args.epochs ?? 5);

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

async function main() {
  process.env.TL_DATA_DIR ??= path.join(os.tmpdir(), 'tl-bench');
  const cacheDir = path.join(process.env.TL_DATA_DIR, 'cache');
  fs.rmSync(cacheDir, { recursive: true, force: true });
  await useEngine('native');
  const { data, description } = await chooseData({ synthetic: true, subset: TRAIN, testSubset: TEST });
  const base = await chooseBase({ random: true });
  console.log(`data: ${description}, ${data.train.count} train + ${data.test.count} test; ${EPOCHS} epochs, batch 32, native engine`);

  const wall: Record<string, number> = {};
  const run = (strategy: Strategy) => trainClassifier(base, data, { epochs: EPOCHS, strategy }).then((r) => r.head.dispose());
  wall['end-to-end'] = await seconds(() => run('end-to-end'));
  wall['cached cold'] = await seconds(() => run('cached'));
  wall['cached warm'] = await seconds(() => run('cached'));
  for (const [name, s] of Object.entries(wall)) console.log(`${name.padEnd(12)} ${s.toFixed(1).padStart(7)} s`);
  console.log(`cached cold / end-to-end: ${(wall['cached cold'] / wall['end-to-end']).toFixed(3)} (goal ≤ 0.25)`);
  console.log(`cached warm / end-to-end: ${(wall['cached warm'] / wall['end-to-end']).toFixed(3)} (goal ≤ 0.05)`);

  const engines = await availableEngines();
  const rates: Record<string, number> = {};
  // The test set for every engine but pure JS (~2 img/s), which gets 16 images.
  for (const engine of engines) {
    await useEngine(engine);
    const images = engine === 'cpu' ? syntheticImages(16, 9) : data.test;
    const batchSize = engine === 'cpu' ? 4 : 128; // 16 images still make batches for two threads
    rates[engine] = images.count / await seconds(() => extractFeatures(base.model, images, { batchSize }));
    if (engine !== 'native') {
      rates[`${engine} ×${os.cpus().length} threads`] = images.count / await seconds(() => extractFeaturesParallel(base.model, images, { engine, batchSize }));
    }
  }
  for (const [name, rate] of Object.entries(rates)) console.log(`extraction ${name.padEnd(18)} ${rate.toFixed(1).padStart(8)} img/s`);
  if (rates.wasm) console.log(`wasm ${os.cpus().length} threads / wasm single: ${(rates[`wasm ×${os.cpus().length} threads`] / rates.wasm).toFixed(2)}× (goal ≥ 1.7)`);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

main().catch((err) => { console.error(`bench: ${err.message}`); process.exit(1); });
