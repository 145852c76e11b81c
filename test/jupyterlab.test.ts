import { expect } from 'chai';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { launchOffline } from './helpers/browser';

const ROOT = path.resolve(__dirname, '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, seconds: number): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

/** A real JupyterLab 4 from .venv, driven in headless Chromium: Restart Kernel and Run All Cells. */
describe('the workbook in a real JupyterLab (headless Chromium)', () => {
  let lab: ChildProcess;
  let url: string;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-lab-'));

  before(async () => {
    const port = await freePort();
    // JupyterLab 4 renders only the cells in view by default; the test reads every output.
    const settings = path.join(home, 'lab-settings/@jupyterlab/notebook-extension');
    fs.mkdirSync(settings, { recursive: true });
    fs.writeFileSync(path.join(settings, 'tracker.jupyterlab-settings'), JSON.stringify({ windowingMode: 'none' }));
    // A copy of the notebook, so the committed one stays without outputs.
    fs.mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'notebooks/pretrained-transfer.ipynb'), path.join(ROOT, 'notebooks/lab-test-copy.ipynb'));
    lab = spawn(path.join(ROOT, '.venv/bin/jupyter'), ['lab', '--no-browser', `--port=${port}`, '--ip=127.0.0.1',
      '--IdentityProvider.token=', '--ServerApp.password=', '--ServerApp.disable_check_xsrf=True', `--ServerApp.root_dir=${ROOT}`,
      ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
      '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'], {
      cwd: ROOT, stdio: 'ignore',
      env: { ...process.env, HOME: home, JUPYTER_CONFIG_DIR: path.join(home, '.jupyter'), JUPYTERLAB_SETTINGS_DIR: path.join(home, 'lab-settings'), TF_CPP_MIN_LOG_LEVEL: '2',
        TL_SYNTHETIC: '1', TL_SUBSET: '300', TL_TEST_SUBSET: '100', TL_RANDOM_WEIGHTS: '1', TL_EPOCHS: '2' },
    });
    url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/api/status`, 60);
  });

  after(() => {
    lab?.kill('SIGTERM');
    fs.rmSync(path.join(ROOT, 'notebooks/lab-test-copy.ipynb'), { force: true });
  });

  it('Restart Kernel and Run All Cells draws the Plotly figures with JupyterLab\'s renderer', async () => {
    const { browser, page } = await launchOffline({ allow: [url] });
    try {
      await page.goto(`${url}/lab/tree/notebooks/lab-test-copy.ipynb`);
      await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 60_000 }).catch(async (err) => {
        await page.screenshot({ path: path.join(ROOT, 'reports/jupyterlab-failure.png') });
        throw err;
      });
      await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', { timeout: 60_000 }).catch(() => undefined);
      await page.click('.jp-Notebook');
      await page.keyboard.press('Control+Shift+C');
      await page.keyboard.type('Restart Kernel and Run All Cells');
      await page.keyboard.press('Enter');
      await page.click('.jp-Dialog .jp-mod-accept', { timeout: 20_000 });
      // Done when every code cell shows an execution number, none [*] or [ ].
      await page.waitForFunction(() => {
        const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')).map((p) => p.textContent ?? '');
        return prompts.length > 8 && prompts.every((p) => /\[\d+\]/.test(p));
      }, undefined, { timeout: 240_000, polling: 1000 }).catch(async (err) => {
        await page.screenshot({ path: path.join(ROOT, 'reports/jupyterlab-failure.png'), fullPage: true });
        throw err;
      });
      expect(await page.textContent('.jp-Notebook')).to.include('Seconds per batch of 32');
      const kernel = await page.textContent('.jp-Toolbar-kernelName');
      // jupyterlab-plotly (from the plotly wheel) draws application/vnd.plotly.v1+json itself.
      const figures = await page.$$eval('.jp-RenderedPlotly.js-plotly-plot', (plots) => plots.length);
      const historyLines = await page.$$eval('.jp-RenderedPlotly.js-plotly-plot', (plots) => Math.max(...plots.map((p) =>
        p.querySelectorAll('.scatterlayer .trace path.js-line').length)));
      const errors = await page.$$eval('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]', (e) => e.map((x) => x.textContent));
      await page.screenshot({ path: path.join(ROOT, 'reports/jupyterlab-screenshot.png') });
      expect(kernel).to.match(/TypeScript/);
      expect(errors).to.deep.equal([]);
      expect(figures).to.be.at.least(4);
      expect(historyLines).to.equal(4);
    } finally {
      await browser.close();
    }
  });
});
