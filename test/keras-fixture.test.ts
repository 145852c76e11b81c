import { expect } from 'chai';
import { availableEngines, useEngine } from '../src/lib/engine';
import { buildVgg16Base, loadVgg16Weights } from '../src/lib/vgg16';
import { extractFeatures } from '../src/lib/features';
import { PREPROCESSINGS } from '../src/lib/preprocess';
import { fixtureImages, fixturePath, kerasFeatures } from './helpers/fixture';

describe('VGG16 features equal Keras (shared/fixtures/keras-vgg16)', () => {
  after(() => useEngine('native'));

  it('every engine starts here, so each comparison below runs', async () => {
    expect(await availableEngines()).to.deep.equal(['native', 'wasm', 'cpu']);
  });

  for (const engine of ['native', 'wasm', 'cpu'] as const) {
    for (const preprocess of PREPROCESSINGS) {
      it(`${engine}, ${preprocess} preprocessing: max |ours - Keras| ≤ 1e-4 × max |Keras|`, async () => {
        await useEngine(engine);
        const base = buildVgg16Base();
        await loadVgg16Weights(base, fixturePath('vgg16_notop_keras_layout.h5'));
        const ours = await extractFeatures(base, fixtureImages(), { preprocess, batchSize: 32 });
        base.dispose();
        const keras = kerasFeatures(preprocess);
        expect(ours.length).to.equal(keras.length).and.equal(32 * 512);
        let maxDiff = 0;
        let scale = 0;
        for (let i = 0; i < keras.length; i++) {
          maxDiff = Math.max(maxDiff, Math.abs(ours[i] - keras[i]));
          scale = Math.max(scale, Math.abs(keras[i]));
        }
        console.log(`      max diff ${maxDiff.toExponential(2)} / max |feature| ${scale.toExponential(3)} = ${(maxDiff / scale).toExponential(2)}`);
        expect(scale).to.be.greaterThan(0);
        expect(maxDiff).to.be.at.most(1e-4 * scale);
      });
    }
  }
});
