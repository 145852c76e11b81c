/**
 * Computed base features on disk, so a frozen base runs once per image, not once per epoch.
 * File: data/cache/features-<key>.bin =
 *   "TLFEAT1\n" | uint32 LE header length | header JSON {key, count, featureSize, dtype, md5} | float32 LE payload
 * The key hashes everything the features depend on (weights md5, images md5, preprocessing, input
 * shape). A file is written under a temporary name and renamed once complete, so a run killed at any
 * moment leaves nothing a later run trusts; a truncated or corrupt file is reported and recomputed.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { dataDir } from './paths';

const MAGIC = Buffer.from('TLFEAT1\n');

export interface FeatureKey {
  weightsMd5: string;
  imagesMd5: string;
  preprocess: string;
  inputShape: number[];
}

export interface CachedFeatures {
  values: Float32Array;
  count: number;
  featureSize: number;
}

export function featureCacheKey(key: FeatureKey): string {
  return createHash('sha256').update(JSON.stringify([key.weightsMd5, key.imagesMd5, key.preprocess, key.inputShape])).digest('hex').slice(0, 24);
}

export function featureCachePath(key: FeatureKey, dir = path.join(dataDir(), 'cache')): string {
  return path.join(dir, `features-${featureCacheKey(key)}.bin`);
}

/** md5 of a byte array (images, labels), for the cache key. */
export function md5OfBytes(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** The cached features, or undefined (with one line saying why when a file was there but unusable). */
export function readFeatureCache(file: string, key: FeatureKey): CachedFeatures | undefined {
  if (!fs.existsSync(file)) return undefined;
  const fault = checkFile(fs.readFileSync(file), featureCacheKey(key));
  if (typeof fault === 'string') {
    console.warn(`feature cache ${file}: ${fault}; deleted, recomputing`);
    fs.rmSync(file, { force: true });
    return undefined;
  }
  return fault;
}

export function writeFeatureCache(file: string, key: FeatureKey, values: Float32Array, count: number): void {
  const payload = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const header = Buffer.from(JSON.stringify({
    key: featureCacheKey(key), count, featureSize: values.length / count, dtype: 'float32',
    md5: createHash('md5').update(payload).digest('hex'),
  }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, Buffer.concat([MAGIC, length, header, payload]));
  fs.renameSync(partial, file);
}

function checkFile(bytes: Buffer, key: string): CachedFeatures | string {
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return 'not a feature cache file';
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4 + headerLength;
  let header: { key: string; count: number; featureSize: number; dtype: string; md5: string };
  try {
    header = JSON.parse(bytes.subarray(MAGIC.length + 4, start).toString('utf8'));
  } catch {
    return 'unreadable header';
  }
  if (header.key !== key) return `holds features for another key (${header.key})`;
  const payload = bytes.subarray(start);
  if (payload.length !== header.count * header.featureSize * 4) return `truncated: ${payload.length} of ${header.count * header.featureSize * 4} payload bytes`;
  if (createHash('md5').update(payload).digest('hex') !== header.md5) return 'checksum mismatch (corrupt)';
  const values = new Float32Array(payload.length / 4);
  Buffer.from(values.buffer).set(payload);
  return { values, count: header.count, featureSize: header.featureSize };
}
