/**
 * A deploy of many packs must not start a git process per pack (each spawn stalls the event
 * loop), nor work on every pack at once. git is counted honestly: a shim first on PATH (the
 * one variable packbot passes to git from its own environment) logs each start and execs
 * the real binary.
 */
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/services/deploy/stage-clock.js';
import { createDeployEnv, pack } from '../helpers/deploy.js';
import { createRepo, tempDir } from '../helpers/git-repo.js';

const PACKS = 60;

async function realGit(): Promise<string> {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const candidate = path.join(dir, 'git');
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  throw new Error('git is not on PATH');
}

/** Runs `fn` with every git process packbot starts logged (its arguments, one line each). */
async function countingGit<T>(fn: () => Promise<T>): Promise<{ value: T; runs: string[][] }> {
  const dir = await tempDir('packbot-git-shim-');
  const log = path.join(dir, 'runs.log');
  await writeFile(log, '');
  const shim = path.join(dir, 'git');
  await writeFile(shim, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${await realGit()}' "$@"\n`);
  await chmod(shim, 0o755);
  const saved = process.env['PATH'];
  process.env['PATH'] = `${dir}:${saved ?? ''}`;
  try {
    const value = await fn();
    const lines = (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '');
    return { value, runs: lines.map((l) => l.split(' ')) };
  } finally {
    process.env['PATH'] = saved;
  }
}

/** The git subcommand of a logged run (after the `-c key=value` settings). */
function subcommand(args: string[]): string {
  let i = 0;
  while (args[i] === '-c') i += 2;
  return args[i] ?? '?';
}

/** The `git cat-file` processes this test process started and that still run. */
async function catFiles(): Promise<number> {
  let n = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
    if ((await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).includes('cat-file')) n++;
  }
  return n;
}

describe('a deploy of many packs', () => {
  it(`starts a few git processes, not one per pack, and validates a few packs at a time (${PACKS} packs)`, async () => {
    const repo = await createRepo();
    const names = Array.from({ length: PACKS }, (_, i) => `pack_${String(i).padStart(2, '0')}`);
    for (const name of names) {
      for (const [rel, content] of Object.entries(pack(name, { extra: { [`packs/${name}/actions/lib/run.sh`]: '' } }))) {
        await mkdir(path.dirname(path.join(repo.dir, rel)), { recursive: true });
        await writeFile(path.join(repo.dir, rel), typeof content === 'string' ? content : '');
      }
      await chmod(path.join(repo.dir, `packs/${name}/actions/lib/run.sh`), 0o755);
    }
    await repo.git(['add', '.']);
    await repo.commit('many packs');
    const env = await createDeployEnv({ many: { url: repo.url } });

    let running = 0;
    let peak = 0;
    const onProgress = (e: ProgressEvent) => {
      if (e.stage !== 'validate' || !e.pack) return;
      running += e.status === 'start' ? 1 : -1;
      peak = Math.max(peak, running);
    };
    const { value: result, runs } = await countingGit(() => env.app.deployer.run({ repo: 'many', packs: '', requestedBy: 'console:alice' }, onProgress));

    expect(result.error).toBeNull();
    expect(result.packs.filter((p) => p.status === 'deployed')).toHaveLength(PACKS);
    // Clone (init + fetch) and one object reader for discovery, staging and validation.
    const kinds = runs.map(subcommand);
    expect(kinds.filter((k) => k === 'cat-file')).toEqual(['cat-file']);
    expect(runs.length).toBeLessThanOrEqual(6);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(8);
    // The reader stays for the next request (it ends after an idle spell, or with the app).
    expect(await catFiles()).toBe(1);
    const staged = await readFile(path.join(env.config.packs_dir, 'pack_07', 'actions', 'hello.py'), 'utf8');
    expect(staged).toBe('print("hello from pack_07")\n');
    expect((await stat(path.join(env.config.packs_dir, 'pack_07', 'actions', 'lib', 'run.sh'))).mode & 0o111).not.toBe(0);

    // Again, forced (so every pack is staged and validated again): still a handful.
    const again = await countingGit(() => env.app.deployer.run({ repo: 'many', packs: '', force: true, requestedBy: 'console:alice' }));
    expect(again.value.packs.filter((p) => p.status === 'deployed')).toHaveLength(PACKS);
    expect(again.runs.length).toBeLessThanOrEqual(6);
    expect(again.runs.map(subcommand)).not.toContain('cat-file');
    await env.app.stop();
    expect(await catFiles()).toBe(0);
  }, 240_000);
});
