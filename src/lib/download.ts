/**
 * Cached, verified, resumable downloads — Keras's get_file, made safe against half-written files.
 * A file is downloaded to `<name>.part`, resumed with an HTTP Range request after an interruption,
 * checked for size and md5, and only then renamed to its final name. A file in the cache is
 * trusted only under its final name.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { dataDir } from './paths';
import { Progress } from './progress';
import { UserFacingError } from './errors';

export interface RemoteFile {
  /** What the file is, for messages: "CIFAR-10 archive". */
  what: string;
  fileName: string;
  bytes: number;
  md5: string;
  /** Official source first, then mirrors. TL_MIRROR/<fileName> is tried before all of them. */
  urls: readonly string[];
}

export interface DownloadOptions {
  /** Cache folder; default TL_DATA_DIR or the project's data/. */
  cacheDir?: string;
  /** Attempts to resume one URL after a dropped connection before moving on to the next URL. */
  resumeAttempts?: number;
  /** Silence the progress line. */
  quiet?: boolean;
}

/** Returns the path of the verified file in the cache, downloading it first when needed. */
export async function fetchToCache(file: RemoteFile, options: DownloadOptions = {}): Promise<string> {
  const dir = options.cacheDir ?? dataDir();
  const target = path.join(dir, file.fileName);
  if (fs.existsSync(target)) return target;
  ensureWritable(dir, file);
  const partial = `${target}.part`;
  const failures: string[] = [];
  for (const url of sourceUrls(file)) {
    try {
      await downloadWithResume(url, partial, file, options);
      await verifyDownload(partial, file);
      fs.renameSync(partial, target);
      return target;
    } catch (err) {
      if (err instanceof UserFacingError) throw err; // verified wrong content: no mirror will fix our check
      failures.push(`${url}: ${(err as Error).message}`);
    }
  }
  throw new UserFacingError(
    `${file.what} ${target}: could not download from any source (${failures.join('; ')}); ` +
    `check the network, set TL_MIRROR to a mirror's base URL, or place the file there yourself`,
  );
}

/** TL_MIRROR first (a user's own mirror), then the official URL and known mirrors. */
export function sourceUrls(file: RemoteFile): string[] {
  const mirror = process.env.TL_MIRROR?.replace(/\/+$/, '');
  return [...(mirror ? [`${mirror}/${file.fileName}`] : []), ...file.urls];
}

/** md5 of a file, streamed. */
export async function md5OfFile(filePath: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * For a file the user supplied: warns in one line when it is not the official file (a subset,
 * a re-pack) and carries on; the caller checks its structure.
 */
export async function warnIfNotOfficial(filePath: string, file: RemoteFile): Promise<void> {
  const md5 = await md5OfFile(filePath);
  if (md5 !== file.md5) {
    console.warn(`warning: ${file.what} ${filePath}: md5 ${md5} is not the official ${file.md5}; using it anyway`);
  }
}

function ensureWritable(dir: string, file: RemoteFile): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UserFacingError(
      `${file.what}: cache folder ${dir} is not writable; set TL_DATA_DIR to a writable folder ` +
      `or fix its permissions`,
    );
  }
}

async function downloadWithResume(url: string, partial: string, file: RemoteFile, options: DownloadOptions) {
  const attempts = options.resumeAttempts ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      await downloadOnce(url, partial, file, options);
      return;
    } catch (err) {
      // HTTP errors go to the next URL at once; a dropped connection is resumed from what we have.
      if ((err as { httpStatus?: number }).httpStatus !== undefined || attempt + 1 >= attempts) throw err;
    }
  }
}

async function downloadOnce(url: string, partial: string, file: RemoteFile, options: DownloadOptions) {
  const have = fs.existsSync(partial) ? fs.statSync(partial).size : 0;
  if (have >= file.bytes) return; // complete already; verification decides
  const response = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {} });
  if (response.status !== 200 && response.status !== 206) {
    throw Object.assign(new Error(`HTTP ${response.status}`), { httpStatus: response.status });
  }
  const resuming = response.status === 206;
  const out = fs.createWriteStream(partial, { flags: resuming ? 'a' : 'w' });
  let done = resuming ? have : 0;
  const progress = options.quiet ? undefined : new Progress(`downloading ${file.fileName}`, file.bytes, { unit: 'bytes' }, done);
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      done += chunk.length;
      progress?.update(done);
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  if (done < file.bytes) throw new Error(`connection closed after ${done} of ${file.bytes} bytes`);
  progress?.finish();
}

async function verifyDownload(partial: string, file: RemoteFile): Promise<void> {
  const size = fs.statSync(partial).size;
  const md5 = size === file.bytes ? await md5OfFile(partial) : '';
  if (size === file.bytes && md5 === file.md5) return;
  fs.rmSync(partial, { force: true });
  const fault = size !== file.bytes ? `size ${size} differs from the official ${file.bytes} bytes` : `md5 ${md5} differs from the official ${file.md5}`;
  throw new UserFacingError(`${file.what} ${partial}: ${fault}; deleted, run again to re-download`);
}
