import { expect } from 'chai';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fetchToCache, RemoteFile } from '../src/lib/download';
import { Progress } from '../src/lib/progress';
import { startLoopbackServer, LoopbackServer } from './helpers/loopback-server';

const BODY = Buffer.from(Array.from({ length: 3_000_000 }, (_, i) => (i * 7919) % 251));
const MD5 = createHash('md5').update(BODY).digest('hex');

describe('downloads (loopback HTTP)', () => {
  let server: LoopbackServer;
  let cache: string;
  const file = (urls: string[], overrides: Partial<RemoteFile> = {}): RemoteFile =>
    ({ what: 'test file', fileName: 'blob.bin', bytes: BODY.length, md5: MD5, urls, ...overrides });

  beforeEach(async () => {
    server = await startLoopbackServer();
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-download-'));
  });
  afterEach(async () => {
    delete process.env.TL_MIRROR;
    await server.close();
  });

  it('downloads, verifies and renames; a second call uses the cache without a request', async () => {
    server.routes.set('/blob.bin', { body: BODY, behaviour: 'ok' });
    const target = await fetchToCache(file([`${server.url}/blob.bin`]), { cacheDir: cache, quiet: true });
    expect(fs.readFileSync(target).equals(BODY)).to.equal(true);
    expect(fs.readdirSync(cache)).to.deep.equal(['blob.bin']);
    await fetchToCache(file([`${server.url}/blob.bin`]), { cacheDir: cache, quiet: true });
    expect(server.requests).to.have.length(1);
  });

  for (const status of [404, 500]) {
    it(`HTTP ${status} on the first URL: the next URL is tried`, async () => {
      server.routes.set('/first/blob.bin', { body: BODY, behaviour: `status:${status}` });
      server.routes.set('/second/blob.bin', { body: BODY, behaviour: 'ok' });
      const target = await fetchToCache(file([`${server.url}/first/blob.bin`, `${server.url}/second/blob.bin`]), { cacheDir: cache, quiet: true });
      expect(fs.readFileSync(target).equals(BODY)).to.equal(true);
      expect(server.requests.map((r) => r.path)).to.deep.equal(['/first/blob.bin', '/second/blob.bin']);
    });
  }

  it('TL_MIRROR is tried before the official URLs', async () => {
    server.routes.set('/mirror/blob.bin', { body: BODY, behaviour: 'ok' });
    process.env.TL_MIRROR = `${server.url}/mirror/`;
    await fetchToCache(file([`${server.url}/official/blob.bin`]), { cacheDir: cache, quiet: true });
    expect(server.requests.map((r) => r.path)).to.deep.equal(['/mirror/blob.bin']);
  });

  it('a connection reset mid-transfer is resumed with an HTTP Range request, then verified', async () => {
    server.routes.set('/blob.bin', { body: BODY, behaviour: 'reset-once' });
    const target = await fetchToCache(file([`${server.url}/blob.bin`]), { cacheDir: cache, quiet: true });
    expect(fs.readFileSync(target).equals(BODY)).to.equal(true);
    expect(server.requests).to.have.length(2);
    expect(server.requests[0].range).to.equal(undefined);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.requests[1].range ?? '')?.[1]);
    expect(resumedAt).to.be.greaterThan(0).and.lessThan(BODY.length);
  });

  it('an md5 mismatch after download deletes the file and says so in one line', async () => {
    server.routes.set('/blob.bin', { body: BODY, behaviour: 'ok' });
    const wrong = file([`${server.url}/blob.bin`], { md5: '0'.repeat(32) });
    const err = await fetchToCache(wrong, { cacheDir: cache, quiet: true }).catch((e: Error) => e);
    expect((err as Error).message).to.equal(
      `test file ${path.join(cache, 'blob.bin.part')}: md5 ${MD5} differs from the official ${'0'.repeat(32)}; deleted, run again to re-download`);
    expect(fs.readdirSync(cache)).to.deep.equal([]);
  });

  it('every source failing gives one line naming each URL and what to do', async () => {
    const err = await fetchToCache(file([`${server.url}/a/blob.bin`, `${server.url}/b/blob.bin`]), { cacheDir: cache, quiet: true }).catch((e: Error) => e);
    expect((err as Error).message).to.match(/^test file .*blob\.bin: could not download from any source \(.*\/a\/blob\.bin: HTTP 404; .*\/b\/blob\.bin: HTTP 404\); .*TL_MIRROR/);
    expect((err as Error).message).to.not.include('\n');
  });

  it('an unwritable cache folder is named in one line, before any request', async () => {
    const notAFolder = path.join(cache, 'plain-file');
    fs.writeFileSync(notAFolder, 'x');
    const err = await fetchToCache(file([`${server.url}/blob.bin`]), { cacheDir: path.join(notAFolder, 'data'), quiet: true }).catch((e: Error) => e);
    expect((err as Error).message).to.equal(`test file: cache folder ${path.join(notAFolder, 'data')} is not writable; set TL_DATA_DIR to a writable folder or fix its permissions`);
    expect(server.requests).to.have.length(0);
  });
});

describe('progress lines', () => {
  const capture = () => { const out: string[] = []; return { out, stream: { write: (t: string) => out.push(t), isTTY: false } }; };

  it('in a log: one line per tenth, with count, rate and ETA, then the total time', () => {
    const { out, stream } = capture();
    const progress = new Progress('features', 1000, { out: stream, redraw: false });
    for (let i = 0; i <= 1000; i += 50) progress.update(i);
    progress.finish();
    expect(out).to.have.length(11); // 0%, 10% … 90%, then the final line
    expect(out[5]).to.match(/^features \[=+>?\.*\]  50% 500\/1000 \d+ img\/s ETA \d+:\d\d\n$/);
    expect(out[10]).to.match(/^features \[=+\] 100% 1000\/1000 \d+ img\/s \d+\.\d s\n$/);
  });

  it('in a terminal or notebook: one redrawn line (\\r), bytes as MB', () => {
    const { out, stream } = capture();
    const progress = new Progress('downloading x', 2e6, { out: stream, redraw: true, unit: 'bytes' });
    progress.update(1e6);
    progress.finish();
    expect(out[0]).to.match(/^\rdownloading x \[.*\]  50% 1\.0\/2\.0 MB [\d.]+ MB\/s ETA/);
    expect(out[out.length - 1]).to.match(/^\rdownloading x .* 100% 2\.0\/2\.0 MB .*\n$/);
  });
});
