/**
 * VGG16's convolutional base, as keras.applications.VGG16(include_top=False) builds it.
 * Layer names (block1_conv1 … block5_pool) are the contract that weight files are matched against.
 */
import * as tf from '@tensorflow/tfjs';

/** Keras's published ImageNet weights without the top, as keras/applications/vgg16.py names them. */
export const VGG16_NOTOP_WEIGHTS = {
  fileName: 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
  bytes: 58_889_256,
  md5: '6d6bbae143d832006294945121d1f1fc',
  urls: [
    'https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
    'https://github.com/fchollet/deep-learning-models/releases/download/v0.1/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5',
  ],
} as const;

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
