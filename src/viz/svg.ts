/**
 * A static SVG of a figure, for viewers that run no JavaScript (a notebook on a code host, a PDF).
 * Plotly needs a browser to draw, so this is a plain drawing of the same data: line and bar traces
 * and heatmaps, one panel per x axis, with titles, ticks at the ends and a legend. It is the
 * fallback only; JupyterLab and the HTML report draw the interactive figure.
 */
import { Figure } from './figures';

type Trace = { type?: string; name?: string; x?: unknown[]; y?: unknown[]; z?: number[][]; xaxis?: string; line?: { color?: string; dash?: string }; marker?: { color?: string } };

const WIDTH = 900;
const PANEL_HEIGHT = 260;

/** The SVG text, or undefined for figures it does not draw (image grids). */
export function figureSvg(figure: Figure): string | undefined {
  const traces = figure.data as Trace[];
  if (traces.some((t) => !['scatter', 'bar', 'heatmap'].includes(t.type ?? ''))) return undefined;
  const axes = [...new Set(traces.map((t) => t.xaxis ?? 'x'))];
  const layout = figure.layout as Record<string, { title?: { text?: string }; domain?: number[] } | undefined>;
  const title = (figure.layout.title as { text?: string } | undefined)?.text ?? '';
  const height = PANEL_HEIGHT + 90;
  const parts: string[] = [`<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="16">${esc(title)}</text>`];
  axes.forEach((axis, k) => {
    const domain = layout[axis === 'x' ? 'xaxis' : `xaxis${axis.slice(1)}`]?.domain ?? [k / axes.length, (k + 1) / axes.length];
    const yName = axis === 'x' ? 'yaxis' : `yaxis${axis.slice(1)}`;
    const box = { left: 60 + domain[0] * (WIDTH - 80), right: 40 + domain[1] * (WIDTH - 80) - 20, top: 40, bottom: 40 + PANEL_HEIGHT - 40 };
    parts.push(panel(traces.filter((t) => (t.xaxis ?? 'x') === axis), box, layout[yName]?.title?.text ?? ''));
  });
  const legend = traces.filter((t) => t.type === 'scatter' && t.name);
  legend.forEach((t, i) => {
    const x = 60 + i * 200;
    parts.push(`<line x1="${x}" y1="${height - 20}" x2="${x + 24}" y2="${height - 20}" stroke="${t.line?.color ?? '#333'}" stroke-width="2"${t.line?.dash === 'dash' ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${x + 30}" y="${height - 16}" font-size="12">${esc(t.name!)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">${parts.join('')}</svg>`;
}

function panel(traces: Trace[], box: { left: number; right: number; top: number; bottom: number }, yTitle: string): string {
  const out: string[] = [`<rect x="${box.left}" y="${box.top}" width="${box.right - box.left}" height="${box.bottom - box.top}" fill="none" stroke="#ccc"/>`,
    `<text x="${box.left - 45}" y="${(box.top + box.bottom) / 2}" font-size="12" transform="rotate(-90 ${box.left - 45} ${(box.top + box.bottom) / 2})" text-anchor="middle">${esc(yTitle)}</text>`];
  const heat = traces.find((t) => t.type === 'heatmap');
  if (heat?.z) return out.concat(heatmap(heat, box)).join('');
  const ys = traces.flatMap((t) => (t.y ?? []) as number[]);
  // Bars start at zero; lines use their own range.
  const lo = traces.some((t) => t.type === 'bar') ? Math.min(0, ...ys) : Math.min(...ys);
  const hi = Math.max(...ys);
  const span = hi - lo || 1;
  const py = (v: number) => box.bottom - ((v - lo) / span) * (box.bottom - box.top);
  out.push(`<text x="${box.left - 4}" y="${box.top + 10}" font-size="10" text-anchor="end">${fmt(hi)}</text>`,
    `<text x="${box.left - 4}" y="${box.bottom}" font-size="10" text-anchor="end">${fmt(lo)}</text>`);
  for (const t of traces) {
    const y = (t.y ?? []) as number[];
    const n = y.length;
    const px = (i: number) => box.left + ((i + 0.5) / n) * (box.right - box.left);
    if (t.type === 'bar') {
      const w = ((box.right - box.left) / n) * 0.7;
      y.forEach((v, i) => out.push(`<rect x="${px(i) - w / 2}" y="${py(v)}" width="${w}" height="${box.bottom - py(v)}" fill="${t.marker?.color ?? '#1f77b4'}"/>`,
        `<text x="${px(i)}" y="${box.bottom + 14}" font-size="10" text-anchor="middle">${esc(String(t.x?.[i] ?? i))}</text>`));
    } else {
      const points = y.map((v, i) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
      out.push(`<polyline points="${points}" fill="none" stroke="${t.line?.color ?? '#333'}" stroke-width="2"${t.line?.dash === 'dash' ? ' stroke-dasharray="6 4"' : ''}/>`);
      y.forEach((_, i) => out.push(`<text x="${px(i)}" y="${box.bottom + 14}" font-size="10" text-anchor="middle">${esc(String(t.x?.[i] ?? i + 1))}</text>`));
    }
  }
  return out.join('');
}

function heatmap(t: Trace, box: { left: number; right: number; top: number; bottom: number }): string[] {
  const z = t.z!;
  const max = Math.max(1, ...z.flat());
  const cw = (box.right - box.left) / z[0].length;
  const ch = (box.bottom - box.top) / z.length;
  return z.flatMap((row, r) => row.map((v, c) => {
    const shade = Math.round(255 - (v / max) * 200);
    return `<rect x="${box.left + c * cw}" y="${box.top + r * ch}" width="${cw}" height="${ch}" fill="rgb(${shade},${shade},255)"><title>${esc(String(t.y?.[r]))} → ${esc(String(t.x?.[c]))}: ${v}</title></rect>`;
  }));
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
