/**
 * npm run bench:cifar — time and extra memory to load a CIFAR-10 archive of the official size
 * (50,000 + 10,000 images). Without the real archive (offline), a synthetic one of the same shape
 * is written to data/ once. The load runs in a fresh child process so its memory is its own.
 * Usage: node dist/bench/cifar-load.js [archive.tar.gz]
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { loadCifar10 } from '../src/lib/cifar10';
import { dataDir } from '../src/lib/paths';
import { ensureSyntheticArchive } from '../src/lib/synthetic';

async function measureInChild(archive: string) {
  const baseline = process.resourceUsage().maxRSS * 1024;
  const start = performance.now();
  const data = await loadCifar10({ archive, quiet: true });
  const seconds = (performance.now() - start) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ seconds, extraMB: (peak - baseline) / 1e6, train: data.train.count, test: data.test.count }));
}

async function main() {
  if (process.argv[2] === '--child') return measureInChild(process.argv[3]);
  const archive = process.argv[2] ?? (await ensureSyntheticArchive(dataDir(), { train: 50_000, test: 10_000 }));
  const mb = (fs.statSync(archive).size / 1e6).toFixed(1);
  const out = execFileSync(process.execPath, [__filename, '--child', archive], { encoding: 'utf8', env: { ...process.env, TL_ENGINE: 'cpu' } });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  console.log(`archive ${archive} (${mb} MB): ${r.train} + ${r.test} images`);
  console.log(`load time ${r.seconds.toFixed(2)} s (goal < 10 s), extra peak RSS ${r.extraMB.toFixed(0)} MB (goal < 400 MB)`);
}

main().catch((err) => { console.error(`bench:cifar: ${err.message}`); process.exit(1); });
