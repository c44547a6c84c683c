import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { PackChange } from '../../src/services/deploy/changes.js';
import type { DeployPreview, PackPreview } from '../../src/services/deploy/preview-types.js';
import { stagingRoot } from '../../src/services/deploy/staging.js';
import type { DeployPlan } from '../../src/services/deploy/types.js';
import { createApp, type App } from '../../src/app/app.js';
import { startArchiveServer, type ArchiveServer } from '../helpers/archive-server.js';
import { createDeployEnv, deployConfigYaml, pack, type DeployEnv, type RepoSpec } from '../helpers/deploy.js';
import { createRepo, listFiles } from '../helpers/git-repo.js';
import { testRuntime } from '../helpers/runtime.js';

/** What the announcement reports of a pack, read off its plan: the two must agree. */
function announced(p: PackPreview): Omit<PackChange, 'pack'> & { pack: string } {
  return {
    pack: p.pack, fromVersion: p.from?.version ?? null, toVersion: p.to.version, fromCommit: p.from?.commit ?? null, toCommit: p.to.commit,
    commits: p.commits, moreCommits: p.moreCommits, added: p.added, removed: p.removed, changed: p.changed,
  };
}

/** Everything a preview must leave as it was: the releases, the history, no staging. */
async function footprint(env: DeployEnv, plan: DeployPlan) {
  return {
    packs: await listFiles(env.config.packs_dir).catch(() => []),
    envs: await listFiles(env.config.envs.virtualenvs_dir).catch(() => []),
    history: (await env.app.services.history.list()).map((r) => r.id),
    staging: existsSync(stagingRoot(env.config.state_dir, plan.id)),
  };
}

const none = { actions: [], rules: [], sensors: [], aliases: [] };

/** Another app on the state (and pack store) of `root`, with more settings. */
async function appOn(root: string, repos: Record<string, RepoSpec>, extra: string): Promise<App> {
  const rt = await testRuntime(deployConfigYaml(root, repos, extra), root);
  const app = await createApp(rt.config, { ...rt, adapters: [] });
  await app.start();
  return app;
}

