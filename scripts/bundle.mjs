#!/usr/bin/env node
/**
 * Bundles the CLI: dist/bin/cli.js (tsc's output of bin/cli.ts) and everything it imports
 * from dist/ into dist/bin/packbot.js, with the code loaded only on demand (a command's
 * implementation, an adapter, an archive reader) split into dist/bin/chunks/.
 *
 * Why: Node's ESM loader pays per module file, and a deploy loaded ~560 of them (ours,
 * zod's 95, yaml's 73…): about a third of every CLI command's wall time went on finding and
 * reading them. The dependencies that load on demand and are heavy (chat SDKs, BullMQ,
 * ioredis, fastify, prom-client, pino-pretty, execa…) stay external: still loaded only by
 * the commands that need them, from node_modules, as before.
 *
 * `npm run build` runs this after tsc; `node scripts/bundle.mjs` alone re-bundles dist/.
 */
import { build } from 'esbuild';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));

// Loaded by every command that reads a config, many files each: bundled. The rest of the
// dependencies are external (commander and simple-git too: few files, and the start-up tests
// see the CLI and the app load through them).
const BUNDLED = new Set(['zod', 'yaml', 'pino', 'semver']);
const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name));

const outdir = path.join(root, 'dist', 'bin');
// Built aside, then moved in: a packbot already running (a test, a bench, another build's
// tests) keeps finding the chunks its entry imports. Chunk names are content hashes, so an
// unchanged chunk is replaced by the same bytes; the entry moves last.
const staging = await mkdtemp(path.join(outdir, '.bundle-'));
try {
  await build({
    entryPoints: [{ in: path.join(root, 'dist', 'bin', 'cli.js'), out: 'packbot' }],
    outdir: staging,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    // Bundled CommonJS (pino, semver…) calls require() for Node's built-ins; ESM has none.
    banner: { js: "import { createRequire as packbotCreateRequire } from 'node:module'; const require = packbotCreateRequire(import.meta.url);" },
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const chunks = path.join(outdir, 'chunks');
  await mkdir(chunks, { recursive: true });
  const built = await readdir(path.join(staging, 'chunks'));
  for (const name of built) await rename(path.join(staging, 'chunks', name), path.join(chunks, name));
  await chmod(path.join(staging, 'packbot.js'), 0o755);
  for (const name of await readdir(staging)) {
    if (name !== 'chunks' && name !== 'packbot.js') await rename(path.join(staging, name), path.join(outdir, name));
  }
  await rename(path.join(staging, 'packbot.js'), path.join(outdir, 'packbot.js'));
  // Chunks of earlier builds, once no process started from them can still be loading them.
  const current = new Set(built);
  const hourAgo = Date.now() - 60 * 60 * 1000;
  for (const name of await readdir(chunks)) {
    if (current.has(name)) continue;
    const at = await stat(path.join(chunks, name)).catch(() => null);
    if (at && at.mtimeMs < hourAgo) await rm(path.join(chunks, name), { force: true });
  }
} finally {
  await rm(staging, { recursive: true, force: true });
}
