/**
 * The integration project's global setup: re-bundles the CLI (scripts/bundle.mjs) from dist/
 * as it is now, so a test that spawns dist/bin/packbot.js never runs a bundle older than the
 * tsc build beside it (after `npx tsc` alone, say). Half a second; `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  if (!existsSync(path.join(root, 'dist', 'bin', 'cli.js'))) throw new Error('dist/bin/cli.js is missing: run npm run build first');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
}
