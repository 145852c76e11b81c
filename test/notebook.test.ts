import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { launchOffline } from './helpers/browser';

const ROOT = path.resolve(__dirname, '..');

interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string }

/** The small synthetic CI run of the workbook: real tslab kernel under real nbconvert. */
describe('the workbook, executed by nbconvert with the tslab kernel', function () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-report-'));
  let outputs: Output[][] = [];
  let log = '';

  before(() => {
    log = execFileSync('bash', ['scripts/report.sh'], {
      cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
      // A fresh data folder, so features are computed (and their progress shown) on every run.
      env: { ...process.env, TL_REPORT_DIR: dir, TL_DATA_DIR: path.join(dir, 'data'), TL_SYNTHETIC: '1', TL_SUBSET: '500', TL_TEST_SUBSET: '200', TL_RANDOM_WEIGHTS: '1', TL_EPOCHS: '2' },
    });
    const notebook = JSON.parse(fs.readFileSync(path.join(dir, 'pretrained-transfer.ipynb'), 'utf8'));
    outputs = notebook.cells.filter((c: { cell_type: string }) => c.cell_type === 'code').map((c: { outputs: Output[] }) => c.outputs);
  });

  const text = (o: Output) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? '');

  it('runs top to bottom without an error output, writing the executed notebook and the HTML report', () => {
    expect(log).to.include(`report: ${dir}/pretrained-transfer.html`);
    expect(outputs.length).to.be.greaterThan(8);
    expect(outputs.flat().filter((o) => o.output_type === 'error')).to.deep.equal([]);
    expect(outputs.flat().filter((o) => o.name === 'stderr').map(text)).to.deep.equal([]);
  });

  it('says at the top which data and which weights were used', () => {
    const top = outputs.slice(0, 3).flat().map(text).join('');
    expect(top).to.include('engine: native');
    expect(top).to.include('Data: synthetic CIFAR-10-format images');
    expect(top).to.include('Base: VGG16 with seeded random weights (ImageNet weights unavailable)');
    const notice = outputs.slice(0, 3).flat().map((o) => String(o.data?.['text/html'] ?? '')).find((h) => h.includes('<b>Weights:</b>'));
    expect(notice).to.include('synthetic CIFAR-10-format images').and.include('ImageNet weights unavailable').and.include('Not the article');
  });

  it('prints Keras-like epoch lines and the head\'s parameter count', () => {
    const all = outputs.flat().map(text).join('');
    expect(all).to.match(/Epoch 1\/2 - [\d.]+s - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}/);
    expect(all).to.match(/Epoch 2\/2 /);
    expect(all).to.include('Head: 133,898 trainable parameters');
  });

  it('figures are Plotly mime bundles, with plotly.js embedded once in the document', () => {
    const figures = outputs.flat().filter((o) => o.data?.['application/vnd.plotly.v1+json']);
    expect(figures.length).to.be.at.least(4); // samples, history, per class, confusion
    // Viewers without JavaScript get a static SVG: the history figure's has its 4 lines.
    const history = figures.find((o) => String(o.data!['text/plain']).includes('Accuracy and loss per epoch'));
    expect(String(history?.data?.['image/svg+xml']).match(/<polyline /g)).to.have.length(4);
    const embedded = figures.filter((o) => String(o.data!['text/html']).length > 1_000_000);
    expect(embedded).to.have.length(1);
    const html = fs.readFileSync(path.join(dir, 'pretrained-transfer.html'), 'utf8');
    // plotly.js's own banner appears once: the library is inlined once, and no script comes from a URL.
    const banner = fs.readFileSync(require.resolve('plotly.js-dist-min'), 'utf8').slice(0, 40);
    expect(html.split(banner).length - 1).to.equal(1);
    expect(html).to.not.match(/<script[^>]+src=/);
    // Progress bars redraw with \r: the report shows each extraction's final line only (seed and caffe runs).
    expect(html.split('features (train) [').length - 1).to.equal(2);
  });

  it('the HTML report renders both history figures offline in Chromium (4 traces with lines)', async () => {
    const { browser, page, networkAttempts } = await launchOffline();
    try {
      await page.goto(`file://${path.join(dir, 'pretrained-transfer.html')}`);
      await page.waitForSelector('.tl-plot .main-svg', { timeout: 30_000 });
      // The history figure: the plot whose legend lists the four series.
      const plots = await page.$$eval('.tl-plot', (divs) => divs.map((d) => ({
        legend: Array.from(d.querySelectorAll('.legendtext')).map((t) => t.textContent),
        lines: Array.from(d.querySelectorAll('.scatterlayer .trace path.js-line')).filter((p) => (p.getAttribute('d') ?? '').length > 10).length,
        subplots: d.querySelectorAll('.xy, .x2y2').length,
      })));
      const history = plots.find((p) => p.legend.includes('validation loss'));
      expect(history, JSON.stringify(plots)).to.not.equal(undefined);
      expect(history!.legend).to.deep.equal(['train accuracy', 'validation accuracy', 'train loss', 'validation loss']);
      expect(history!.lines).to.equal(4);
      const handle = await page.$$('.tl-plot');
      const index = plots.indexOf(history!);
      await handle[index].scrollIntoViewIfNeeded();
      fs.mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
      await handle[index].screenshot({ path: path.join(ROOT, 'reports/history-figure.png') });
      await page.screenshot({ path: path.join(ROOT, 'reports/report-screenshot.png') });
      expect(networkAttempts).to.deep.equal([]);
    } finally {
      await browser.close();
    }
  });
});

describe('the workbook, stepped through in one kernel (nbclient, tslab)', () => {
  it('restart-and-run-all works, and re-running every cell five times leaves live tensors and RSS flat', () => {
    const out = execFileSync(path.join(ROOT, '.venv/bin/python'), [
      'test/helpers/rerun_cells.py', 'notebooks/pretrained-transfer.ipynb', path.join(ROOT, 'notebooks'), '5'], {
      cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', TL_SYNTHETIC: '1', TL_SUBSET: '300', TL_TEST_SUBSET: '100', TL_RANDOM_WEIGHTS: '1', TL_EPOCHS: '1' },
    });
    const { probes } = JSON.parse(out.trim().split('\n').pop()!) as { probes: { tensors: number; rssMB: number }[] };
    console.log(`      live tensors after each round: ${probes.map((p) => p.tensors).join(', ')}; RSS MB: ${probes.map((p) => p.rssMB).join(', ')}`);
    expect(probes).to.have.length(6);
    expect(probes[0].tensors).to.be.greaterThan(0); // the base and the head are alive
    for (const p of probes) expect(p.tensors).to.equal(probes[0].tensors);
    // RSS: the later rounds stay within 10% of the first re-run (allocator warm-up happens in round 1).
    for (const p of probes.slice(2)) expect(p.rssMB).to.be.at.most(probes[1].rssMB * 1.1);
  });
});
