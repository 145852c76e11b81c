/** Where the project's folders are, whether running from src/ (ts-node) or dist/src/ (built). */
import * as fs from 'fs';
import * as path from 'path';

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'data'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);

/** The download cache: TL_DATA_DIR, else the project's data/ folder (like Keras's ~/.keras). */
export function dataDir(): string {
  return path.resolve(process.env.TL_DATA_DIR || path.join(PROJECT_ROOT, 'data'));
}