/** A registry index (the Exchange's format) offering `extra` 3.1.0, whose archive is never fetched. */
function exchangeIndex(): Promise<ArchiveServer> {
  const index = {
    metadata: { generated_ts: 1716400000, hash: 'x' },
    packs: { extra: { name: 'extra', ref: 'extra', version: '3.1.0', versions: ['3.0.0', '3.1.0'], repo_url: 'https://example.invalid/stackstorm-extra', author: 'x', email: 'x@example.com', description: 'extra' } },
  };
  return startArchiveServer({ '/index.json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(index)) });
}

describe('a deploy plan from the mirror and the pack store (no staging, no install)', () => {
  const envs: Array<Pick<DeployEnv, 'app'>> = [];
  const servers: ArchiveServer[] = [];
  afterEach(async () => {
    for (const env of envs.splice(0)) await env.app.stop();
    for (const server of servers.splice(0)) await server.close();
  });

  it('says per pack what the deploy then does: versions, components, commits; the announcement after it reports the same', async () => {
    const repo = await createRepo({
      files: {
        ...pack('monitoring', { version: '0.1.0', actions: ['check_disk', 'check_load', 'old_probe'] }),
        'packs/monitoring/rules/disk_full.yaml': '---\nname: disk_full\npack: monitoring\ntrigger: {type: core.st2.IntervalTimer}\naction: {ref: monitoring.check_disk}\n',
        ...pack('other', { version: '1.0.0' }),
        'packs/docs/README.md': 'not a pack\n',
      },
    });
    const first = await repo.revParse('HEAD');
    const env = await createDeployEnv({ ops: { url: repo.url } });
    envs.push(env);
    expect((await env.deploy({ repo: 'ops', packs: 'monitoring,other' })).success_count).toBe(2);

    await repo.commit('Add check_mem', pack('monitoring', { version: '0.2.0', actions: ['check_disk', 'check_load', 'old_probe', 'check_mem'] }));
    await repo.commit('Make check_load quieter', { 'packs/monitoring/actions/check_load.py': 'print("quiet")\n' });
    await repo.commit('Drop old_probe, add a sensor and an alias', {
      'packs/monitoring/actions/old_probe.yaml': null,
      'packs/monitoring/actions/old_probe.py': null,
      'packs/monitoring/sensors/watch.yaml': '---\nclass_name: Watch\nentry_point: watch.py\n',
      'packs/monitoring/sensors/watch.py': 'class Watch: pass\n',
      'packs/monitoring/aliases/disk.yaml': '---\nname: disk\naction_ref: monitoring.check_disk\nformats: ["disk"]\n',
      'packs/monitoring/rules/disk_full.yaml': '---\nname: disk_full\npack: monitoring\ntrigger: {type: core.st2.IntervalTimer}\naction: {ref: monitoring.check_load}\n',
    });
    await repo.commit('Touch only the other pack', { 'packs/other/README.md': 'hello\n' });
    await repo.commit('A new pack', pack('fresh', { version: '0.0.1' }));
    const head = await repo.revParse('HEAD');
    const author = (await repo.git(['log', '-1', '--format=%an'])).trim();

    const plan = env.app.deployer.plan({ repo: 'ops', packs: '', requestedBy: 'console:alice' });
    const before = await footprint(env, plan);
    const preview: DeployPreview = await env.app.deployer.preview(plan);
    // Nothing written: no release, no env, no history record, no staging directory.
    expect(await footprint(env, plan)).toEqual(before);

    expect(preview).toMatchObject({ repo: 'ops', ref: 'main', commit: head, notPacks: ['packs/docs'], problems: [], nothingToDo: false });
    expect(preview.packs.map((p) => p.pack)).toEqual(['fresh', 'monitoring', 'other']);
    const [fresh, monitoring, other] = preview.packs as [PackPreview, PackPreview, PackPreview];
    expect(monitoring).toMatchObject({
      pack: 'monitoring', source: 'packs/monitoring', unchanged: false,
      from: { version: '0.1.0', commit: first, branch: 'main', repo: 'ops' },
      to: { version: '0.2.0', commit: head, branch: 'main' },
      added: { actions: ['check_mem'], rules: [], sensors: ['watch'], aliases: ['disk'] },
      removed: { actions: ['old_probe'], rules: [], sensors: [], aliases: [] },
      changed: { actions: ['check_load'], rules: ['disk_full'], sensors: [], aliases: [] },
      envRebuild: { python: false, node: false }, dependencies: [], moreCommits: 0, errors: [],
    });
    // Only the commits that touched this pack, newest first, with their authors.
    expect(monitoring.commits.map((c) => c.subject)).toEqual(['Drop old_probe, add a sensor and an alias', 'Make check_load quieter', 'Add check_mem']);
    expect(monitoring.commits.every((c) => c.author === author && /^[0-9a-f]{40}$/.test(c.sha))).toBe(true);
    // A changed tree with no component changed is still a change (and says which commit did it).
    expect(other).toMatchObject({ unchanged: false, added: none, removed: none, changed: none, from: { version: '1.0.0' }, to: { version: '1.0.0' } });
    expect(other.commits.map((c) => c.subject)).toEqual(['Touch only the other pack']);
    // Not installed yet: no release to come from, everything is added, its whole history listed.
    expect(fresh).toMatchObject({ from: null, to: { version: '0.0.1' }, unchanged: false, added: { actions: ['hello'] } });
    expect(fresh.commits.map((c) => c.subject)).toEqual(['A new pack']);

    const result = await env.app.deployer.deploy(plan);
    expect(result.packs.map((p) => [p.pack, p.status])).toEqual([['fresh', 'deployed'], ['monitoring', 'deployed'], ['other', 'deployed']]);
    const changes = await env.app.deployer.changes(result);
    expect(changes).toEqual(preview.packs.map(announced));

    // Deployed: the plan for the same ref is now "nothing to do".
    const again = await env.app.deployer.preview(env.app.deployer.plan({ repo: 'ops', packs: 'monitoring,fresh', requestedBy: 'console:alice' }));
    expect(again.nothingToDo).toBe(true);
    expect(again.notPacks).toEqual([]);
    expect(again.packs.map((p) => [p.pack, p.unchanged, p.commits.length, p.from?.commit])).toEqual([['monitoring', true, 0, head], ['fresh', true, 0, head]]);
    expect(again.packs[0]).toMatchObject({ added: none, removed: none, changed: none, to: { version: '0.2.0', commit: head } });
    // force redeploys an unchanged pack: the plan says so, with nothing changed in it.
    const forced = await env.app.deployer.preview(env.app.deployer.plan({ repo: 'ops', packs: 'monitoring', force: true, requestedBy: 'console:alice' }));
    expect(forced.packs[0]).toMatchObject({ unchanged: false, added: none, removed: none, changed: none, commits: [] });
    expect(forced.nothingToDo).toBe(false);
  });

  it('lists the first ten commits and counts the rest, as the announcement does', async () => {
    const repo = await createRepo({ files: pack('busy', { version: '1.0.0' }) });
    const env = await createDeployEnv({ ops: { url: repo.url } });
    envs.push(env);
    await env.deploy({ repo: 'ops', packs: 'busy' });
    for (let i = 1; i <= 13; i++) await repo.commit(`Tweak ${i}`, { 'packs/busy/actions/hello.py': `print(${i})\n` });
    const plan = env.app.deployer.plan({ repo: 'ops', packs: 'busy', requestedBy: 'console:alice' });
    const preview = await env.app.deployer.preview(plan);
    const [busy] = preview.packs as [PackPreview];
    expect(busy.commits).toHaveLength(10);
    expect(busy.commits[0]!.subject).toBe('Tweak 13');
    expect(busy.moreCommits).toBe(3);
    expect(busy.changed.actions).toEqual(['hello']);
    expect(await env.app.deployer.changes(await env.app.deployer.deploy(plan))).toEqual([announced(busy)]);
  });

  it('tells environment rebuilds, the dependencies a deploy brings and what would stop it, and which packs are unchanged', async () => {
    const repo = await createRepo({ files: { ...pack('web', { version: '1.0.0' }), ...pack('lib', { version: '1.0.0' }), ...pack('sol', { version: '2.0.0' }) } });
    const alt = await createRepo({ files: pack('lib', { version: '9.0.0' }) });
    const repos = { ops: { url: repo.url }, alt: { url: alt.url } };
    const env = await createDeployEnv(repos);
    envs.push(env);
    expect((await env.deploy({ repo: 'ops' })).success_count).toBe(3);
    await repo.commit('web needs a newer lib, extra, and python and node packages', {
      ...pack('web', { version: '1.1.0', dependencies: ['lib>=1.1', 'extra>=3'] }),
      'packs/web/requirements.txt': 'requests==2.31.0\n',
      'packs/web/package.json': '{"name": "web", "version": "1.1.0"}\n',
      'packs/web/package-lock.json': '{"lockfileVersion": 3}\n',
      ...pack('lib', { version: '1.1.0' }),
    });
    const all = () => ({ repo: 'ops', packs: '', requestedBy: 'console:alice' as const });

    // No registry, no environments built: extra comes from nowhere, so the deploy would stop.
    const plain = await env.app.deployer.preview(env.app.deployer.plan(all()));
    const web = plain.packs.find((p) => p.pack === 'web')!;
    expect(web).toMatchObject({ from: { version: '1.0.0' }, to: { version: '1.1.0' }, envRebuild: { python: false, node: false } });
    expect(web.dependencies).toEqual([{ pack: 'lib', from: '1.0.0', to: '1.1.0', source: 'repository' }]);
    expect(plain.problems).toHaveLength(1);
    expect(plain.problems[0]).toContain('web needs extra (>=3), which is neither installed nor part of this deploy');
    // A pack of that ref from another repository is refused without force, and the plan says so.
    const other = await env.app.deployer.preview(env.app.deployer.plan({ repo: 'alt', packs: 'lib', requestedBy: 'console:alice' }));
    expect(other.packs[0]!.errors).toEqual(['A pack "lib" is already installed from repository ops; add force=true to replace it with this one.']);
    const forced = await env.app.deployer.preview(env.app.deployer.plan({ repo: 'alt', packs: 'lib', force: true, requestedBy: 'console:alice' }));
    expect(forced.packs[0]).toMatchObject({ errors: [], from: { version: '1.0.0', repo: 'ops' }, to: { version: '9.0.0' } });
    envs.splice(envs.indexOf(env), 1);
    await env.app.stop();

    // The same store, with environments built and a registry to bring extra from.
    const index = await exchangeIndex();
    servers.push(index);
    const app = await appOn(env.root, repos, `envs: {python: venv, node: npm}\nregistry:\n  indexes: [{name: exchange, url: "${index.origin}/index.json"}]\n`);
    envs.push({ app });
    const plan = app.deployer.plan(all());
    const preview = await app.deployer.preview(plan);
    expect(preview.problems).toEqual([]);
    expect(preview.nothingToDo).toBe(false);
    expect(preview.packs.map((p) => [p.pack, p.unchanged])).toEqual([['lib', false], ['sol', true], ['web', false]]);
    const [lib, sol, web2] = preview.packs as [PackPreview, PackPreview, PackPreview];
    expect(web2.envRebuild).toEqual({ python: true, node: true });
    expect(web2.dependencies).toEqual([
      { pack: 'lib', from: '1.0.0', to: '1.1.0', source: 'repository' },
      { pack: 'extra', from: null, to: '3.1.0', source: 'registry' },
    ]);
    expect(lib).toMatchObject({ envRebuild: { python: false, node: false }, dependencies: [], from: { version: '1.0.0' }, to: { version: '1.1.0' } });
    expect(lib.commits.map((c) => c.subject)).toEqual(['web needs a newer lib, extra, and python and node packages']);
    // Unchanged: nothing to do, so nothing listed, from and to the same.
    expect(sol).toMatchObject({ unchanged: true, from: { version: '2.0.0' }, to: { version: '2.0.0' }, added: none, commits: [], moreCommits: 0 });
    // The registry was asked what it would install; nothing was downloaded.
    expect(index.requests).toEqual(['/index.json']);
  });

  it('plans a repository whose root is the pack, before its first deploy and after it', async () => {
    const repo = await createRepo({ files: pack('solo', { prefix: '', version: '1.0.0' }) });
    await repo.commit('Second', { 'actions/hello.py': 'print("2")\n' });
    const env = await createDeployEnv({ solo: { url: repo.url, subtree: false } });
    envs.push(env);
    const plan = env.app.deployer.plan({ repo: 'solo', packs: '', requestedBy: 'console:alice' });
    const preview = await env.app.deployer.preview(plan);
    expect(preview.packs).toHaveLength(1);
    expect(preview.packs[0]).toMatchObject({ pack: 'solo', source: '', from: null, unchanged: false, added: { actions: ['hello'] }, moreCommits: 0 });
    expect(preview.packs[0]!.commits.map((c) => c.subject)).toEqual(['Second', 'initial']);
    const result = await env.app.deployer.deploy(plan);
    expect(await env.app.deployer.changes(result)).toEqual(preview.packs.map(announced));
    expect((await env.app.deployer.preview(plan)).nothingToDo).toBe(true);
  });
});
