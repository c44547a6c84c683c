import { existsSync } from 'node:fs';
import { readFile, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepo } from '../helpers/git-repo.js';
import { createDeployEnv, pack } from '../helpers/deploy.js';

async function subtreeRepo() {
  return createRepo({ files: { 'README.md': '# packs\n', ...pack('alpha'), ...pack('beta') } });
}

describe('deploy pipeline on real git repos', () => {
  it('deploys packs from a subtree repo and activates them by symlink', async () => {
    const repo = await subtreeRepo();
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const result = await env.deploy({ repo: 'demo', packs: 'alpha,beta' });
    expect(result.error).toBeNull();
    expect(result.packs.map((p) => [p.pack, p.status])).toEqual([['alpha', 'deployed'], ['beta', 'deployed']]);
    expect(result.commit).toBe(await repo.revParse('HEAD'));
    const link = await readlink(path.join(env.config.packs_dir, 'alpha'));
    expect(link).toMatch(/^\.releases\/alpha\/1\.0\.0-[0-9a-f]{7}-/);
    expect(await readFile(path.join(env.config.packs_dir, 'alpha', 'actions', 'hello.py'), 'utf8')).toBe('print("hello from alpha")\n');
    const meta = JSON.parse(await readFile(path.join(env.config.packs_dir, 'alpha', '.packbot.json'), 'utf8'));
    expect(meta).toMatchObject({ pack: 'alpha', repo: 'demo', branch: 'main', commit: result.commit, deployed_by: 'console:alice', deploy_id: result.deploy_id });
    expect(result.packs[0]?.components?.actions).toEqual(['hello']);
  });

  it('deploys every pack when packs is empty or "all"', async () => {
    const repo = await subtreeRepo();
    const env = await createDeployEnv({ demo: { url: repo.url } });
    expect((await env.deploy({ repo: 'demo', packs: 'all' })).packs.map((p) => p.pack)).toEqual(['alpha', 'beta']);
  });

  it('deploys a single-pack repo (subtree: false)', async () => {
    const repo = await createRepo({ files: pack('solo', { prefix: '' }) });
    const env = await createDeployEnv({ solo: { url: repo.url, subtree: false } });
    const result = await env.deploy({ repo: 'solo' });
    expect(result.packs.map((p) => [p.pack, p.status])).toEqual([['solo', 'deployed']]);
    expect(existsSync(path.join(env.config.packs_dir, 'solo', 'pack.yaml'))).toBe(true);
  });

  it('deploys from a branch, a tag and a commit', async () => {
    const repo = await subtreeRepo();
    const first = await repo.revParse('HEAD');
    await repo.tag('v1.0.0');
    await repo.branch('feature-x');
    await repo.checkout('feature-x');
    await repo.commit('alpha 1.1', pack('alpha', { version: '1.1.0', actions: ['hello', 'extra'] }));
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const fromBranch = await env.deploy({ repo: 'demo', packs: 'alpha', ref: 'feature-x' });
    expect(fromBranch.packs[0]).toMatchObject({ status: 'deployed', version: '1.1.0' });
    expect(fromBranch.branch).toBe('feature-x');
    const fromTag = await env.deploy({ repo: 'demo', packs: 'alpha', ref: 'v1.0.0' });
    expect(fromTag.packs[0]).toMatchObject({ status: 'deployed', version: '1.0.0' });
    await env.deploy({ repo: 'demo', packs: 'alpha', ref: 'feature-x' });
    const fromCommit = await env.deploy({ repo: 'demo', packs: 'alpha', ref: first.slice(0, 10) });
    expect(fromCommit.commit).toBe(first);
    expect(fromCommit.packs[0]).toMatchObject({ status: 'deployed', version: '1.0.0' });
  });

  it.each([
    [{ repo: 'nope' }, /Unknown repository "nope" \(configured: demo\)/],
    [{ repo: 'demo', packs: 'alpha,gamma' }, /No pack "gamma" in demo at main \([0-9a-f]{7}\); packs there: alpha, beta/],
    [{ repo: 'demo', ref: 'no-such-branch' }, /no-such-branch/],
  ])('refuses %j with a clear error and installs nothing', async (req, message) => {
    const repo = await subtreeRepo();
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const result = await env.deploy(req);
    expect(result.error).toMatch(message);
    expect(result.packs).toEqual([]);
    expect(existsSync(path.join(env.config.packs_dir, 'alpha'))).toBe(false);
  });

  it('is a quick no-op when the pack tree is already active, unless forced', async () => {
    const repo = await subtreeRepo();
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const first = await env.deploy({ repo: 'demo', packs: 'alpha' });
    await repo.commit('touch beta only', { 'packs/beta/README.md': 'beta docs\n' });
    const again = await env.deploy({ repo: 'demo', packs: 'alpha' });
    expect(again.packs[0]).toMatchObject({ status: 'unchanged', release: first.packs[0]?.release });
    expect(again.stages.install).toBeUndefined();
    const forced = await env.deploy({ repo: 'demo', packs: 'alpha', force: true });
    expect(forced.packs[0]?.status).toBe('deployed');
    expect(forced.packs[0]?.release).not.toBe(first.packs[0]?.release);
  });

  it('fails one bad pack and still deploys the others', async () => {
    const repo = await createRepo({ files: { ...pack('good'), 'packs/bad/pack.yaml': 'name: bad\nversion: one\n' } });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const result = await env.deploy({ repo: 'demo' });
    const byName = Object.fromEntries(result.packs.map((p) => [p.source, p]));
    expect(byName['good']?.status).toBe('deployed');
    expect(byName['bad']?.status).toBe('failed');
    expect(byName['bad']?.error).toMatch(/pack\.yaml/);
    expect(result.success_count).toBe(1);
    expect(result.failure_count).toBe(1);
  });

  it('keeps config.yaml across upgrades, keeps N releases, and rolls back', async () => {
    const repo = await createRepo({ files: pack('alpha') });
    const env = await createDeployEnv({ demo: { url: repo.url } }, 'releases_kept: 3\n');
    await env.deploy({ repo: 'demo' });
    await writeFile(path.join(env.config.packs_dir, 'alpha', 'config.yaml'), 'api_url: https://example.invalid\n');
    const releases: string[] = [];
    for (const v of ['1.1.0', '1.2.0', '1.3.0', '1.4.0']) {
      await repo.commit(`alpha ${v}`, pack('alpha', { version: v }));
      const r = await env.deploy({ repo: 'demo' });
      releases.push(r.packs[0]?.release ?? '');
    }
    expect(await readFile(path.join(env.config.packs_dir, 'alpha', 'config.yaml'), 'utf8')).toContain('api_url');
    const kept = await env.app.services.store.releases('alpha');
    expect(kept.map((r) => r.release)).toEqual([...releases].reverse().slice(0, 3));
    const back = await env.app.deployer.rollback('alpha', undefined, 'console:bob');
    expect(back).toMatchObject({ from: releases[3], to: releases[2], version: '1.3.0' });
    expect((await env.app.services.store.active('alpha'))?.release).toBe(releases[2]);
    const history = await env.app.services.history.list({ pack: 'alpha' });
    expect(history[0]).toMatchObject({ kind: 'rollback', requested_by: 'console:bob' });
  });

  it('records every deploy in history, failures included', async () => {
    const repo = await subtreeRepo();
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const ok = await env.deploy({ repo: 'demo', packs: 'alpha' });
    const bad = await env.deploy({ repo: 'demo', packs: 'nope' });
    const records = await env.app.services.history.list();
    expect(records.map((r) => [r.id, r.result])).toEqual([[bad.deploy_id, 'failure'], [ok.deploy_id, 'success']]);
    expect(records[1]?.packs[0]).toMatchObject({ pack: 'alpha', status: 'deployed', from: null, to: ok.packs[0]?.release });
    expect(Object.keys(records[1]?.stages ?? {})).toEqual(expect.arrayContaining(['resolve', 'fetch', 'discover', 'validate', 'install']));
  });
});
