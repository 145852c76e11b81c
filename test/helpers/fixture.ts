/** The Keras fixture in ../shared (read-only): VGG16 weights, 32 CIFAR-10 images, Keras's features. */
import * as fs from 'fs';
import * as path from 'path';
import { ImageSet } from '../../src/lib/cifar10';

/** shared/ sits beside the project (as in CI); TL_SHARED_DIR names another place. */
export const FIXTURE_DIR = path.resolve(process.env.TL_SHARED_DIR ?? path.resolve(__dirname, '../../../shared'), 'fixtures/keras-vgg16');

export function fixturePath(name: string): string {
  const file = path.join(FIXTURE_DIR, name);
  if (!fs.existsSync(file)) throw new Error(`Keras fixture ${file} is missing: shared/ must sit beside the project, or set TL_SHARED_DIR`);
  return file;
}

export function fixtureImages(): ImageSet {
  const images = new Uint8Array(fs.readFileSync(fixturePath('images_u8_nhwc_32x32x3.bin')));
  const labels = new Uint8Array(fs.readFileSync(fixturePath('labels_u8.bin')));
  return { images, labels, count: labels.length };
}

export function kerasFeatures(preprocess: 'seed' | 'caffe'): Float32Array {
  const bytes = fs.readFileSync(fixturePath(`features_${preprocess}_f32.bin`));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}
