import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

function train(...args: string[]) {
  const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/train.ts', ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, TL_ENGINE: '' },
  });
  const stderr = run.stderr.split('\n').filter((l) => l && !/absl::|oneDNN/.test(l));
  return { status: run.status, stdout: run.stdout, stderr };
}

describe('npm run train (command line)', () => {
  for (const [args, message] of [
    [['--bogus', '1'], /^train: Unknown option '--bogus'; usage: npm run train -- /],
    [['--epochs', '0'], /^train: --epochs 0: must be a whole number above 0$/],
    [['--batch-size', 'many'], /^train: --batch-size many: must be a whole number above 0$/],
    [['--preprocess', 'imagenet'], /^train: --preprocess: preprocessing imagenet is not one of seed, caffe$/],
    [['--engine', 'tpu'], /^train: TL_ENGINE=tpu is not an engine; use native, wasm, cpu or auto$/],
    [['--synthetic', '--random-weights', '--subset', '60000'], /^train: subset of 60000 images asked, but the set holds 50000$/],
  ] as [string[], RegExp][]) {
    it(`${args.join(' ')}: one line, exit code 2`, () => {
      const run = train(...args);
      expect(run.status).to.equal(2);
      expect(run.stderr).to.have.length(1);
      expect(run.stderr[0]).to.match(message);
    });
  }

  it('a small run prints Keras-like epoch lines and writes a run record', () => {
    const run = train('--synthetic', '--random-weights', '--subset', '100', '--test-subset', '50', '--epochs', '2', '--preprocess', 'caffe', '--seed', '5');
    expect(run.status, run.stderr.join('\n')).to.equal(0);
    expect(run.stdout).to.match(/^Epoch 1\/2 - [\d.]+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$/m);
    expect(run.stdout).to.match(/^Epoch 2\/2 /m);
    const recordPath = /^run record: (\S+)/m.exec(run.stdout)![1];
    const record = JSON.parse(fs.readFileSync(path.resolve(ROOT, recordPath), 'utf8'));
    fs.rmSync(path.resolve(ROOT, recordPath));
    expect(record.engine.name).to.equal('native');
    expect(record.options).to.include({ epochs: 2, subset: 100, testSubset: 50, preprocess: 'caffe', strategy: 'cached', seed: 5 });
    expect(Object.keys(record.history)).to.deep.equal(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(record.history.val_accuracy).to.have.length(2);
    expect(record.files.weightsMd5).to.match(/^[0-9a-f]{32}$/);
    expect(record.seconds).to.have.keys(['engine', 'data', 'weights', 'features', 'training']);
    expect(record.versions['tfjs-core']).to.equal('4.22.0');
  });
});
