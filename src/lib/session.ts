/**
 * Step-through safety for notebooks: a cell that builds a model can be re-run any number of times.
 * `keep(name, value)` remembers the value under `name` and disposes the one it replaces, so the
 * engine's tensors do not pile up (tfjs frees tensors only on dispose, never by garbage collection).
 */
import * as tf from '@tensorflow/tfjs';

type Disposable = { dispose(): unknown };
const kept = new Map<string, unknown>();

export function keep<T>(name: string, value: T): T {
  const previous = kept.get(name);
  if (previous !== undefined && previous !== value) disposeDeep(previous);
  kept.set(name, value);
  return value;
}

/** Live tensors and process memory, for checking that re-running cells leaks nothing. */
export function memoryProbe(): { tensors: number; rssMB: number } {
  return { tensors: tf.memory().numTensors, rssMB: Math.round(process.memoryUsage().rss / 1e6) };
}

/** Disposes a model, or the models found one level inside a result object ({ model }, { head }). */
function disposeDeep(value: unknown): void {
  if (isDisposable(value)) return void value.dispose();
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) if (inner instanceof tf.LayersModel) inner.dispose();
  }
}

function isDisposable(value: unknown): value is Disposable {
  return value instanceof tf.LayersModel || value instanceof tf.Tensor;
}
