/**
 * Keras weight files (HDF5), read and written with h5wasm. The layout Keras uses for
 * `save_weights(..., .h5)` and for its published ImageNet files:
 *   root attribute `layer_names`: the layers, in order;
 *   group `<layer>`, attribute `weight_names`: that layer's arrays, in order, each a dataset path
 *   below the group — `block1_conv1_W_1:0` / `block1_conv1_b_1:0` in the published VGG16 file,
 *   `block1_conv1/kernel:0` / `block1_conv1/bias:0` in files newer Keras writes.
 */
import * as fs from 'fs';
import { UserFacingError } from './errors';

export interface WeightArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Each layer's arrays in the file's order, by layer name. */
export type KerasWeights = Map<string, WeightArray[]>;

// eslint-disable-next-line
type H5 = typeof import('h5wasm/node', { with: { 'resolution-mode': 'import' } });
let h5: Promise<H5> | undefined;

/** h5wasm is an ES module; this project compiles to CommonJS, so it is imported dynamically. */
async function h5wasm(): Promise<H5> {
  h5 ??= import('h5wasm/node').then(async (mod) => {
    const lib = (mod as unknown as { default?: H5 }).default ?? mod;
    await lib.ready;
    return lib;
  });
  return h5;
}

/** Reads every layer's weights. Faults are one line naming the file. */
export async function readKerasWeights(filePath: string): Promise<KerasWeights> {
  const lib = await h5wasm();
  const fail = (what: string) => new UserFacingError(`weights file ${filePath}: ${what}`);
  if (!fs.existsSync(filePath)) throw fail('no such file');
  if (!isHdf5(filePath)) throw fail('not an HDF5 file (no HDF5 signature); expected a Keras .h5 weights file');
  const file = new lib.File(filePath, 'r');
  try {
    // A whole saved model keeps its weights below model_weights/.
    const root = file.get('model_weights') instanceof lib.Group ? (file.get('model_weights') as InstanceType<H5['Group']>) : file;
    const layerNames = stringList(root.attrs['layer_names']?.value);
    if (!layerNames) throw fail('no layer_names attribute; not a Keras weights file');
    const weights: KerasWeights = new Map();
    for (const layer of layerNames) {
      const group = root.get(layer);
      if (!(group instanceof lib.Group)) throw fail(`layer_names lists ${layer}, but the file has no group ${layer}`);
      const arrays: WeightArray[] = [];
      for (const name of stringList(group.attrs['weight_names']?.value) ?? []) {
        const dataset = group.get(name);
        if (!(dataset instanceof lib.Dataset)) throw fail(`layer ${layer} lists weight ${name}, but has no such dataset`);
        arrays.push({ name, shape: dataset.shape ?? [], values: Float32Array.from(dataset.value as ArrayLike<number>) });
      }
      if (arrays.length) weights.set(layer, arrays);
    }
    return weights;
  } finally {
    file.close();
  }
}

/** Writes weights in the published-file layout (names like block1_conv1_W_1:0); via a temporary name. */
export async function writeKerasWeights(filePath: string, layers: { layer: string; arrays: WeightArray[] }[]): Promise<void> {
  const lib = await h5wasm();
  const partial = `${filePath}.${process.pid}.tmp`;
  const file = new lib.File(partial, 'w');
  try {
    file.create_attribute('layer_names', layers.map((l) => l.layer));
    file.create_attribute('backend', 'tensorflow');
    file.create_attribute('keras_version', '2.0.0');
    for (const { layer, arrays } of layers) {
      const group = file.create_group(layer);
      if (arrays.length) group.create_attribute('weight_names', arrays.map((a) => a.name));
      for (const a of arrays) {
        // Newer Keras names are paths below the layer's group (block1_conv1/kernel:0).
        let parent = group;
        const parts = a.name.split('/');
        for (const part of parts.slice(0, -1)) parent = (parent.get(part) as typeof group | null) ?? parent.create_group(part);
        parent.create_dataset({ name: parts[parts.length - 1], data: a.values, shape: a.shape, dtype: '<f' });
      }
    }
  } finally {
    file.close();
  }
  fs.renameSync(partial, filePath);
}

/** Which array of a layer is the kernel and which the bias, by Keras's names, else by order. */
export function kernelAndBias(arrays: WeightArray[]): { kernel?: WeightArray; bias?: WeightArray } {
  const kernel = arrays.find((a) => /(_W(_\d+)?|kernel)(:0)?$/.test(a.name)) ?? arrays[0];
  const bias = arrays.find((a) => /(_b(_\d+)?|bias)(:0)?$/.test(a.name)) ?? arrays[1];
  return { kernel, bias };
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

function isHdf5(filePath: string): boolean {
  const head = Buffer.alloc(8);
  const fd = fs.openSync(filePath, 'r');
  try {
    return fs.readSync(fd, head, 0, 8, 0) === 8 && head.equals(HDF5_SIGNATURE);
  } finally {
    fs.closeSync(fd);
  }
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v)).replace(/\0+$/, '')).filter(Boolean);
}
