// Where the Electron desktop binary is, if it was installed. Read from Electron's own files
// (path.txt + dist/), never by `require('electron')`, which throws when the binary is absent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Electron package folder of the app at `root`, or null when the package is not installed. */
export function electronPackageDir(root) {
  const dir = join(root, 'node_modules', 'electron');
  return existsSync(join(dir, 'package.json')) ? dir : null;
}

/** The path of the Electron executable, or null when only the package (types, no binary) is there. */
export function electronBinary(root) {
  const dir = electronPackageDir(root);
  if (!dir) return null;
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}
