import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { buildEnvironment, createPackStore, type EnvOptions } from '../../src/domain/packstore/index.js';
import { cleanup, meta, tempDir, writeTree } from './helpers.js';

const SLOW = { timeout: 120_000 };

let tmp: string;
let envsDir: string;
let packsDir: string;
let dirs = 0;

beforeAll(async () => {
  tmp = await tempDir('envs');
  packsDir = join(tmp, 'packs');
  // StackStorm's layout: virtualenvs/ beside packs/.
  envsDir = join(tmp, 'virtualenvs');
});
afterAll(async () => cleanup(tmp));

/** A fresh "release" dir holding the given files. */
async function release(files: Record<string, string | [string, number]>): Promise<string> {
  return writeTree(join(tmp, 'releases', String(++dirs)), { 'pack.yaml': 'name: demo\n', ...files });
}

function options(packDir: string, over: Partial<EnvOptions> = {}): EnvOptions {
  return { pack: 'demo', packDir, envsDir, packsDir, python: 'venv', node: 'off', timeoutMs: 120_000, masker: createMasker(), ...over };
}

async function failure(promise: Promise<unknown>): Promise<PackbotError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(PackbotError);
  expect((err as PackbotError).code).toBe('env_failed');
  return err as PackbotError;
}

async function envDirs(pack = 'demo'): Promise<string[]> {
  return (await readdir(envsDir).catch(() => [] as string[])).filter((n) => new RegExp(`^${pack}-[0-9a-f]{12}$`).test(n)).sort();
}

const NO_REQUIREMENTS = '# nothing to install\n\n   \n# still nothing\n';

