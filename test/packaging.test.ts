import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

describe('packaging', () => {
  it('danfojs-node uses the same @tensorflow/tfjs instance (one engine in the process)', () => {
    const danfo = path.dirname(require.resolve('danfojs-node/package.json'));
    const theirs = require(require.resolve('@tensorflow/tfjs', { paths: [danfo] }));
    const ours = require('@tensorflow/tfjs');
    expect(theirs).to.equal(ours);
    expect(fs.existsSync(path.join(danfo, 'node_modules/@tensorflow'))).to.equal(false);
    expect(require('danfojs-node').DataFrame).to.be.a('function');
  });

  it('the committed notebook has no outputs and runs on the tslab kernel', () => {
    const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'notebooks/pretrained-transfer.ipynb'), 'utf8'));
    expect(nb.metadata.kernelspec.name).to.equal('tslab');
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code');
    expect(code.length).to.be.greaterThan(8);
    for (const cell of code) {
      expect(cell.outputs).to.deep.equal([]);
      expect(cell.execution_count).to.equal(null);
    }
  });

  it('notebook cells import the built library, never ../src (tslab compiles with the notebook folder as rootDir)', () => {
    const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'notebooks/pretrained-transfer.ipynb'), 'utf8'));
    const source = nb.cells.map((c: { source: string[] }) => c.source.join('')).join('\n');
    expect(source).to.include("from '../dist/src'");
    expect(source).to.not.match(/from '\.\.\/src/);
  });
});
