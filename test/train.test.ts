import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { useEngine } from '../src/lib/engine';
import { syntheticCifar10 } from '../src/lib/synthetic';
import { chooseBase, BaseChoice, trainClassifier, cachedFeatures, measureUnfreezeCost } from '../src/lib/experiment';
import { ADAM, buildHead } from '../src/lib/train';
import { featureCachePath, md5OfBytes } from '../src/lib/feature-cache';
import { summaryLines } from '../src/lib/summary';

describe('training with Keras semantics', () => {
  let base: BaseChoice;
  const data = { ...syntheticCifar10({ train: 200, test: 50, seed: 11 }), archive: 'synthetic' };
  before(async () => {
    await useEngine('native');
    process.env.TL_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-train-'));
    base = await chooseBase({ random: true });
  });
  after(() => { delete process.env.TL_DATA_DIR; base.model.dispose(); });

  it('head parameters as in the article: 131,328 + 2,570 trainable; base 14,714,688 frozen; Adam constants', () => {
    const head = buildHead([1, 1, 512]);
    expect(head.layers.map((l) => l.countParams())).to.deep.equal([0, 131_328, 2_570]);
    expect(head.trainableWeights.map((w) => w.shape)).to.deep.equal([[512, 256], [256], [256, 10], [10]]);
    expect(base.model.countParams()).to.equal(14_714_688);
    expect(base.model.trainableWeights).to.have.length(0);
    expect(ADAM).to.deep.equal({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    const summary = summaryLines(base.model, head);
    expect(summary).to.include.members(['Total params: 14,848,586', 'Trainable params: 133,898', 'Non-trainable params: 14,714,688']);
    expect(summary.find((l) => l.startsWith('block5_pool (MaxPooling2D)'))).to.match(/\(None, 1, 1, 512\)\s+0$/);
    expect(summary.find((l) => l.startsWith('dense (Dense)'))).to.match(/\(None, 256\)\s+131,328$/);
    head.dispose();
  });

  it('cached and end-to-end give the same history with the same seed; keys as Keras', async () => {
    const options = { epochs: 2, batchSize: 32, seed: 7 };
    const cached = await trainClassifier(base, data, { ...options, strategy: 'cached' });
    const endToEnd = await trainClassifier(base, data, { ...options, strategy: 'end-to-end' });
    expect(Object.keys(cached.history)).to.deep.equal(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    for (const key of ['accuracy', 'loss', 'val_accuracy', 'val_loss'] as const) {
      expect(cached.history[key]).to.have.length(2);
      cached.history[key].forEach((v, i) => expect(v).to.be.closeTo(endToEnd.history[key][i], 1e-4));
    }
    expect(cached.history.loss[1]).to.be.lessThan(cached.history.loss[0]);
    // The frozen base did not move during end-to-end training.
    expect(base.model.trainableWeights).to.have.length(0);
    cached.head.dispose();
  });

  it('the same seed gives the same history; another seed another one', async () => {
    const a = await trainClassifier(base, data, { epochs: 1, seed: 3 });
    const b = await trainClassifier(base, data, { epochs: 1, seed: 3 });
    const c = await trainClassifier(base, data, { epochs: 1, seed: 4 });
    expect(a.history).to.deep.equal(b.history);
    expect(a.history.loss[0]).to.not.equal(c.history.loss[0]);
  });

  it('feature cache: the key changes with any input; a truncated or corrupt file is reported and recomputed', async () => {
    const key = { weightsMd5: base.weightsMd5, imagesMd5: md5OfBytes(data.train.images), preprocess: 'seed', inputShape: [32, 32, 3] };
    const paths = new Set([
      featureCachePath(key), featureCachePath({ ...key, weightsMd5: 'x' }), featureCachePath({ ...key, imagesMd5: 'y' }),
      featureCachePath({ ...key, preprocess: 'caffe' }), featureCachePath({ ...key, inputShape: [64, 64, 3] })]);
    expect(paths.size).to.equal(5);

    const first = await cachedFeatures(base, data.train, 'seed', 'train');
    const second = await cachedFeatures(base, data.train, 'seed', 'train');
    expect(second.fromCache).to.equal(true);
    expect(Buffer.from(second.values.buffer).equals(Buffer.from(first.values.buffer))).to.equal(true);
    const file = featureCachePath(key);
    for (const damage of ['truncate', 'corrupt'] as const) {
      const bytes = fs.readFileSync(file);
      if (damage === 'truncate') fs.writeFileSync(file, bytes.subarray(0, bytes.length - 100));
      else { bytes[bytes.length - 50] ^= 0xff; fs.writeFileSync(file, bytes); }
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (line: string) => warnings.push(line);
      let again;
      try { again = await cachedFeatures(base, data.train, 'seed', 'train'); } finally { console.warn = warn; }
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(damage === 'truncate' ? /^feature cache .*: truncated: .*; deleted, recomputing$/ : /^feature cache .*: checksum mismatch \(corrupt\); deleted, recomputing$/);
      expect(again.fromCache).to.equal(false);
      expect(Buffer.from(again.values.buffer).equals(Buffer.from(first.values.buffer))).to.equal(true);
    }
  });

  it('leaves no tensors behind: both strategies (head disposed after) and the unfreeze measurement', async () => {
    const before = tf.memory().numTensors;
    for (const strategy of ['cached', 'end-to-end'] as const) {
      const run = await trainClassifier(base, data, { epochs: 1, strategy });
      expect(tf.tidy(() => (run.head.predict(tf.zeros([1, 1, 1, 512])) as tf.Tensor).shape)).to.deep.equal([1, 10]);
      run.head.dispose();
    }
    const cost = await measureUnfreezeCost(base, 8);
    expect(cost.unfrozen).to.be.greaterThan(cost.headOnly);
    expect(tf.memory().numTensors).to.equal(before);
    expect(base.model.trainableWeights).to.have.length(0);
  });
});
