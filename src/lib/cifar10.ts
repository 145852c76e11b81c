/**
 * CIFAR-10 from the official *binary* archive (cifar-10-binary.tar.gz). The binary version is a
 * plain byte format, so unlike Keras's loader (which unpickles the Python version) nothing from the
 * archive is ever executed. The archive is read as a stream, never unpacked to disk.
 *
 * Record: 1 label byte, then 3072 pixel bytes: the red plane, then green, then blue, each 32×32
 * row-major. Images are kept as one contiguous Uint8Array in NHWC order; conversion to float
 * happens per batch (preprocess.ts), so the whole set never sits in memory as float32.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createGunzip } from 'zlib';
import { pipeline } from 'stream/promises';
import * as tar from 'tar-stream';
import { fetchToCache, RemoteFile, warnIfNotOfficial } from './download';
import { ImpossibleRequestError, UserFacingError } from './errors';
import { shuffledIndices } from './random';

export const CIFAR10_ARCHIVE: RemoteFile = {
  what: 'CIFAR-10 archive',
  fileName: 'cifar-10-binary.tar.gz',
  bytes: 170_052_171,
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
  urls: ['https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'],
};

export const IMAGE_SIZE = 32;
export const CHANNELS = 3;
export const PIXELS_PER_IMAGE = IMAGE_SIZE * IMAGE_SIZE * CHANNELS; // 3072
export const RECORD_BYTES = 1 + PIXELS_PER_IMAGE; // 3073
export const NUM_CLASSES = 10;
const MEMBER_DIR = 'cifar-10-batches-bin/';
const TRAIN_MEMBERS = [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`);
const TEST_MEMBER = 'test_batch.bin';
const META_MEMBER = 'batches.meta.txt';
/** Members we read; the official archive also holds readme.html, which is skipped. */
const EXPECTED = new Set([...TRAIN_MEMBERS, TEST_MEMBER, META_MEMBER, 'readme.html']);

/** Images (N×32×32×3, uint8, NHWC, RGB) with their labels. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface Cifar10 {
  train: ImageSet;
  test: ImageSet;
  classNames: string[];
  /** The archive that was read, and its md5 (the feature cache is keyed by it). */
  archive: string;
}

export interface LoadCifar10Options {
  /** A local archive; default TL_CIFAR10_ARCHIVE, else the download cache (downloading if needed). */
  archive?: string;
  /** Keep a stratified subset: this many training images, and testSubset test images. */
  subset?: number;
  testSubset?: number;
  /** Which file to download when none is supplied; default the official archive. */
  remote?: RemoteFile;
  /** Seed of the subset choice. */
  seed?: number;
  quiet?: boolean;
}

/** Loads CIFAR-10 as Keras's cifar10.load_data() does, from the binary archive. */
export async function loadCifar10(options: LoadCifar10Options = {}): Promise<Cifar10> {
  const supplied = options.archive ?? process.env.TL_CIFAR10_ARCHIVE;
  const remote = options.remote ?? CIFAR10_ARCHIVE;
  const archive = supplied ? path.resolve(supplied) : await fetchToCache(remote, { quiet: options.quiet });
  if (supplied) {
    if (!fs.existsSync(supplied)) throw new UserFacingError(`CIFAR-10 archive ${archive}: no such file; check the path or TL_CIFAR10_ARCHIVE`);
    await warnIfNotOfficial(archive, remote);
  }
  let data: Cifar10;
  try {
    data = await readCifar10Archive(archive);
  } catch (err) {
    // A broken file in our own cache is removed, so the next run downloads it again.
    if (!supplied && err instanceof UserFacingError) {
      fs.rmSync(archive, { force: true });
      throw new UserFacingError(`${err.message}; deleted from the cache, run again to re-download`);
    }
    throw err;
  }
  return withSubsets(data, options);
}

/** The stratified subsets that `options` ask for (the whole sets when they ask for none). */
export function withSubsets(data: Cifar10, options: { subset?: number; testSubset?: number; seed?: number }): Cifar10 {
  const seed = options.seed ?? 42;
  return {
    ...data,
    train: options.subset ? stratifiedSubset(data.train, options.subset, seed) : data.train,
    test: options.testSubset ? stratifiedSubset(data.test, options.testSubset, seed + 1) : data.test,
  };
}