describe('python virtualenv', () => {
  let first: { dir: string; reused: boolean };

  it('creates a venv at its hashed path, marks it complete and points <pack> at it', SLOW, async () => {
    const packDir = await release({ 'requirements.txt': NO_REQUIREMENTS });
    const result = await buildEnvironment(options(packDir));
    expect(result.node).toBeUndefined();
    expect(result.python?.reused).toBe(false);
    first = result.python!;
    expect(first.dir).toMatch(/\/virtualenvs\/demo-[0-9a-f]{12}$/);
    expect((await lstat(join(first.dir, '.complete'))).isFile()).toBe(true);
    await expect(lstat(join(first.dir, '.building'))).rejects.toThrow();
    expect((await lstat(join(first.dir, 'bin', 'python'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(envsDir, 'demo'))).toBe(first.dir.split('/').pop());
    expect(JSON.parse(await readFile(join(packDir, '.packbot-env.json'), 'utf8'))).toEqual({ python: first.dir.split('/').pop() });
  });

  it('reuses a complete env for identical requirements without rebuilding it', SLOW, async () => {
    await writeFile(join(first.dir, 'sentinel'), 'still here');
    const lines: string[] = [];
    const result = await buildEnvironment(options(await release({ 'requirements.txt': NO_REQUIREMENTS }), { onOutput: (l) => lines.push(l) }));
    expect(result.python).toEqual({ dir: first.dir, reused: true });
    expect(await readFile(join(first.dir, 'sentinel'), 'utf8')).toBe('still here');
    expect(lines).toEqual([]);
  });

  it('rebuilds an env whose build never completed', SLOW, async () => {
    await rm(join(first.dir, '.complete'));
    const result = await buildEnvironment(options(await release({ 'requirements.txt': NO_REQUIREMENTS })));
    expect(result.python).toEqual({ dir: first.dir, reused: false });
    await expect(lstat(join(first.dir, 'sentinel'))).rejects.toThrow();
    expect((await lstat(join(first.dir, '.complete'))).isFile()).toBe(true);
  });

  it('builds a new env when requirements change, keeping only the current and previous ones', SLOW, async () => {
    const second = await buildEnvironment(options(await release({ 'requirements.txt': `${NO_REQUIREMENTS}# v2\n` })));
    expect(second.python?.reused).toBe(false);
    expect(second.python?.dir).not.toBe(first.dir);
    expect(await envDirs()).toEqual([first.dir, second.python!.dir].map((d) => d.split('/').pop()).sort());

    const third = await buildEnvironment(options(await release({ 'requirements.txt': `${NO_REQUIREMENTS}# v3\n` })));
    const names = [second.python!.dir, third.python!.dir].map((d) => d.split('/').pop()!);
    expect(await envDirs()).toEqual([...names].sort());
    expect(await readlink(join(envsDir, 'demo'))).toBe(names[1]);
  });

  it('fails with pip\'s last lines, masked, and leaves the current env in place', SLOW, async () => {
    const before = await readlink(join(envsDir, 'demo'));
    const existing = await envDirs();
    const masker = createMasker(['s3cr3tvalue']);
    const lines: string[] = [];
    const packDir = await release({ 'requirements.txt': 'packbot-no-such-package-s3cr3tvalue==0.0.1\n' });
    const err = await failure(buildEnvironment(options(packDir, { masker, onOutput: (l) => lines.push(l) })));
    expect(err.message).toMatch(/^demo: pip install failed \(exit 1\): /);
    expect(err.message).toContain('No matching distribution found for packbot-no-such-package-***==0.0.1');
    expect(err.message.split(': ').slice(2).join(': ').split('\n').length).toBeLessThanOrEqual(5);
    expect(err.message).not.toContain('s3cr3tvalue');
    expect(lines.some((l) => l.includes('packbot-no-such-package-***'))).toBe(true);
    expect(lines.join('\n')).not.toContain('s3cr3tvalue');
    expect(await readlink(join(envsDir, 'demo'))).toBe(before);
    expect(await envDirs()).toEqual(existing);
  });

  it('builds an env without pip for a pack without requirements.txt (StackStorm\'s runner needs one), and none with python off', SLOW, async () => {
    const bare = await buildEnvironment(options(await release({}), { pack: 'bare' }));
    expect(bare.python?.reused).toBe(false);
    expect(await envDirs('bare')).toEqual([bare.python!.dir.split('/').pop()]);
    expect((await lstat(join(envsDir, 'bare', 'bin', 'python'))).isSymbolicLink()).toBe(true);
    await expect(lstat(join(envsDir, 'bare', 'bin', 'pip'))).rejects.toThrow();
    expect(await buildEnvironment(options(await release({ 'requirements.txt': '' }), { pack: 'off', python: 'off' }))).toEqual({});
    expect(await envDirs('off')).toEqual([]);
  });

  it('sees the system\'s site-packages, as StackStorm\'s default virtualenv_opts do', SLOW, async () => {
    const cfg = await readFile(join(envsDir, 'demo', 'pyvenv.cfg'), 'utf8');
    expect(cfg).toMatch(/^include-system-site-packages = true$/m);
  });

  it('links the interpreter\'s own site-packages when it runs in a virtualenv (StackStorm\'s python is /opt/stackstorm/st2/bin/python)', SLOW, async () => {
    // A stand-in for st2's venv: an interpreter whose sys.prefix is not its base prefix.
    const st2 = join(tmp, 'st2');
    execFileSync('python3', ['-m', 'venv', '--without-pip', st2]);
    const site = execFileSync(join(st2, 'bin', 'python'), ['-c', 'import sysconfig; print(sysconfig.get_path("platlib"))']).toString().trim();
    await writeFile(join(site, 'st2marker.pth'), 'import sys; sys.packbot_st2_pth_loaded = True\n');
    const built = await buildEnvironment(options(await release({}), { pack: 'uses', pythonBin: join(st2, 'bin', 'python') }));
    const out = execFileSync(join(built.python!.dir, 'bin', 'python'), ['-c', 'import sys; print(getattr(sys, "packbot_st2_pth_loaded", False))']);
    expect(out.toString().trim()).toBe('True');
  });
});

describe('tool processes', () => {
  it('run with an allow-listed environment: packbot\'s secrets never reach them', async () => {
    const fake = join(tmp, 'fake-python');
    // Answers the version check (isolated: -I -c), then dumps its environment where venv creation would be.
    await writeFile(fake, '#!/bin/sh\nif [ "$2" = "-c" ]; then echo \'{"version": "3.99.0", "executable": "/fake", "base_prefix": "/usr", "prefix": "/usr"}\'; exit 0; fi\nenv\nexit 3\n', { mode: 0o755 });
    process.env.PACKBOT_TEST_SLACK_TOKEN = 'xoxb-should-not-leak';
    try {
      const lines: string[] = [];
      const err = await failure(buildEnvironment(options(await release({ 'requirements.txt': '' }), { pack: 'fake', pythonBin: fake, onOutput: (l) => lines.push(l) })));
      expect(err.message).toMatch(/^fake: python -m venv failed \(exit 3\): /);
      expect(lines.some((l) => l.startsWith('PATH='))).toBe(true);
      expect(lines.join('\n')).not.toContain('PACKBOT_TEST_SLACK_TOKEN');
    } finally {
      delete process.env.PACKBOT_TEST_SLACK_TOKEN;
    }
  });

  it('are killed at the timeout and reported as timed out', async () => {
    const fake = join(tmp, 'slow-python');
    await writeFile(fake, '#!/bin/sh\necho starting\nexec sleep 30\n', { mode: 0o755 });
    const err = await failure(buildEnvironment(options(await release({ 'requirements.txt': '' }), { pack: 'slow', pythonBin: fake, timeoutMs: 300 })));
    expect(err.message).toMatch(/^slow: .* failed \(timed out after 0.3s\): starting$/);
  });
});

describe('node_modules', () => {
  const packageJson = JSON.stringify({ name: 'demo-pack', version: '1.0.0', private: true });
  const lock = JSON.stringify({ name: 'demo-pack', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'demo-pack', version: '1.0.0' } } });
  let firstDir: string;

  it('runs npm ci when package.json comes with a lock file', SLOW, async () => {
    firstDir = await release({ 'package.json': packageJson, 'package-lock.json': lock });
    const result = await buildEnvironment(options(firstDir, { python: 'off', node: 'npm' }));
    expect(result).toEqual({ node: { reused: false } });
    expect((await readFile(join(firstDir, 'node_modules', '.packbot-lock-sha256'), 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('copies the previous release\'s node_modules when the lock file is identical', SLOW, async () => {
    await mkdir(join(firstDir, 'node_modules', 'left-pad'));
    await writeFile(join(firstDir, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1;\n');
    const next = await release({ 'package.json': packageJson, 'package-lock.json': lock });
    const result = await buildEnvironment(options(next, { python: 'off', node: 'npm', previousDir: firstDir }));
    expect(result).toEqual({ node: { reused: true } });
    expect(await readFile(join(next, 'node_modules', 'left-pad', 'index.js'), 'utf8')).toBe('module.exports = 1;\n');

    const changed = await release({ 'package.json': packageJson, 'package-lock.json': `${lock}\n` });
    expect(await buildEnvironment(options(changed, { python: 'off', node: 'npm', previousDir: firstDir }))).toEqual({ node: { reused: false } });
    await expect(lstat(join(changed, 'node_modules', 'left-pad'))).rejects.toThrow();
  });

  it('explains that npm ci needs a package-lock.json', async () => {
    const err = await failure(buildEnvironment(options(await release({ 'package.json': packageJson }), { python: 'off', node: 'npm' })));
    expect(err.message).toMatch(/^demo: package\.json has no package-lock\.json/);
    expect(err.message).toContain('commit package-lock.json');
  });

  it('builds inside the release through install\'s prepare hook, reusing the active release\'s modules', SLOW, async () => {
    const store = createPackStore({ packsDir, virtualenvsDir: envsDir });
    const prepare = (dir: string) => buildEnvironment(options(dir, { pack: 'nodepack', python: 'off', node: 'npm' })).then((r) => void results.push(r));
    const results: unknown[] = [];
    const files = { 'package.json': packageJson, 'package-lock.json': lock };
    const first = await store.writeRelease('nodepack', await release(files), meta('nodepack'), { prepare });
    const second = await store.writeRelease('nodepack', await release(files), meta('nodepack'), { prepare });
    expect(results).toEqual([{ node: { reused: false } }, { node: { reused: true } }]);
    for (const r of [first.release, second.release]) {
      expect((await lstat(join(r.dir, 'node_modules', '.packbot-lock-sha256'))).isFile()).toBe(true);
    }
  });
});
