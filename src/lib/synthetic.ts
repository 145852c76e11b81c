/**
 * A synthetic 10-class image set in CIFAR-10's shape (32×32 RGB), deterministic by seed, and a
 * writer of CIFAR-10-format archives. Tests and the offline default run on it: a CNN separates its
 * classes (shapes and textures with class-typical colours, random position, size and noise), and
 * it passes through exactly the same reader as the real archive.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createGzip } from 'zlib';
import { pipeline } from 'stream/promises';
import * as tar from 'tar-stream';
import { Cifar10, ImageSet, IMAGE_SIZE, NUM_CLASSES, PIXELS_PER_IMAGE, RECORD_BYTES } from './cifar10';
import { seededRandom } from './random';

export const SYNTHETIC_CLASS_NAMES = [
  'disc', 'ring', 'square', 'triangle', 'h-stripes', 'v-stripes', 'checker', 'cross', 'diagonal', 'gradient',
];

/** Class-typical base colours (RGB), jittered per image. */
const BASE_COLOURS = [
  [220, 60, 60], [60, 200, 80], [70, 90, 230], [230, 200, 50], [200, 80, 200],
  [60, 200, 210], [240, 140, 40], [150, 150, 150], [120, 60, 20], [250, 250, 250],
];

type Shape = (x: number, y: number, cx: number, cy: number, r: number) => number;
/** Foreground coverage (0..1) of pixel (x, y) for each class, around centre (cx, cy) with size r. */
const SHAPES: Shape[] = [
  (x, y, cx, cy, r) => (Math.hypot(x - cx, y - cy) < r ? 1 : 0),
  (x, y, cx, cy, r) => (Math.abs(Math.hypot(x - cx, y - cy) - r * 0.75) < r * 0.25 ? 1 : 0),
  (x, y, cx, cy, r) => (Math.abs(x - cx) < r * 0.8 && Math.abs(y - cy) < r * 0.8 ? 1 : 0),
  (x, y, cx, cy, r) => (y - cy < r * 0.7 && y - cy > -r && Math.abs(x - cx) < (y - cy + r) * 0.6 ? 1 : 0),
  (_x, y, _cx, cy, r) => (Math.floor((y - cy) / Math.max(2, r / 3)) % 2 === 0 ? 1 : 0),
  (x, _y, cx, _cy, r) => (Math.floor((x - cx) / Math.max(2, r / 3)) % 2 === 0 ? 1 : 0),
  (x, y, cx, cy, r) => ((Math.floor((x - cx) / Math.max(2, r / 2.5)) + Math.floor((y - cy) / Math.max(2, r / 2.5))) % 2 === 0 ? 1 : 0),
  (x, y, cx, cy, r) => ((Math.abs(x - cx) < r * 0.25 && Math.abs(y - cy) < r) || (Math.abs(y - cy) < r * 0.25 && Math.abs(x - cx) < r) ? 1 : 0),
  (x, y, cx, cy, r) => (Math.floor((x + y - cx - cy) / Math.max(2, r / 2.5)) % 2 === 0 ? 1 : 0),
  (x, _y, _cx, _cy, _r) => x / (IMAGE_SIZE - 1),
];

/** `count` images, classes in turn (balanced), deterministic by seed. */
export function syntheticImages(count: number, seed: number): ImageSet {
  const random = seededRandom(seed);
  const images = new Uint8Array(count * PIXELS_PER_IMAGE);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % NUM_CLASSES;
    labels[i] = label;
    drawImage(images.subarray(i * PIXELS_PER_IMAGE, (i + 1) * PIXELS_PER_IMAGE), label, random);
  }
  return { images, labels, count };
}

