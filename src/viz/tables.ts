/**
 * Tables with danfojs-node: a DataFrame per result, rendered as an HTML table for the notebook
 * and the report. (danfojs-node 1.1.2's code uses @tensorflow/tfjs, the same instance as ours.)
 */
import * as dfd from 'danfojs-node';
import { History } from '../lib/train';

export function historyFrame(history: History): dfd.DataFrame {
  return new dfd.DataFrame({
    epoch: history.loss.map((_, i) => i + 1),
    loss: history.loss, accuracy: history.accuracy, val_loss: history.val_loss, val_accuracy: history.val_accuracy,
  });
}

export function perClassFrame(classNames: string[], accuracy: number[], confusedWith: string[]): dfd.DataFrame {
  return new dfd.DataFrame({ class: classNames, accuracy, 'most often predicted instead': confusedWith });
}

/** A DataFrame as an HTML table (numbers to 4 decimals). */
export function frameHtml(frame: dfd.DataFrame): string {
  const cell = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : escape(String(v)));
  const head = frame.columns.map((c) => `<th>${escape(c)}</th>`).join('');
  const rows = (frame.values as unknown[][]).map((row) => `<tr>${row.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`).join('');
  return `<table class="dataframe"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
