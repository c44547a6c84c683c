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

describe('pack ownership, configuration and uninstall', () => {
  it('refuses a pack already installed from another repository unless forced', async () => {
    const one = await createRepo({ files: pack('shared') });
    const two = await createRepo({ files: pack('shared', { version: '9.0.0' }) });
    const env = await createDeployEnv({ one: { url: one.url }, two: { url: two.url } });
    expect((await env.deploy({ repo: 'one' })).packs[0]?.status).toBe('deployed');
    const refused = await env.deploy({ repo: 'two' });
    expect(refused.packs[0]).toMatchObject({ status: 'failed' });
    expect(refused.packs[0]?.error).toBe('A pack "shared" is already installed from repository one; add force=true to replace it with this one.');
    const forced = await env.deploy({ repo: 'two', force: true });
    expect(forced.packs[0]).toMatchObject({ status: 'deployed', version: '9.0.0' });
  });

  it('warns about missing required configuration and masks secret config values', async () => {
    const schema = 'api_key: {type: string, required: true, secret: true}\nendpoint: {type: string, required: true}\nretries: {type: integer, default: 3}\n';
    const repo = await createRepo({ files: pack('svc', { extra: { 'packs/svc/config.schema.yaml': schema, 'packs/svc/svc.yaml.example': 'endpoint: x\n' } }) });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const first = await env.deploy({ repo: 'demo' });
    expect(first.packs[0]?.warnings.join('\n')).toMatch(/svc needs configuration: .*api_key.*endpoint.*svc\.yaml\.example/);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(env.config.configs_dir, { recursive: true });
    await writeFile(path.join(env.config.configs_dir, 'svc.yaml'), 'api_key: sk-live-0123456789abcdef\nendpoint: https://svc.example.com\n');
    const second = await env.deploy({ repo: 'demo', force: true });
    expect(second.packs[0]?.warnings).toEqual([]);
    expect(env.masker.mask('key is sk-live-0123456789abcdef')).toBe('key is ***');
  });

  it('runs the unregister command, then removes the pack and records it', async () => {
    const repo = await createRepo({ files: pack('alpha') });
    const out = path.join(repo.dir, '..', 'unregistered.txt');
    const script = `require('fs').writeFileSync(${JSON.stringify(out)}, process.argv[1])`;
    const env = await createDeployEnv({ demo: { url: repo.url } }, `register: {unregister_command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(script)}, "{packs}"]}\n`);
    await env.deploy({ repo: 'demo' });
    const results = await env.app.deployer.uninstall(['alpha'], 'console:alice');
    expect(results).toEqual([{ pack: 'alpha', removed: expect.stringMatching(/^1\.0\.0-/), error: null }]);
    expect(await readFile(out, 'utf8')).toBe('alpha');
    expect(existsSync(path.join(env.config.packs_dir, 'alpha'))).toBe(false);
    expect((await env.app.services.history.list({ pack: 'alpha' }))[0]).toMatchObject({ kind: 'uninstall' });
  });
});
