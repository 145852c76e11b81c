/**
 * npm run bench:engine — VGG16-notop forward throughput (32×32×3, batch 32) on every engine that
 * starts here, and the ratios between them, measured in this one run.
 * Usage: node dist/bench/engine.js [--seconds S]   (time budget per engine, default 8)
 */
import * as tf from '@tensorflow/tfjs';
import { availableEngines, useEngine, EngineName } from '../src/lib/engine';
import { buildVgg16Base } from '../src/lib/vgg16';

const BATCH = 32;

async function imagesPerSecond(seconds: number): Promise<number> {
  const model = buildVgg16Base();
  const input = tf.randomUniform([BATCH, 32, 32, 3], 0, 1, 'float32', 1);
  const forward = async () => { const out = model.predict(input) as tf.Tensor; await out.data(); out.dispose(); };
  await forward(); // warm-up: kernel compilation, memory pools
  let batches = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || batches < 1) { await forward(); batches++; }
  const elapsed = (performance.now() - start) / 1000;
  input.dispose();
  model.dispose();
  return (batches * BATCH) / elapsed;
}

async function main() {
  const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 8);
  const rates = new Map<EngineName, number>();
  for (const name of await availableEngines()) {
    const engine = await useEngine(name);
    // The pure-JS engine runs ~2 img/s: give it at least one batch, and no more than the budget.
    const rate = await imagesPerSecond(seconds);
    rates.set(name, rate);
    console.log(`${name.padEnd(6)} ${rate.toFixed(1).padStart(8)} img/s   (${engine.detail})`);
  }
  const pairs: [EngineName, EngineName][] = [['native', 'wasm'], ['wasm', 'cpu'], ['native', 'cpu']];
  for (const [fast, slow] of pairs) {
    if (rates.has(fast) && rates.has(slow)) {
      console.log(`${fast}/${slow}: ${(rates.get(fast)! / rates.get(slow)!).toFixed(1)}×`);
    }
  }
}

main().catch((err) => { console.error(`bench:engine: ${err.message}`); process.exit(1); });
