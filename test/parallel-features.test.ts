import { expect } from 'chai';
import { useEngine } from '../src/lib/engine';
import { buildVgg16Base } from '../src/lib/vgg16';
import { extractFeatures } from '../src/lib/features';
import { extractFeaturesParallel } from '../src/lib/parallel-features';
import { syntheticImages } from '../src/lib/synthetic';

describe('feature extraction on worker threads (wasm)', () => {
  after(() => useEngine('native'));

  it('gives exactly the single-thread features, in the images\' order', async () => {
    await useEngine('wasm');
    const base = buildVgg16Base({ seed: 5 });
    const set = syntheticImages(40, 2);
    const single = await extractFeatures(base, set, { preprocess: 'caffe', batchSize: 16 });
    const parallel = await extractFeaturesParallel(base, set, { engine: 'wasm', threads: 2, preprocess: 'caffe', batchSize: 16 });
    base.dispose();
    expect(parallel.length).to.equal(40 * 512);
    expect(Math.max(...single.map(Math.abs))).to.be.greaterThan(0);
    expect(Buffer.from(parallel.buffer).equals(Buffer.from(single.buffer))).to.equal(true);
  });
});
