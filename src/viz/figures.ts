/**
 * Plotly figure specs built from plain data (histories, confusion matrices, images).
 * Nothing here trains or loads; the notebook passes results in and shows what comes out.
 */
import { History } from '../lib/train';
import { ImageSet, PIXELS_PER_IMAGE } from '../lib/cifar10';

export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** Accuracy and loss per epoch, train and validation, side by side (the article's two plots). */
export function historyFigure(history: History, title = 'Training history'): Figure {
  const epochs = history.loss.map((_, i) => i + 1);
  const line = (name: string, y: number[], axis: 1 | 2, dash: 'solid' | 'dash', color: string) => ({
    type: 'scatter', mode: 'lines+markers', name, x: epochs, y, line: { dash, color },
    xaxis: axis === 1 ? 'x' : 'x2', yaxis: axis === 1 ? 'y' : 'y2',
  });
  return {
    data: [
      line('train accuracy', history.accuracy, 1, 'solid', '#1f77b4'),
      line('validation accuracy', history.val_accuracy, 1, 'dash', '#ff7f0e'),
      line('train loss', history.loss, 2, 'solid', '#2ca02c'),
      line('validation loss', history.val_loss, 2, 'dash', '#d62728'),
    ],
    layout: {
      title: { text: title }, height: 380,
      xaxis: { domain: [0, 0.45], title: { text: 'epoch' }, dtick: 1 },
      yaxis: { title: { text: 'accuracy' } },
      xaxis2: { domain: [0.55, 1], title: { text: 'epoch' }, dtick: 1, anchor: 'y2' },
      yaxis2: { title: { text: 'loss' }, anchor: 'x2' },
      legend: { orientation: 'h', y: -0.25 },
    },
  };
}

/** Per-class accuracy as bars. */
export function perClassFigure(classNames: string[], accuracy: number[], title = 'Validation accuracy per class'): Figure {
  return {
    data: [{ type: 'bar', x: classNames, y: accuracy, marker: { color: '#1f77b4' } }],
    layout: { title: { text: title }, height: 340, yaxis: { title: { text: 'accuracy' }, range: [0, 1] } },
  };
}

/** Confusion matrix heatmap: rows true class, columns predicted class. */
export function confusionFigure(classNames: string[], matrix: number[][], title = 'Confusion matrix (validation)'): Figure {
  return {
    data: [{ type: 'heatmap', z: matrix, x: classNames, y: classNames, colorscale: 'Blues', reversescale: true, hovertemplate: 'true %{y}<br>predicted %{x}<br>%{z} images<extra></extra>' }],
    layout: { title: { text: title }, height: 480, xaxis: { title: { text: 'predicted' } }, yaxis: { title: { text: 'true' }, autorange: 'reversed' } },
  };
}

/** A notice box saying which data and which weights a run used (shown at the top of the report). */
export function runNoticeHtml(data: string, weights: string, fallback: boolean): string {
  const colour = fallback ? '#fff4e5' : '#eef6ee';
  const note = fallback ? '<br><b>Not the article\'s setting:</b> the real data or ImageNet weights could not be had; numbers below are from this substitute.' : '';
  return `<div style="background:${colour};border:1px solid #ccc;padding:8px 12px;margin:4px 0"><b>Data:</b> ${data}<br><b>Weights:</b> ${weights}${note}</div>`;
}

/** A grid of sample images with their class names. */
export function sampleGridFigure(set: ImageSet, classNames: string[], perClass = 1): Figure {
  const picked: number[] = [];
  for (let c = 0; c < classNames.length; c++) {
    let found = 0;
    for (let i = 0; i < set.count && found < perClass; i++) if (set.labels[i] === c) { picked.push(i); found++; }
  }
  const columns = Math.min(10, picked.length);
  const data = picked.map((i, k) => {
    const z: number[][][] = [];
    for (let y = 0; y < 32; y++) {
      const row: number[][] = [];
      for (let x = 0; x < 32; x++) {
        const at = i * PIXELS_PER_IMAGE + (y * 32 + x) * 3;
        row.push([set.images[at], set.images[at + 1], set.images[at + 2]]);
      }
      z.push(row);
    }
    return { type: 'image', z, xaxis: `x${k + 1}`, yaxis: `y${k + 1}`, name: classNames[set.labels[i]] };
  });
  const layout: Record<string, unknown> = { height: 160 * Math.ceil(picked.length / columns), margin: { t: 40, b: 10, l: 10, r: 10 },
    grid: { rows: Math.ceil(picked.length / columns), columns, pattern: 'independent' }, annotations: [] };
  picked.forEach((i, k) => {
    layout[`xaxis${k + 1}`] = { visible: false };
    layout[`yaxis${k + 1}`] = { visible: false };
    (layout.annotations as unknown[]).push({ text: classNames[set.labels[i]], xref: `x${k + 1} domain`, yref: `y${k + 1} domain`, x: 0.5, y: 1.02, yanchor: 'bottom', showarrow: false });
  });
  return { data, layout };
}
