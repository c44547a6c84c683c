/**
 * A fast CLI (issue 18): `packbot --version`, `--help` and `config check` load no chat SDK,
 * no BullMQ, no fastify, no Redis client; a deploy on the embedded store with no `server:`
 * builds the whole app and still loads none of them: each loads only when a command needs it
 * (serve with a platform or `server:`, a Redis store). Held without timing: the real built CLI runs in a child process with a
 * preload (fixtures/load-recorder.mjs) that records every module it loaded; the time it takes
 * is bench/startup.ts's to measure.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, run } from '../helpers/cli.js';
import { tempDir, writeConfig } from '../helpers/config.js';

const RECORDER = fileURLToPath(new URL('./fixtures/load-recorder.mjs', import.meta.url));

/** What a command that talks to no platform, queue or HTTP client must not load. */
const HEAVY = ['discord.js', '@discordjs/ws', '@slack/bolt', '@slack/web-api', '@slack/socket-mode', 'bullmq', 'fastify', 'ioredis'];

/** Runs node with the recorder; the packages (under node_modules/) the process loaded. */
async function loadedPackages(args: string[], cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string; packages: Set<string> }> {
  const record = path.join(await tempDir('packbot-loads-'), 'loaded.txt');
  const r = await run(process.execPath, ['--import', RECORDER, ...args], { cwd, env: { PACKBOT_LOAD_RECORD: record } });
  const lines = (await readFile(record, 'utf8').catch(() => '')).split('\n');
  const packages = new Set<string>();
  for (const line of lines) {
    // The last node_modules/ in the path: the package itself, not the one that depends on it.
    const m = /.*node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(decodeURIComponent(line));
    if (m) packages.add(m[1]!.replace(/\\/g, '/'));
  }
  return { ...r, packages };
}

function heavyIn(packages: Set<string>): string[] {
  return HEAVY.filter((p) => packages.has(p));
}

describe('CLI start-up loads only what the command needs (spawned CLI)', () => {
  it('the recorder sees packages imported by ESM and required by CJS (else the checks below prove nothing)', async () => {
    const r = await loadedPackages(['--input-type=module', '-e', "await import('fastify'); await import('bullmq'); await import('discord.js'); await import('ioredis');"]);
    expect(r.stderr).toBe('');
    expect(heavyIn(r.packages)).toEqual(expect.arrayContaining(['fastify', 'bullmq', 'discord.js', 'ioredis']));
    // Required by fastify's CJS code, never imported from ESM: the CJS cache.
    expect(r.packages.has('avvio')).toBe(true);
  });

  it('packbot --version', async () => {
    const r = await loadedPackages([BIN, '--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.packages.has('commander')).toBe(true);
    expect(heavyIn(r.packages)).toEqual([]);
  });

  it('packbot --help', async () => {
    const r = await loadedPackages([BIN, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('config');
    expect(heavyIn(r.packages)).toEqual([]);
  });

  it('packbot config check on a valid config with a local repository', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'packs'), { recursive: true });
    const file = await writeConfig(`state_dir: ./var\nrepositories:\n  local:\n    repo: ${JSON.stringify(path.join(dir, 'packs'))}\n`, dir);
    const r = await loadedPackages([BIN, 'config', 'check', '-c', file], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK (1 repository: local)');
    expect(heavyIn(r.packages)).toEqual([]);
  });

  it('packbot deploy on an embedded store builds and starts the app without chat SDKs, BullMQ, fastify or ioredis', async () => {
    const dir = await tempDir();
    // Not a git repository: the deploy fails at its first look at the repository, after the app started.
    await mkdir(path.join(dir, 'packs'), { recursive: true });
    const file = await writeConfig(`state_dir: ./var\nrepositories:\n  local:\n    repo: ${JSON.stringify(path.join(dir, 'packs'))}\n`, dir);
    const r = await loadedPackages([BIN, 'deploy', 'local', '-c', file], dir);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('local');
    // The app did load (its store, its jobs): what follows is not a command that stopped early.
    expect(r.packages.has('execa') || r.packages.has('simple-git')).toBe(true);
    expect(heavyIn(r.packages)).toEqual([]);
  });
});
