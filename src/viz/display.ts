/**
 * Showing figures and tables from the tslab kernel, so the same output works everywhere:
 *  - application/vnd.plotly.v1+json: JupyterLab draws it with the jupyterlab-plotly renderer
 *    (from the plotly wheel in .venv), no script, no trust prompt, also after reopening;
 *  - text/html: a div plus a script, for nbconvert HTML reports; plotly.js (from node_modules,
 *    never a CDN) is embedded in the first figure of the session only;
 *  - image/svg+xml: a static drawing (svg.ts) for viewers without JavaScript;
 *  - text/plain: a one-line description.
 * tslab's public display.raw() sends one mime type per message, so a multi-type bundle goes
 * through the same internal writer (tslab/dist/jupyter's lastWriteDisplayData) that raw() uses.
 */
import * as fs from 'fs';
import { randomBytes } from 'crypto';
import { Figure } from './figures';
import { figureSvg } from './svg';

type Writer = (message: { data: Record<string, unknown>; metadata: object; transient: { display_id?: string } }, update: boolean) => void;

function kernelWriter(): Writer | undefined {
  try {
    return require('tslab/dist/jupyter').lastWriteDisplayData ?? undefined;
  } catch {
    return undefined;
  }
}

let plotlyEmbedded = false;

/** True the first time in this session: that figure carries plotly.js for the whole document. */
function claimLibrary(): boolean {
  const first = !plotlyEmbedded;
  plotlyEmbedded = true;
  return first;
}

/** The HTML of a figure for static HTML reports, with plotly.js inlined when `embedLibrary`. */
export function figureHtml(figure: Figure, embedLibrary: boolean, id = `plot-${randomBytes(6).toString('hex')}`): string {
  const library = embedLibrary ? `<script type="text/javascript">${fs.readFileSync(require.resolve('plotly.js-dist-min'), 'utf8')}</script>` : '';
  const spec = JSON.stringify(figure).replace(/</g, '\\u003c');
  // Later figures may run before the embedded library in some viewers: wait for window.Plotly.
  return `${library}<div id="${id}" class="tl-plot" style="width:100%"></div><script type="text/javascript">
(function draw(){ if (!window.Plotly) return setTimeout(draw, 50);
  var f = ${spec}; window.Plotly.newPlot(${JSON.stringify(id)}, f.data, f.layout, {responsive: true, displaylogo: false}); })();
</script>`;
}

/** A figure as a mime bundle. */
export function figureBundle(figure: Figure, embedLibrary: boolean): Record<string, unknown> {
  const title = (figure.layout.title as { text?: string } | undefined)?.text ?? 'figure';
  const svg = figureSvg(figure);
  return {
    'application/vnd.plotly.v1+json': { data: figure.data, layout: figure.layout },
    'text/html': figureHtml(figure, embedLibrary),
    ...(svg ? { 'image/svg+xml': svg } : {}),
    'text/plain': `<Plotly figure: ${title}, ${figure.data.length} traces>`,
  };
}

/** A display entry that can be redrawn in place (live figures during training). */
export class LiveDisplay {
  private readonly id = randomBytes(8).toString('hex');
  private shown = false;

  show(bundle: Record<string, unknown>): void {
    const write = kernelWriter();
    if (!write) return void console.log(bundle['text/plain']);
    write({ data: bundle, metadata: {}, transient: { display_id: this.id } }, this.shown);
    this.shown = true;
  }
}

/**
 * A figure that can be redrawn in place (epoch by epoch). If it is the session's first figure it
 * keeps plotly.js in every redraw, since each redraw replaces the previous output.
 */
export class LiveFigure {
  private readonly display = new LiveDisplay();
  private readonly embedLibrary = claimLibrary();

  update(figure: Figure): void {
    this.display.show(figureBundle(figure, this.embedLibrary));
  }
}

/** Shows a figure in the notebook (or its one-line description outside one). */
export function showFigure(figure: Figure): void {
  new LiveFigure().update(figure);
}

/** Shows HTML (tables) in the notebook, text outside one. */
export function showHtml(html: string, text: string): void {
  new LiveDisplay().show({ 'text/html': html, 'text/plain': text });
}
