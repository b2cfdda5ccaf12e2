import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The package's root folder: the nearest folder above `from` with a package.json. The
 * code runs from dist/src/... or from the bundle in dist/bundle, so files the build or the
 * repository provide (templates/, dist/common-passwords.txt) are found from here.
 */
export function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json in or above ${from}`);
  }
}
