import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { availableEngines, selectEngine, useEngine } from '../src/lib/engine';

const ROOT = path.resolve(__dirname, '..');

/** Runs selectEngine() in a fresh Node process, from `project` (a node_modules layout), with `env`. */
function selectInChild(env: Record<string, string>, project = ROOT) {
  const engineJs = path.join(project, 'dist/src/lib/engine.js');
  const script = `require(${JSON.stringify(engineJs)}).selectEngine()
    .then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); })`;
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: project, env: { ...process.env, TL_ENGINE: '', ...env }, encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
}

/**
 * A copy of this project's install in which tfjs-node is broken the way a user meets it: its
 * binding was never built ('unbuilt') or the package was removed by npm ('absent'). Everything
 * else links to the real node_modules.
 */
function projectWithNative(state: 'unbuilt' | 'absent'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tl-engine-${state}-`));
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(modules, '@tensorflow'), { recursive: true });
  for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name !== '@tensorflow' && !name.startsWith('.')) fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name));
  }
  for (const name of fs.readdirSync(path.join(ROOT, 'node_modules/@tensorflow'))) {
    const from = path.join(ROOT, 'node_modules/@tensorflow', name);
    const to = path.join(modules, '@tensorflow', name);
    if (name !== 'tfjs-node') fs.symlinkSync(from, to);
    else if (state === 'unbuilt') fs.cpSync(from, to, { recursive: true, filter: (src) => !/\/(lib|deps)$/.test(src) });
  }
  fs.mkdirSync(path.join(dir, 'dist/src/lib'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'dist/src/lib/engine.js'), path.join(dir, 'dist/src/lib/engine.js'));
  return dir;
}

describe('engine ladder', () => {
  // Children load dist/. (node_modules/.bin/tsc is tslab's TypeScript 5.0 fork, hence the explicit path.)
  before(() => execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', ROOT], { cwd: ROOT }));

  it('picks native automatically when the binding is built, and the suite runs on it', async () => {
    const engine = await selectEngine();
    console.log(`      test suite engine: ${engine.name} (${engine.detail})`);
    expect(engine.name).to.equal('native');
    expect(tf.getBackend()).to.equal('tensorflow');
    expect(engine.detail).to.match(/TensorFlow 2\.\d+\.\d+ C library/);
  });

  it('starts every rung on this machine', async () => {
    expect(await availableEngines()).to.deep.equal(['native', 'wasm', 'cpu']);
    await useEngine('native');
  });

  for (const name of ['native', 'wasm', 'cpu']) {
    it(`TL_ENGINE=${name} forces ${name} and says so once`, () => {
      const run = selectInChild({ TL_ENGINE: name });
      expect(run.status).to.equal(0);
      const lines = run.stdout.split('\n').filter((l) => l.startsWith('engine:'));
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(new RegExp(`^engine: ${name} \\(`));
    });
  }

  it('falls back to wasm when the native binding was never built, and says why', function () {
    const run = selectInChild({}, projectWithNative('unbuilt'));
    expect(run.status).to.equal(0);
    expect(run.stdout).to.match(/^engine: wasm \(WebAssembly SIMD, 1 thread; native skipped: native binding missing/);
  });

  it('falls back to wasm when npm removed tfjs-node', function () {
    const run = selectInChild({}, projectWithNative('absent'));
    expect(run.stdout).to.match(/^engine: wasm \(.*native skipped: @tensorflow\/tfjs-node is not installed/);
  });

  it('a forced engine that is missing fails with one clear line and a non-zero exit', () => {
    const run = selectInChild({ TL_ENGINE: 'native' }, projectWithNative('unbuilt'));
    expect(run.status).to.equal(3);
    expect(run.stderr.split('\n')).to.have.length(1);
    expect(run.stderr).to.equal('engine native is unavailable: native binding missing (run npm run setup)');
  });

  it('an unknown TL_ENGINE value is refused in one line', () => {
    const run = selectInChild({ TL_ENGINE: 'gpu' });
    expect(run.status).to.equal(3);
    expect(run.stderr).to.equal('TL_ENGINE=gpu is not an engine; use native, wasm, cpu or auto');
  });
});

describe('numerical agreement between engines', () => {
  after(() => useEngine('native'));

  it('native and wasm agree on a conv + dense forward pass within 1e-4 relative', async () => {
    const forward = async () => {
      const model = tf.sequential({ layers: [
        tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }),
      ] });
      const input = tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 9);
      const out = model.predict(input) as tf.Tensor;
      const values = await out.data() as Float32Array;
      tf.dispose([input, out]);
      model.dispose();
      return values;
    };
    await useEngine('native');
    const native = await forward();
    await useEngine('wasm');
    const wasm = await forward();
    const scale = Math.max(...native.map(Math.abs));
    const maxDiff = Math.max(...native.map((v, i) => Math.abs(v - wasm[i])));
    console.log(`      max |native - wasm| = ${maxDiff.toExponential(2)}, max |output| = ${scale.toFixed(3)}`);
    expect(scale).to.be.greaterThan(0);
    expect(maxDiff).to.be.at.most(1e-4 * scale);
  });
});
