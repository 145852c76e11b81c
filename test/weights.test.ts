import { expect } from 'chai';
import { createHash } from 'crypto';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { useEngine } from '../src/lib/engine';
import { buildVgg16Base, loadVgg16Weights, pretrainedVgg16, vgg16WeightArrays, VGG16_CONV_LAYERS } from '../src/lib/vgg16';
import { readKerasWeights, writeKerasWeights, WeightArray } from '../src/lib/weights-h5';
import { oneLineErrorOf } from './helpers/errors';
import { startLoopbackServer } from './helpers/loopback-server';
import { fixturePath } from './helpers/fixture';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tl-weights-'));

describe('VGG16 and Keras HDF5 weights', () => {
  let layers: { layer: string; arrays: WeightArray[] }[];
  before(async () => {
    await useEngine('native');
    const base = buildVgg16Base({ seed: 3 });
    layers = vgg16WeightArrays(base);
    base.dispose();
  });

  it('has Keras\'s layers and parameter count, all frozen', () => {
    const base = buildVgg16Base();
    expect(base.layers.map((l) => l.name)).to.deep.equal([
      'block1_conv1', 'block1_conv2', 'block1_pool', 'block2_conv1', 'block2_conv2', 'block2_pool',
      'block3_conv1', 'block3_conv2', 'block3_conv3', 'block3_pool', 'block4_conv1', 'block4_conv2', 'block4_conv3', 'block4_pool',
      'block5_conv1', 'block5_conv2', 'block5_conv3', 'block5_pool']);
    expect(base.countParams()).to.equal(14_714_688);
    expect(base.trainableWeights).to.have.length(0);
    expect(base.outputs[0].shape).to.deep.equal([null, 1, 1, 512]);
    expect(buildVgg16Base({ inputShape: [64, 48, 3] }).outputs[0].shape).to.deep.equal([null, 2, 1, 512]);
    expect(() => buildVgg16Base({ inputShape: [28, 28, 3] })).to.throw('VGG16 input shape 28×28×3 is not supported: need at least 32×32×3, as Keras');
    base.dispose();
  });

  it('reads the published layout: layer_names, then weight_names per layer, in order', async () => {
    const weights = await readKerasWeights(fixturePath('vgg16_notop_keras_layout.h5'));
    expect([...weights.keys()]).to.deep.equal(VGG16_CONV_LAYERS);
    expect(weights.get('block1_conv1')!.map((a) => [a.name, a.shape])).to.deep.equal([
      ['block1_conv1_W_1:0', [3, 3, 3, 64]], ['block1_conv1_b_1:0', [64]]]);
  });

  it('a written file reads back identically, and newer Keras names (kernel, bias) load the same model', async () => {
    const dir = tmp();
    const published = path.join(dir, 'published.h5');
    const newer = path.join(dir, 'newer.h5');
    await writeKerasWeights(published, layers);
    await writeKerasWeights(newer, layers.map(({ layer, arrays }) => ({
      layer, arrays: arrays.map((a, i) => ({ ...a, name: `${layer}/${i === 0 ? 'kernel' : 'bias'}:0` })) })));
    const back = await readKerasWeights(published);
    expect(Buffer.from(back.get('block4_conv2')![0].values.buffer).equals(Buffer.from(layers[11].arrays[0].values.buffer))).to.equal(true);
    const input = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 4);
    const outputs: Float32Array[] = [];
    for (const file of [published, newer]) {
      const base = buildVgg16Base({ seed: 99 });
      await loadVgg16Weights(base, file);
      outputs.push((base.predict(input) as tf.Tensor).dataSync() as Float32Array);
      base.dispose();
    }
    input.dispose();
    expect(Math.max(...outputs[0].map(Math.abs))).to.be.greaterThan(0);
    expect(Buffer.from(outputs[0].buffer).equals(Buffer.from(outputs[1].buffer))).to.equal(true);
  });

  describe('bad input: one line naming the file and the fault', () => {
    it('a file that is not HDF5', async () => {
      const file = path.join(tmp(), 'weights.h5');
      fs.writeFileSync(file, '<html>404 Not Found</html>');
      expect(await oneLineErrorOf(loadVgg16Weights(buildVgg16Base(), file))).to.equal(
        `weights file ${file}: not an HDF5 file (no HDF5 signature); expected a Keras .h5 weights file`);
    });

    it('an HDF5 file missing a layer', async () => {
      const file = path.join(tmp(), 'weights.h5');
      await writeKerasWeights(file, layers.filter((l) => l.layer !== 'block3_conv2'));
      expect(await oneLineErrorOf(loadVgg16Weights(buildVgg16Base(), file))).to.equal(
        `weights file ${file}: no layer block3_conv2; expected Keras's VGG16 notop weights`);
    });

    it('a kernel with the wrong shape, and nothing assigned', async () => {
      const file = path.join(tmp(), 'weights.h5');
      await writeKerasWeights(file, layers.map((l) => l.layer !== 'block2_conv1' ? l : {
        layer: l.layer, arrays: [{ ...l.arrays[0], shape: [3, 3, 64, 64], values: new Float32Array(3 * 3 * 64 * 64) }, l.arrays[1]] }));
      const base = buildVgg16Base({ seed: 1 });
      const before = base.getLayer('block1_conv1').getWeights()[0].dataSync().slice();
      expect(await oneLineErrorOf(loadVgg16Weights(base, file))).to.equal(
        `weights file ${file}: layer block2_conv1 kernel block2_conv1_W_1:0 has shape 3×3×64×64, the model needs 3×3×64×128; expected Keras's VGG16 notop weights`);
      expect(Array.from(base.getLayer('block1_conv1').getWeights()[0].dataSync())).to.deep.equal(Array.from(before));
      base.dispose();
    });
  });

  it('pretrainedVgg16 downloads through the cache (loopback HTTP); a corrupt cached file is deleted and re-downloaded', async () => {
    const dir = tmp();
    const source = path.join(dir, 'source.h5');
    await writeKerasWeights(source, layers);
    const body = fs.readFileSync(source);
    const server = await startLoopbackServer();
    server.routes.set('/w.h5', { body, behaviour: 'ok' });
    const remote = { what: 'VGG16 weights', fileName: 'w.h5', bytes: body.length,
      md5: createHash('md5').update(body).digest('hex'), urls: [`${server.url}/w.h5`] };
    process.env.TL_DATA_DIR = path.join(dir, 'cache');
    try {
      const first = await pretrainedVgg16({ remote, quiet: true });
      expect(first.weightsMd5).to.equal(remote.md5);
      first.model.dispose();
      fs.writeFileSync(first.weightsFile, 'garbage');
      expect(await oneLineErrorOf(pretrainedVgg16({ remote, quiet: true }))).to.match(/not an HDF5 file.*; deleted from the cache, run again to re-download$/);
      expect(fs.existsSync(first.weightsFile)).to.equal(false);
      const again = await pretrainedVgg16({ remote, quiet: true });
      again.model.dispose();
      expect(server.requests).to.have.length(2);
    } finally {
      delete process.env.TL_DATA_DIR;
      await server.close();
    }
  });
});
