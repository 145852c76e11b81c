/**
 * VGG16's convolutional base, as keras.applications.VGG16(include_top=False) builds it.
 * Layer names (block1_conv1 … block5_pool) are the contract that weight files are matched against.
 */
import * as tf from '@tensorflow/tfjs';
import { UserFacingError } from './errors';
import * as fs from 'fs';
import * as path from 'path';
import { fetchToCache, md5OfFile, RemoteFile, warnIfNotOfficial } from './download';
import { kernelAndBias, readKerasWeights, WeightArray } from './weights-h5';

/** Keras's published ImageNet weights without the top, as keras/applications/vgg16.py names them. */
export const VGG16_NOTOP_WEIGHTS: RemoteFile = {
  what: 'VGG16 weights',
  fileName: 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
  bytes: 58_889_256,
  md5: '6d6bbae143d832006294945121d1f1fc',
  urls: [
    'https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
    'https://github.com/fchollet/deep-learning-models/releases/download/v0.1/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
  ],
};

/** Filters per block; each block ends in a 2×2 max-pool. */
const BLOCKS: readonly number[][] = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];

export const VGG16_CONV_LAYERS: readonly string[] = BLOCKS.flatMap((convs, b) =>
  convs.map((_, c) => `block${b + 1}_conv${c + 1}`),
);

export interface Vgg16Options {
  /** Input height, width, channels; at least 32×32×3 as in Keras. Default: CIFAR-10's 32×32×3. */
  inputShape?: [number, number, number];
  /** Seed for the glorot-uniform kernels used before real weights are loaded. */
  seed?: number;
}

/** Builds the frozen base (13 conv + 5 max-pool layers, 14,714,688 parameters). */
export function buildVgg16Base(options: Vgg16Options = {}): tf.LayersModel {
  const inputShape = options.inputShape ?? [32, 32, 3];
  const [height, width, channels] = inputShape;
  if (height < 32 || width < 32 || channels !== 3) {
    throw new Error(`VGG16 input shape ${inputShape.join('×')} is not supported: need at least 32×32×3, as Keras`);
  }
  const model = tf.sequential({ name: 'vgg16' });
  let seed = options.seed ?? 42;
  BLOCKS.forEach((convs, b) => {
    convs.forEach((filters, c) => {
      model.add(tf.layers.conv2d({
        name: `block${b + 1}_conv${c + 1}`,
        ...(b === 0 && c === 0 ? { inputShape } : {}),
        filters, kernelSize: 3, padding: 'same', activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
      }));
    });
    model.add(tf.layers.maxPooling2d({ name: `block${b + 1}_pool`, poolSize: 2, strides: 2 }));
  });
  model.trainable = false;
  return model;
}

/**
 * Assigns a Keras weights file to the base, layer by layer by name, after checking every shape.
 * Nothing is assigned unless the whole file fits.
 */
export async function loadVgg16Weights(model: tf.LayersModel, filePath: string): Promise<void> {
  const weights = await readKerasWeights(filePath);
  const fail = (what: string) => new UserFacingError(`weights file ${filePath}: ${what}; expected Keras's VGG16 notop weights`);
  const assignments: [tf.layers.Layer, tf.Tensor[]][] = [];
  for (const name of VGG16_CONV_LAYERS) {
    const layer = model.getLayer(name);
    const arrays = weights.get(name);
    if (!arrays) throw fail(`no layer ${name}`);
    const { kernel, bias } = kernelAndBias(arrays);
    const [kernelShape, biasShape] = layer.getWeights().map((w) => w.shape);
    for (const [what, found, want] of [['kernel', kernel, kernelShape], ['bias', bias, biasShape]] as const) {
      if (!found) throw fail(`layer ${name} has no ${what}`);
      if (found.shape.join('×') !== want.join('×')) {
        throw fail(`layer ${name} ${what} ${found.name} has shape ${found.shape.join('×')}, the model needs ${want.join('×')}`);
      }
    }
    assignments.push([layer, [tf.tensor(kernel!.values, kernelShape), tf.tensor(bias!.values, biasShape)]]);
  }
  for (const [layer, tensors] of assignments) {
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
}

/** Assigns arrays from vgg16WeightArrays (same model shape) to the base, layer by layer. */
export function setVgg16WeightArrays(model: tf.LayersModel, layers: { layer: string; arrays: WeightArray[] }[]): void {
  model.layers.forEach((layer, i) => {
    const tensors = layers[i].arrays.map((a) => tf.tensor(a.values, a.shape));
    if (tensors.length) layer.setWeights(tensors);
    tf.dispose(tensors);
  });
}

/** The base's weights in the published file's layout (block1_conv1_W_1:0 …), e.g. to serve in tests. */
export function vgg16WeightArrays(model: tf.LayersModel): { layer: string; arrays: WeightArray[] }[] {
  return model.layers.map((layer) => ({
    layer: layer.name,
    arrays: layer.getWeights().map((w, i) => ({
      name: `${layer.name}_${i === 0 ? 'W' : 'b'}_1:0`,
      shape: w.shape,
      values: w.dataSync() as Float32Array,
    })),
  }));
}

export interface PretrainedOptions extends Vgg16Options {
  /** A local weights file; default TL_VGG16_WEIGHTS, else the download cache (downloading if needed). */
  weights?: string;
  /** Which file to download when none is supplied; default Keras's published notop file. */
  remote?: RemoteFile;
  quiet?: boolean;
}

export interface PretrainedVgg16 {
  model: tf.LayersModel;
  /** The weights file and its md5 (the feature cache is keyed by it). */
  weightsFile: string;
  weightsMd5: string;
}

/** keras.applications.VGG16(weights='imagenet', include_top=False), frozen. */
export async function pretrainedVgg16(options: PretrainedOptions = {}): Promise<PretrainedVgg16> {
  const remote = options.remote ?? VGG16_NOTOP_WEIGHTS;
  const supplied = options.weights ?? process.env.TL_VGG16_WEIGHTS;
  const file = supplied ? path.resolve(supplied) : await fetchToCache(remote, { quiet: options.quiet });
  if (supplied) {
    if (!fs.existsSync(file)) throw new UserFacingError(`weights file ${file}: no such file; check the path or TL_VGG16_WEIGHTS`);
    await warnIfNotOfficial(file, remote);
  }
  const model = buildVgg16Base(options);
  try {
    await loadVgg16Weights(model, file);
  } catch (err) {
    model.dispose();
    // A broken file in our own cache is removed, so the next run downloads it again.
    if (!supplied && err instanceof UserFacingError) {
      fs.rmSync(file, { force: true });
      throw new UserFacingError(`${err.message}; deleted from the cache, run again to re-download`);
    }
    throw err;
  }
  return { model, weightsFile: file, weightsMd5: await md5OfFile(file) };
}
