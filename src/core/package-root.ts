import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The packbot package root (where aliases/ and examples/ live), found by walking up from
 * this file, so it works both from src/ under vitest and from dist/src/ when installed.
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = path.dirname(from);
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'packbot') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`packbot's package.json not found above ${from}`);
    dir = parent;
  }
}

export function bundledAliasesDir(root: string = packageRoot()): string {
  return path.join(root, 'aliases');
}
