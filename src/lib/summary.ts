/**
 * model.summary() as Keras prints it for the article's model (the frozen base followed by the head):
 * one row per layer with output shape and parameter count, then total / trainable / non-trainable.
 */
import * as tf from '@tensorflow/tfjs';

export interface ParameterCounts {
  total: number;
  trainable: number;
  nonTrainable: number;
}

export function parameterCounts(models: tf.LayersModel[]): ParameterCounts {
  const count = (weights: tf.LayerVariable[]) => weights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
  const trainable = models.reduce((n, m) => n + count(m.trainableWeights), 0);
  const nonTrainable = models.reduce((n, m) => n + count(m.nonTrainableWeights), 0);
  return { total: trainable + nonTrainable, trainable, nonTrainable };
}

/** The summary table as lines of text, base layers first, then the head's. */
export function summaryLines(base: tf.LayersModel, head: tf.LayersModel): string[] {
  const rule = '─'.repeat(72);
  const row = (a: string, b: string, c: string) => `${a.padEnd(34)}${b.padEnd(24)}${c.padStart(14)}`;
  const lines = [rule, row('Layer (type)', 'Output Shape', 'Param #'), rule.replace(/─/g, '═')];
  for (const model of [base, head]) {
    for (const layer of model.layers) {
      const shape = JSON.stringify(layer.outputShape).replace(/null/g, 'None').replace(/\[/g, '(').replace(/\]/g, ')').replace(/,/g, ', ');
      lines.push(row(`${layer.name} (${layer.getClassName()})`, shape, layer.countParams().toLocaleString('en')));
    }
  }
  const counts = parameterCounts([base, head]);
  lines.push(rule.replace(/─/g, '═'),
    `Total params: ${counts.total.toLocaleString('en')}`,
    `Trainable params: ${counts.trainable.toLocaleString('en')}`,
    `Non-trainable params: ${counts.nonTrainable.toLocaleString('en')}`, rule);
  return lines;
}
