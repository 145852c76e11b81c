import { expect } from 'chai';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tar from 'tar-stream';
import { createGzip } from 'zlib';
import { pipeline } from 'stream/promises';
import { loadCifar10, readCifar10Archive, stratifiedSubset, RECORD_BYTES, ImageSet } from '../src/lib/cifar10';
import { preprocessBatch, CAFFE_MEAN_BGR } from '../src/lib/preprocess';
import { encodeRecords, syntheticCifar10, syntheticImages, writeCifar10Archive, writeTarGz, SYNTHETIC_CLASS_NAMES } from '../src/lib/synthetic';
import { oneLineErrorOf } from './helpers/errors';
import { startLoopbackServer } from './helpers/loopback-server';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cifar-'));
const SMALL = { train: 100, test: 20, seed: 5 };

/** A CIFAR-format archive with the given members (defaults: a valid small synthetic set). */
async function archiveWith(dir: string, change: (members: Map<string, Buffer>) => void): Promise<string> {
  const data = syntheticCifar10(SMALL);
  const members = new Map<string, Buffer>();
  for (let k = 0; k < 5; k++) members.set(`data_batch_${k + 1}.bin`, encodeRecords(slice(data.train, k * 20, (k + 1) * 20)));
  members.set('test_batch.bin', encodeRecords(data.test));
  members.set('batches.meta.txt', Buffer.from(SYNTHETIC_CLASS_NAMES.join('\n')));
  change(members);
  const target = path.join(dir, 'archive.tar.gz');
  await writeTarGz(target, [...members].map(([name, body]) => ({ name: `cifar-10-batches-bin/${name}`, body })));
  return target;
}

function slice(set: ImageSet, from: number, to: number): ImageSet {
  return { images: set.images.subarray(from * 3072, to * 3072), labels: set.labels.subarray(from, to), count: to - from };
}