function drawImage(out: Uint8Array, label: number, random: () => number): void {
  const jitter = () => (random() - 0.5) * 80;
  const fg = BASE_COLOURS[label].map((c) => c + jitter());
  const bgLevel = random() * 120;
  const bg = [bgLevel + jitter(), bgLevel + jitter(), bgLevel + jitter()];
  const cx = 10 + random() * 12;
  const cy = 10 + random() * 12;
  const r = 6 + random() * 6;
  const shape = SHAPES[label];
  for (let y = 0; y < IMAGE_SIZE; y++) {
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const a = shape(x, y, cx, cy, r);
      for (let c = 0; c < 3; c++) {
        const value = a * fg[c] + (1 - a) * bg[c] + (random() - 0.5) * 40;
        out[(y * IMAGE_SIZE + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }
}

export interface SyntheticOptions {
  /** Training images (split over 5 batch files as in CIFAR-10), default 50,000. */
  train?: number;
  /** Test images, default 10,000. */
  test?: number;
  seed?: number;
}

/** The synthetic set, as loadCifar10 returns the real one (without an archive). */
export function syntheticCifar10(options: SyntheticOptions = {}): Omit<Cifar10, 'archive'> {
  const seed = options.seed ?? 42;
  return {
    train: syntheticImages(options.train ?? 50_000, seed),
    test: syntheticImages(options.test ?? 10_000, seed + 1),
    classNames: SYNTHETIC_CLASS_NAMES,
  };
}

/** Encodes a set as CIFAR-10 binary records: label byte, then the R, G and B planes. */
export function encodeRecords(set: ImageSet): Buffer {
  const out = Buffer.alloc(set.count * RECORD_BYTES);
  const plane = IMAGE_SIZE * IMAGE_SIZE;
  for (let i = 0; i < set.count; i++) {
    const at = i * RECORD_BYTES;
    out[at] = set.labels[i];
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) out[at + 1 + c * plane + p] = set.images[i * PIXELS_PER_IMAGE + p * 3 + c];
    }
  }
  return out;
}

/** Writes a CIFAR-10-format .tar.gz (5 data batches, test batch, meta), via a temporary name. */
export async function writeCifar10Archive(target: string, data: Omit<Cifar10, 'archive'>): Promise<void> {
  if (data.train.count % 5 !== 0) throw new Error(`${target}: ${data.train.count} training images do not split into 5 equal batches`);
  const perBatch = data.train.count / 5;
  const members: [string, Buffer][] = [];
  for (let k = 0; k < 5; k++) {
    const from = k * perBatch;
    const to = Math.min(data.train.count, from + perBatch);
    members.push([`data_batch_${k + 1}.bin`, encodeRecords(slice(data.train, from, to))]);
  }
  members.push(['test_batch.bin', encodeRecords(data.test)]);
  members.push(['batches.meta.txt', Buffer.from(data.classNames.join('\n') + '\n\n')]);
  await writeTarGz(target, members.map(([name, body]) => ({ name: `cifar-10-batches-bin/${name}`, body })));
}

/** A .tar.gz of the given members, written under a temporary name and renamed when complete. */
export async function writeTarGz(target: string, members: { name: string; body: Buffer }[]): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.tmp`;
  const pack = tar.pack();
  const writing = pipeline(pack, createGzip(), fs.createWriteStream(partial));
  for (const m of members) pack.entry({ name: m.name, size: m.body.length, mtime: new Date(0) }, m.body);
  pack.finalize();
  await writing;
  fs.renameSync(partial, target);
}

/**
 * The synthetic archive for these options in `dir`, written once and then reused:
 * `synthetic-cifar10-<train>-<test>-s<seed>.tar.gz`.
 */
export async function ensureSyntheticArchive(dir: string, options: SyntheticOptions = {}): Promise<string> {
  const train = options.train ?? 50_000;
  const test = options.test ?? 10_000;
  const seed = options.seed ?? 42;
  const target = path.join(dir, `synthetic-cifar10-${train}-${test}-s${seed}.tar.gz`);
  if (!fs.existsSync(target)) await writeCifar10Archive(target, syntheticCifar10({ train, test, seed }));
  return target;
}

function slice(set: ImageSet, from: number, to: number): ImageSet {
  return {
    images: set.images.subarray(from * PIXELS_PER_IMAGE, to * PIXELS_PER_IMAGE),
    labels: set.labels.subarray(from, to),
    count: to - from,
  };
}
