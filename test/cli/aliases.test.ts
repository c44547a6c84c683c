import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run, runCli } from '../helpers/cli.js';

describe('packbot aliases (spawned CLI)', () => {
  it('parse prints the params as JSON', async () => {
    const r = await runCli(['aliases', 'parse', '--format', 'pack deploy {{repo}} {{packs}} {{branch=master}}', '--', 'pack deploy st2contrib "docker, sensu"']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ repo: 'st2contrib', packs: 'docker, sensu', branch: 'master' });
  });

  it("parse exits 1 with StackStorm's wording when the text doesn't match", async () => {
    const r = await runCli(['aliases', 'parse', '--format', 'pack deploy {{repo}}', '--', 'deploy it']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('packbot: Command "deploy it" doesn\'t match format string "pack deploy {{repo}}"');
  });

  it('test names the alias and params, stripping the prefix', async () => {
    const r = await runCli(['aliases', 'test', '--json', '!pack deploy st2contrib docker,sensu feature-x']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ kind: 'match', alias: 'pack_deploy', command: 'deploy', params: { repo: 'st2contrib', packs: 'docker,sensu', branch: 'feature-x' } });
  });

  it('test in text form, and exit 1 with the closest alias when nothing matches', async () => {
    const ok = await runCli(['aliases', 'test', 'pack unlock docker']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/alias:\s+pack_unlock/);
    expect(ok.stdout).toContain('"pack":"docker"');
    const none = await runCli(['aliases', 'test', '!pack unlcok docker']);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('no alias matches "pack unlcok docker"; closest: pack unlock');
  });

  it('test reports an ambiguity in custom alias files', async () => {
    const { tempDir } = await import('../helpers/config.js');
    const { writeFile } = await import('node:fs/promises');
    const dir = await tempDir();
    await writeFile(`${dir}/a.yaml`, 'name: restart_a\ncommand: help\ndescription: a\nformats: ["restart {{service}}"]\n');
    await writeFile(`${dir}/b.yaml`, 'name: restart_b\ncommand: help\ndescription: b\nformats: ["restart {{thing}}"]\n');
    const r = await runCli(['aliases', 'test', '--aliases', dir, '--json', 'restart nginx']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.kind).toBe('ambiguous');
    expect(out.candidates.map((c: { alias: string }) => c.alias).sort()).toEqual(['restart_a', 'restart_b']);
  });

  it('list shows every bundled alias with no collisions', async () => {
    const r = await runCli(['aliases', 'list', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.collisions).toEqual([]);
    expect(out.aliases.map((a: { command: string }) => a.command).sort()).toEqual(
      ['cancel', 'confirm', 'deploy', 'deps', 'diff', 'help', 'history', 'info', 'install', 'list', 'lock_extend', 'locks', 'queue', 'rollback', 'status', 'uninstall', 'unlock'],
    );
  });
});

describe('the packbot bin', () => {
  it('runs through npm exec, as package.json declares it', async () => {
    // A private npm cache, offline: npm links this package into it, so nothing shared or remote is touched.
    const cache = await mkdtemp(path.join(os.tmpdir(), 'packbot-npm-cache-'));
    try {
      const r = await run('npm', ['exec', '--loglevel=error', '--', 'packbot', 'aliases', 'test', '--json', '!help deploy'], {
        timeoutMs: 30_000,
        env: { npm_config_cache: cache, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'match', alias: 'help', params: { command: 'deploy' } });
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});