/** Reads a CIFAR-10-format .tar.gz as a stream. Every fault is one UserFacingError naming the file. */
export async function readCifar10Archive(archive: string): Promise<Cifar10> {
  const fail = (what: string) => new UserFacingError(`CIFAR-10 archive ${archive}: ${what}`);
  const members = new Map<string, MemberReader>();
  let classNames: string[] = [];
  // The five training batches are written straight into one buffer (no copy at the end), which
  // needs them to be of equal size, as in the official archive.
  let train: ImageSet | undefined;
  const trainSlot = (name: string, size: number): Slot | undefined => {
    const k = TRAIN_MEMBERS.indexOf(name);
    if (k < 0) return undefined;
    const records = size / RECORD_BYTES;
    train ??= { images: new Uint8Array(5 * records * PIXELS_PER_IMAGE), labels: new Uint8Array(5 * records), count: 5 * records };
    if (train.count !== 5 * records) throw fail(`${MEMBER_DIR}${name} holds ${records} records, the other batches ${train.count / 5}; expected equal batches`);
    return { set: train, first: k * records };
  };
  const extract = tar.extract();
  const reading = (async () => {
    for await (const entry of extract) {
      const name = checkedMemberName(entry.header, fail);
      if (name === undefined || !EXPECTED.has(name)) { entry.resume(); continue; }
      if (name === META_MEMBER) {
        classNames = (await readAll(entry as AsyncIterable<Buffer>)).toString('utf8').split('\n').map((s) => s.trim()).filter(Boolean);
        continue;
      }
      if (name === 'readme.html') { entry.resume(); continue; }
      const reader = new MemberReader(name, entry.header.size ?? 0, fail, trainSlot(name, entry.header.size ?? 0));
      for await (const chunk of entry) reader.push(chunk as Buffer);
      reader.end();
      members.set(name, reader);
    }
  })();
  // Either side can fail first: a bad record stops the reader, a bad gzip stops the pipe (and the
  // reader then sees the raw stream error). The reader's explanation is the more precise one.
  const outcomes = await Promise.allSettled([reading, pipeArchive(archive, extract, fail)]);
  const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
  if (errors.length) {
    extract.destroy();
    throw errors.find((e) => e instanceof UserFacingError) ?? fail(`unreadable (${errors[0].message})`);
  }

  const missing = [...TRAIN_MEMBERS, TEST_MEMBER].filter((m) => !members.has(m));
  if (missing.length) throw fail(`missing ${missing.map((m) => MEMBER_DIR + m).join(', ')}; is this the binary version of CIFAR-10?`);
  if (classNames.length !== NUM_CLASSES) throw fail(`${MEMBER_DIR}${META_MEMBER} lists ${classNames.length} class names, expected ${NUM_CLASSES}`);
  return {
    train: train!,
    test: members.get(TEST_MEMBER)!.result(),
    classNames,
    archive,
  };
}

/** A stratified, deterministic subset: the same number of images from each class, in shuffled order. */
export function stratifiedSubset(set: ImageSet, size: number, seed: number): ImageSet {
  if (size > set.count) throw new ImpossibleRequestError(`subset of ${size} images asked, but the set holds ${set.count}`);
  const perClass = new Array(NUM_CLASSES).fill(Math.floor(size / NUM_CLASSES));
  for (let c = 0; c < size % NUM_CLASSES; c++) perClass[c]++;
  const chosen: number[] = [];
  for (const i of shuffledIndices(set.count, seed)) {
    if (perClass[set.labels[i]] > 0) { perClass[set.labels[i]]--; chosen.push(i); }
  }
  if (chosen.length !== size) throw new ImpossibleRequestError(`subset of ${size} images: the set has too few images of some class`);
  return pick(set, chosen);
}

/** The images at `indices`, copied into a new contiguous set. */
export function pick(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const images = new Uint8Array(indices.length * PIXELS_PER_IMAGE);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    images.set(set.images.subarray(i * PIXELS_PER_IMAGE, (i + 1) * PIXELS_PER_IMAGE), k * PIXELS_PER_IMAGE);
    labels[k] = set.labels[i];
  }
  return { images, labels, count: indices.length };
}