describe('CIFAR-10 binary archive', () => {
  it('reads records into NHWC (R, G, B planes interleaved per pixel), labels and class names', async () => {
    const dir = tmp();
    const data = syntheticCifar10(SMALL);
    await writeCifar10Archive(path.join(dir, 'a.tar.gz'), data);
    const read = await readCifar10Archive(path.join(dir, 'a.tar.gz'));
    expect(read.train.count).to.equal(100);
    expect(read.test.count).to.equal(20);
    expect(read.classNames).to.deep.equal(SYNTHETIC_CLASS_NAMES);
    expect(Buffer.from(read.train.images).equals(Buffer.from(data.train.images))).to.equal(true);
    expect(Buffer.from(read.test.labels).equals(Buffer.from(data.test.labels))).to.equal(true);
    // Pixel (row 3, col 5) of image 7: its bytes in the record's planes are at 1 + c*1024 + 3*32 + 5.
    const record = encodeRecords(data.train).subarray(7 * RECORD_BYTES, 8 * RECORD_BYTES);
    for (let c = 0; c < 3; c++) expect(read.train.images[7 * 3072 + (3 * 32 + 5) * 3 + c]).to.equal(record[1 + c * 1024 + 3 * 32 + 5]);
  });

  it('a stratified subset takes the same number of each class, deterministically by seed', () => {
    const set = syntheticImages(1000, 1);
    const a = stratifiedSubset(set, 50, 3);
    const b = stratifiedSubset(set, 50, 3);
    const c = stratifiedSubset(set, 50, 4);
    const counts = new Array(10).fill(0);
    a.labels.forEach((l) => counts[l]++);
    expect(counts).to.deep.equal(new Array(10).fill(5));
    expect(Buffer.from(a.images).equals(Buffer.from(b.images))).to.equal(true);
    expect(Buffer.from(a.images).equals(Buffer.from(c.images))).to.equal(false);
    expect(() => stratifiedSubset(set, 1001, 3)).to.throw('subset of 1001 images asked, but the set holds 1000');
  });

  it('preprocessing: seed is pixels / 255; caffe is BGR minus the ImageNet means', () => {
    const set: ImageSet = { images: new Uint8Array(3072).map((_, i) => i % 256), labels: new Uint8Array([0]), count: 1 };
    const seed = preprocessBatch(set, 0, 1, 'seed');
    const caffe = preprocessBatch(set, 0, 1, 'caffe');
    expect(seed[4]).to.be.closeTo(4 / 255, 1e-7);
    // Pixel 1 holds R=3, G=4, B=5.
    expect(caffe[3]).to.be.closeTo(5 - CAFFE_MEAN_BGR[0], 1e-4);
    expect(caffe[4]).to.be.closeTo(4 - CAFFE_MEAN_BGR[1], 1e-4);
    expect(caffe[5]).to.be.closeTo(3 - CAFFE_MEAN_BGR[2], 1e-4);
  });

  describe('bad input: one line naming the file and the fault', () => {
    it('truncated gzip', async () => {
      const good = await archiveWith(tmp(), () => undefined);
      const cut = path.join(tmp(), 'cut.tar.gz');
      fs.writeFileSync(cut, fs.readFileSync(good).subarray(0, 20_000));
      expect(await oneLineErrorOf(readCifar10Archive(cut))).to.match(new RegExp(`^CIFAR-10 archive ${cut}: corrupt or truncated gzip`));
    });

    it('corrupt gzip', async () => {
      const good = fs.readFileSync(await archiveWith(tmp(), () => undefined));
      const bad = path.join(tmp(), 'bad.tar.gz');
      for (let i = 2000; i < 2100; i++) good[i] ^= 0xff;
      fs.writeFileSync(bad, good);
      expect(await oneLineErrorOf(readCifar10Archive(bad))).to.match(new RegExp(`^CIFAR-10 archive ${bad}: corrupt or truncated gzip`));
    });

    it('a member whose path leaves the folder (../)', async () => {
      const target = path.join(tmp(), 'escape.tar.gz');
      await writeTarGz(target, [{ name: 'cifar-10-batches-bin/../../evil.bin', body: Buffer.alloc(10) }]);
      expect(await oneLineErrorOf(readCifar10Archive(target))).to.equal(
        `CIFAR-10 archive ${target}: member cifar-10-batches-bin/../../evil.bin points outside the archive's folder; refused`);
    });

    it('a symlink member', async () => {
      const target = path.join(tmp(), 'link.tar.gz');
      const pack = tar.pack();
      const writing = pipeline(pack, createGzip(), fs.createWriteStream(target));
      pack.entry({ name: 'cifar-10-batches-bin/test_batch.bin', type: 'symlink', linkname: '/etc/passwd' });
      pack.finalize();
      await writing;
      expect(await oneLineErrorOf(readCifar10Archive(target))).to.equal(
        `CIFAR-10 archive ${target}: member cifar-10-batches-bin/test_batch.bin is a link; links are refused`);
    });

    it('a missing batch file', async () => {
      const target = await archiveWith(tmp(), (m) => m.delete('data_batch_3.bin'));
      expect(await oneLineErrorOf(readCifar10Archive(target))).to.equal(
        `CIFAR-10 archive ${target}: missing cifar-10-batches-bin/data_batch_3.bin; is this the binary version of CIFAR-10?`);
    });

    it('a record length that is not a multiple of 3073', async () => {
      const target = await archiveWith(tmp(), (m) => m.set('test_batch.bin', m.get('test_batch.bin')!.subarray(0, 3073 * 2 + 100)));
      expect(await oneLineErrorOf(readCifar10Archive(target))).to.equal(
        `CIFAR-10 archive ${target}: cifar-10-batches-bin/test_batch.bin is 6246 bytes, not a multiple of the 3073-byte record`);
    });

    it('a label byte above 9', async () => {
      const target = await archiveWith(tmp(), (m) => { m.get('data_batch_2.bin')![3073 * 4] = 12; });
      expect(await oneLineErrorOf(readCifar10Archive(target))).to.equal(
        `CIFAR-10 archive ${target}: cifar-10-batches-bin/data_batch_2.bin record 4 has label 12, expected 0..9`);
    });
  });

  describe('loadCifar10 through the download cache (loopback HTTP)', () => {
    afterEach(() => { delete process.env.TL_DATA_DIR; });

    it('downloads, verifies and reads; a corrupt cached archive is reported, deleted, and the next run recovers', async () => {
      const archive = await archiveWith(tmp(), () => undefined);
      const body = fs.readFileSync(archive);
      const server = await startLoopbackServer();
      server.routes.set('/cifar.tar.gz', { body, behaviour: 'ok' });
      const remote = { what: 'CIFAR-10 archive', fileName: 'cifar.tar.gz', bytes: body.length,
        md5: createHash('md5').update(body).digest('hex'), urls: [`${server.url}/cifar.tar.gz`] };
      process.env.TL_DATA_DIR = tmp();
      try {
        const first = await loadCifar10({ remote, quiet: true });
        expect(first.train.count).to.equal(100);
        // The cached file goes bad (disk fault, an editor...): one line, the file is removed...
        const cached = path.join(process.env.TL_DATA_DIR, 'cifar.tar.gz');
        fs.writeFileSync(cached, body.subarray(0, 1000));
        expect(await oneLineErrorOf(loadCifar10({ remote, quiet: true }))).to.match(/corrupt or truncated gzip.*; deleted from the cache, run again to re-download$/);
        expect(fs.existsSync(cached)).to.equal(false);
        // ...and the next run downloads it again by itself.
        const again = await loadCifar10({ remote, quiet: true, subset: 50, testSubset: 10 });
        expect([again.train.count, again.test.count]).to.deep.equal([50, 10]);
        expect(server.requests).to.have.length(2);
      } finally {
        await server.close();
      }
    });

    it('a user-supplied archive that is not the official file: one warning line with both hashes, then used', async () => {
      const archive = await archiveWith(tmp(), () => undefined);
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (line: string) => warnings.push(line);
      try {
        const data = await loadCifar10({ archive, quiet: true });
        expect(data.train.count).to.equal(100);
      } finally {
        console.warn = warn;
      }
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(new RegExp(`^warning: CIFAR-10 archive ${archive}: md5 [0-9a-f]{32} is not the official c32a1d4ab5d03f1284b67883e8d87530; using it anyway$`));
    });
  });
});
