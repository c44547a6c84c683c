import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack } from '../helpers/deploy.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';
import { createRepo, tempDir } from '../helpers/git-repo.js';
import { startLiveBot, type LiveBot } from '../helpers/live-bot.js';
import { serveBytes, startArchiveServer, type ArchiveServer, type Route } from '../helpers/archive-server.js';
import { buildTarGz } from '../helpers/archive-tar.js';
import { buildZip } from '../helpers/archive-zip.js';
import { BIN } from '../helpers/cli.js';
import { writeConfig } from '../helpers/config.js';
import { execa } from 'execa';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const json = (body: unknown): Route => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** A pack's files at the archive root, under one top-level directory as GitHub release tarballs have. */
function packFiles(name: string, version: string, deps: string[] = []): Array<{ name: string; data: string }> {
  return Object.entries(pack(name, { version, prefix: `${name}-${version}/`, dependencies: deps }))
    .map(([p, data]) => ({ name: p, data: String(data) }));
}

describe('pack install from registry indexes (Exchange over git, Attune over archives)', () => {
  let git: GitHttpServer;
  let files: ArchiveServer;
  let bot: LiveBot;
  let configYaml: string;

  beforeAll(async () => {
    const root = await tempDir('packbot-install-');
    // Exchange packs live in git repositories, one pack at the root, versions as v-tags.
    const lib = await createRepo({ dir: path.join(root, 'stackstorm-lib'), files: pack('lib', { prefix: '', version: '1.0.0' }) });
    await lib.tag('v1.0.0');
    await lib.commit('lib 1.10', pack('lib', { prefix: '', version: '1.10.0' }));
    await lib.tag('v1.10.0');
    await lib.commit('lib 1.9', pack('lib', { prefix: '', version: '1.9.0' }));
    await lib.tag('v1.9.0');
    const app = await createRepo({ dir: path.join(root, 'stackstorm-app'), files: pack('app', { prefix: '', version: '2.0.0', dependencies: ['lib>=1.2'] }) });
    await app.tag('v2.0.0');
    const extra = await createRepo({ dir: path.join(root, 'stackstorm-extra'), files: pack('extra', { prefix: '', version: '3.1.0' }) });
    await extra.tag('v3.1.0');
    git = await startGitHttpServer({ root });
    // A repository deployed from chat whose packs need registry packs nobody has installed.
    const site = await createRepo({ files: { ...pack('web', { dependencies: ['extra>=3'] }), ...pack('odd', { dependencies: ['lib=0.5.0'] }) } });

    const tool = buildZip(packFiles('tool', '1.0.0', ['lib@^1.0']).map((f) => ({ name: f.name, data: f.data })));
    const evil = buildTarGz([...packFiles('evil', '1.0.0'), { name: 'evil-1.0.0/actions/link', type: '2', linkname: '/etc/passwd' }]);
    const big = buildTarGz(packFiles('big', '1.0.0'));
    files = await startArchiveServer({
      '/tool-1.0.0.zip': serveBytes(tool),
      '/evil-1.0.0.tar.gz': serveBytes(evil),
      '/big-1.0.0.tar.gz': serveBytes(big),
    });
    const exchange = {
      metadata: { generated_ts: 1716400000, hash: 'x' },
      packs: {
        // String-sorted, as the Exchange writes them: 1.9.0 before 1.10.0.
        lib: { name: 'lib', ref: 'lib', version: '1.10.0', versions: ['1.9.0', '1.10.0', '1.0.0'], repo_url: git.repoUrl('stackstorm-lib'), author: 'x', email: 'x@example.com', description: 'lib' },
        app: { name: 'app', ref: 'app', version: '2.0.0', versions: ['2.0.0'], repo_url: git.repoUrl('stackstorm-app'), dependencies: ['lib>=1.2'], author: 'x', email: 'x@example.com', description: 'app' },
        extra: { name: 'extra', ref: 'extra', version: '3.1.0', versions: ['3.1.0'], repo_url: git.repoUrl('stackstorm-extra'), author: 'x', email: 'x@example.com', description: 'extra' },
        conflicted: { name: 'conflicted', ref: 'conflicted', version: '1.0.0', versions: ['1.0.0'], repo_url: git.repoUrl('stackstorm-app'), dependencies: ['lib=0.5.0'], author: 'x', email: 'x@example.com', description: 'needs a lib that is not there' },
      },
    };
    const attune = {
      registry_name: 'internal', registry_url: files.origin, version: '1.0', last_updated: '2026-11-01T00:00:00Z',
      packs: [
        { ref: 'tool', label: 'Tool', description: 'tool', version: '1.0.0', author: 'x', license: 'MIT', keywords: [], install_sources: [{ type: 'archive', url: `${files.origin}/tool-1.0.0.zip`, checksum: `sha256:${sha256(tool)}` }], dependencies: { packs: ['lib@^1.0'] } },
        { ref: 'evil', label: 'Evil', description: 'evil', version: '1.0.0', author: 'x', license: 'MIT', keywords: [], install_sources: [{ type: 'archive', url: `${files.origin}/evil-1.0.0.tar.gz`, checksum: `sha256:${sha256(evil)}` }], dependencies: { packs: [] } },
        { ref: 'big', label: 'Big', description: 'big', version: '1.0.0', author: 'x', license: 'MIT', keywords: [], install_sources: [{ type: 'archive', url: `${files.origin}/big-1.0.0.tar.gz`, checksum: `sha256:${'0'.repeat(64)}` }], dependencies: { packs: [] } },
      ],
    };
    const index = await startArchiveServer({ '/exchange/index.json': json(exchange), '/attune/index.json': json(attune) });
    configYaml = [
      'state_dir: ./var',
      'log: {level: info}',
      'registry:',
      `  indexes: [{name: exchange, url: "${index.origin}/exchange/index.json"}, {name: internal, url: "${index.origin}/attune/index.json"}]`,
      `  allowed_urls: ["${new URL(git.repoUrl("x")).origin}/", "${files.origin}/"]`,
      'confirm: {policy: never}',
      'repositories:',
      `  site: {repo: ${JSON.stringify(site.url)}, branch: main}`,
    ].join('\n');
    bot = await startLiveBot(configYaml);
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
    await git?.close();
    await files?.close();
  });

  const installed = async () => Object.fromEntries((await bot.app.services.store.list()).map((r) => [r.pack, r.meta.version]));

  it('installs the highest version by semver, with its missing dependency first, through the queue', async () => {
    bot.say('@alice #ops !pack install app');
    const planned = await bot.waitFor((m) => m.text.startsWith('Installing from the registry'));
    expect(planned.text).toContain('• lib 1.10.0 (dependency of app)');
    expect(planned.text).toContain('• app 2.0.0');
    const summary = await bot.waitFor((m) => /^Install `\w+` from `registry`/.test(m.text));
    expect(summary.text).toMatch(/2 ok, 0 failed/);
    await bot.app.services.coordinator.settled();
    expect(await installed()).toEqual({ lib: '1.10.0', app: '2.0.0' });
    const [record] = await bot.app.services.history.list({ limit: 1 });
    expect(record).toMatchObject({ requested_by: 'console:alice', repo: 'registry', result: 'success' });
  });

  it('installs an exact version from an archive index (sha256 checked), keeping a dependency that satisfies it', async () => {
    bot.say('@alice #ops !pack install tool=1.0.0');
    await bot.waitFor((m) => /^Install `\w+` from `registry`/.test(m.text) && m.text.includes('tool'));
    await bot.app.services.coordinator.settled();
    expect(await installed()).toEqual({ lib: '1.10.0', app: '2.0.0', tool: '1.0.0' });
  });

  it('reports a conflict before anything installs', async () => {
    bot.say('@alice #ops !pack install conflicted');
    const refusal = await bot.waitFor((m) => m.text.includes('conflicted'));
    expect(refusal.text).toMatch(/lib/);
    expect(refusal.text).not.toMatch(/^Installing/);
    expect(await installed()).toEqual({ lib: '1.10.0', app: '2.0.0', tool: '1.0.0' });
  });

  it('a hostile archive (a symlink pointing out) and a wrong checksum install nothing', async () => {
    bot.say('@alice #ops !pack install evil');
    const evil = await bot.waitFor((m) => /^Install `\w+` from `registry`: 0 ok, 1 failed/.test(m.text) && m.text.includes('evil'));
    expect(evil.text).toMatch(/symlink|link/i);
    bot.say('@alice #ops !pack install big');
    const big = await bot.waitFor((m) => /^Install `\w+` from `registry`: 0 ok, 1 failed/.test(m.text) && m.text.includes('big'));
    expect(big.text).toMatch(/sha256/i);
    await bot.app.services.coordinator.settled();
    expect(await installed()).toEqual({ lib: '1.10.0', app: '2.0.0', tool: '1.0.0' });
    expect(existsSync('/etc/passwd')).toBe(true);
    const staging = path.join(bot.app.config.state_dir, 'staging');
    expect(await readdir(staging).catch(() => [])).toEqual([]);
  });

  it('a deploy from git gets the dependencies nobody provides from the registry first; a conflict stops it whole', async () => {
    bot.say('@alice #ops !pack deploy site web');
    const done = await bot.waitFor((m) => /^Deploy `\w+` from `site` main/.test(m.text));
    expect(done.text).toMatch(/2 ok, 0 failed/);
    expect(done.text).toMatch(/extra 3\.1\.0 — deployed/);
    await bot.app.services.coordinator.settled();
    expect((await installed())['extra']).toBe('3.1.0');
    expect((await installed())['web']).toBe('1.0.0');
    bot.say('@alice #ops !pack deploy site odd');
    // Whether lib is installed by now (other tests) or not (the registry is asked), odd never lands.
    const refused = await bot.waitFor((m) => /Deploy `\w+` from `site`/.test(m.text) && /failed/.test(m.text) && m.text.includes('odd') || /^✗ Deploy `\w+` from `site`/.test(m.text));
    expect(refused.text).toMatch(/lib =0\.5\.0|lib=0\.5\.0|0\.5\.0/);
    await bot.app.services.coordinator.settled();
    expect((await installed())['odd']).toBeUndefined();
  });

  it('pack deps answers with the tree; packbot deps draws it as Mermaid and DOT', async () => {
    bot.say('@alice #ops !pack deps app');
    const tree = await bot.waitFor((m) => m.text.includes('app 2.0.0 (installed)'));
    expect(tree.text).toContain('└─ lib 1.10.0 (installed) [needs >=1.2]');
    const config = await writeConfig(configYaml, await tempDir());
    const mermaid = await execa(process.execPath, [BIN, '--config', config, 'deps', 'app', 'conflicted', '--format', 'mermaid'], { reject: false });
    expect(mermaid.stdout).toMatch(/^graph TD/);
    expect(mermaid.stdout).toMatch(/\["app 2\.0\.0 \(to install\)"\]:::install/);
    expect(mermaid.stdout).toMatch(/-->\|">=1\.2"\|/);
    expect(mermaid.stdout).toMatch(/%% ✗ .*lib/);
    expect(mermaid.exitCode).toBe(1);
    const dot = await execa(process.execPath, [BIN, '--config', config, 'deps', 'app', '--format', 'dot'], { reject: false });
    expect(dot.stdout).toMatch(/^digraph deps \{/);
    expect(dot.stdout).toContain('"app" -> "lib" [label=">=1.2"];');
    expect(dot.exitCode).toBe(0);
    // packbot install: the same pipeline from a shell, on that config's own (empty) state.
    const cli = await execa(process.execPath, [BIN, '--config', config, 'install', 'tool', '--json'], { reject: false });
    expect(cli.stderr).not.toMatch(/"level":(40|50)/);
    expect(cli.exitCode).toBe(0);
    const result = JSON.parse(cli.stdout) as { packs: Array<{ pack: string; status: string; version: string }> };
    expect(result.packs.map((p) => [p.pack, p.status, p.version])).toEqual([['lib', 'deployed', '1.10.0'], ['tool', 'deployed', '1.0.0']]);
  }, 60_000);
});