/** Where a member's images go: `set`, from image index `first` on. */
interface Slot {
  set: ImageSet;
  first: number;
}

/** Turns records (label + R, G, B planes) into NHWC images as they stream in. */
class MemberReader {
  private readonly images: Uint8Array;
  private readonly labels: Uint8Array;
  private readonly expected: number;
  private readonly carry = Buffer.alloc(RECORD_BYTES);
  private carried = 0;
  private records = 0;

  constructor(private readonly name: string, size: number, private readonly fail: (what: string) => UserFacingError, slot?: Slot) {
    if (size % RECORD_BYTES !== 0) throw fail(`${MEMBER_DIR}${name} is ${size} bytes, not a multiple of the ${RECORD_BYTES}-byte record`);
    this.expected = size / RECORD_BYTES;
    const set = slot?.set ?? { images: new Uint8Array(this.expected * PIXELS_PER_IMAGE), labels: new Uint8Array(this.expected), count: this.expected };
    const first = slot?.first ?? 0;
    this.images = set.images.subarray(first * PIXELS_PER_IMAGE, (first + this.expected) * PIXELS_PER_IMAGE);
    this.labels = set.labels.subarray(first, first + this.expected);
  }

  push(chunk: Buffer): void {
    let offset = 0;
    if (this.carried > 0) {
      const take = Math.min(RECORD_BYTES - this.carried, chunk.length);
      chunk.copy(this.carry, this.carried, 0, take);
      this.carried += take;
      offset = take;
      if (this.carried < RECORD_BYTES) return;
      this.record(this.carry, 0);
      this.carried = 0;
    }
    for (; offset + RECORD_BYTES <= chunk.length; offset += RECORD_BYTES) this.record(chunk, offset);
    this.carried = chunk.copy(this.carry, 0, offset);
  }

  end(): void {
    if (this.carried !== 0 || this.records !== this.expected) throw this.fail(`${MEMBER_DIR}${this.name} ends inside a record`);
  }

  result(): ImageSet {
    return { images: this.images, labels: this.labels, count: this.records };
  }

  private record(bytes: Buffer, at: number): void {
    const label = bytes[at];
    if (label >= NUM_CLASSES) throw this.fail(`${MEMBER_DIR}${this.name} record ${this.records} has label ${label}, expected 0..9`);
    this.labels[this.records] = label;
    const plane = IMAGE_SIZE * IMAGE_SIZE;
    const out = this.records * PIXELS_PER_IMAGE;
    for (let p = 0; p < plane; p++) {
      this.images[out + p * 3] = bytes[at + 1 + p];
      this.images[out + p * 3 + 1] = bytes[at + 1 + plane + p];
      this.images[out + p * 3 + 2] = bytes[at + 1 + 2 * plane + p];
    }
    this.records++;
  }
}

/** The member's name below cifar-10-batches-bin/, or undefined for the folder itself; rejects links and escapes. */
function checkedMemberName(header: tar.Header, fail: (what: string) => UserFacingError): string | undefined {
  const raw = header.name;
  if (header.type === 'symlink' || header.type === 'link') throw fail(`member ${raw} is a link; links are refused`);
  const normal = path.posix.normalize(raw);
  if (path.posix.isAbsolute(raw) || normal.split('/').includes('..')) throw fail(`member ${raw} points outside the archive's folder; refused`);
  if (header.type === 'directory') return undefined;
  if (header.type !== 'file' && header.type !== 'contiguous-file') throw fail(`member ${raw} is a ${header.type}, not a file; refused`);
  return normal.startsWith(MEMBER_DIR) ? normal.slice(MEMBER_DIR.length) : normal;
}

async function pipeArchive(archive: string, extract: tar.Extract, fail: (what: string) => UserFacingError) {
  const gunzip = createGunzip();
  let stage = 'cannot read';
  gunzip.once('error', () => { stage = 'corrupt or truncated gzip'; });
  extract.once('error', () => { if (stage === 'cannot read') stage = 'corrupt or truncated tar'; });
  try {
    await pipeline(fs.createReadStream(archive), gunzip, extract);
  } catch (err) {
    if (err instanceof UserFacingError) throw err;
    throw fail(`${stage} (${(err as Error).message}); use the binary version, cifar-10-binary.tar.gz`);
  }
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}
