/**
 * Finding: allow-lists bypassed with `..`. `registry.allowed_urls` and `url_allowlist` were
 * matched with startsWith on the raw URL, but fetch and git resolve `/../` (and `%2e%2e`) before
 * requesting, so any path on an allowed host was reachable: registry archives, registry git
 * sources and raw-URL deploys. Archive redirects were checked by origin only, and an index
 * could redirect anywhere. Each case here goes through the real caller against real servers
 * on 127.0.0.1, and checks the refused path was never requested.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { checkAllowedUrl } from '../../src/core/net/url-policy.js';
import { parseConfig } from '../../src/domain/config/index.js';
import type { PlannedInstall } from '../../src/domain/registry/resolve.js';
import { loadIndexes } from '../../src/domain/registry/sources.js';
import { resolveRepository } from '../../src/services/deploy/resolve.js';
import { fetchPack } from '../../src/services/install/fetch.js';
import { redirectTo, serveBytes, startArchiveServer, type ArchiveServer } from '../helpers/archive-server.js';
import { buildTarGz } from '../helpers/archive-tar.js';
import { pack } from '../helpers/deploy.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';
import { createRepo, createTestGit, tempDir, type TestGit } from '../helpers/git-repo.js';

const tarOf = (name: string) => buildTarGz(Object.entries(pack(name, { prefix: `${name}-1.0.0/` })).map(([p, data]) => ({ name: p, data: String(data) })));

const registryOf = (allowed: string[]) =>
  parseConfig(`registry:\n  allowed_urls: ${JSON.stringify(allowed)}\n`, { file: '/srv/packbot/packbot.yaml', env: {} }).config.registry;

function planned(name: string, source: PlannedInstall['source']): PlannedInstall {
  return { name, version: '1.0.0', source, index: { label: 'test', priority: 1 }, reason: 'requested' };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PackbotError);
  const message = (err as PackbotError).message;
  expect(message).not.toContain('\n');
  return message;
}

/** `/allowed/../private/x` in its spellings: plain, percent-encoded dots either case, mixed, an encoded slash, double-encoded. */
const TRAVERSALS = ['/allowed/../private/', '/allowed/%2e%2e/private/', '/allowed/%2E%2E/private/', '/allowed/.%2e/private/', '/allowed/..%2fprivate/', '/allowed/%252e%252e/private/', '/allowed/sub/..%5c..%5cprivate/'];

describe('registry archives: dot segments and redirects', () => {
  let files: ArchiveServer;
  let other: ArchiveServer;
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir('packbot-url-policy-');
    files = await startArchiveServer({
      '/allowed/tool.tgz': serveBytes(tarOf('tool')),
      '/private/secret.tgz': serveBytes(tarOf('secret')),
      '/allowed/to-private.tgz': redirectTo('/private/secret.tgz'),
      '/allowed/to-other-host.tgz': redirectTo('http://localhost:1/allowed/tool.tgz'),
    });
    other = await startArchiveServer({ '/index.json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"packs": {}}') });
  });
  afterAll(async () => {
    await files?.close();
    await other?.close();
  });

  it.each(TRAVERSALS)('refuses an archive at %s… and never requests it', async (traversal) => {
    const registry = registryOf([`${files.origin}/allowed/`]);
    const before = files.requests.length;
    const message = await refusal(fetchPack({ git: undefined as never, registry }, planned('secret', { version: '1.0.0', dependencies: [], archive: { url: `${files.origin}${traversal}secret.tgz` } }), path.join(dir, `x-${before}`)));
    expect(message).toContain(`registry.allowed_urls allows: ${files.origin}/allowed/`);
    expect(files.requests.slice(before)).toEqual([]);
  });

  it('still installs from inside the prefix (and a `..` that stays inside it)', async () => {
    const registry = registryOf([`${files.origin}/allowed/`]);
    const got = await fetchPack({ git: undefined as never, registry }, planned('tool', { version: '1.0.0', dependencies: [], archive: { url: `${files.origin}/allowed/x/../tool.tgz` } }), path.join(dir, 'tool'));
    expect(got.origin).toBe(`${files.origin}/allowed/tool.tgz`);
    expect(files.requests.at(-1)).toBe('/allowed/tool.tgz');
  });

  it('matches prefixes on path segments: /allowed does not allow /allowed-evil/', async () => {
    const registry = registryOf([`${files.origin}/allowed`]);
    const message = await refusal(fetchPack({ git: undefined as never, registry }, planned('x', { version: '1.0.0', dependencies: [], archive: { url: `${files.origin}/allowed-evil/x.tgz` } }), path.join(dir, 'evil')));
    expect(message).toMatch(/is refused \(.*not under any allowed prefix\); registry\.allowed_urls allows: http:\/\/127\.0\.0\.1:\d+\/allowed/);
  });

  it('refuses a redirect out of the allowed path on the same host, and to another host', async () => {
    const registry = registryOf([`${files.origin}/allowed/`]);
    const before = files.requests.length;
    const toPrivate = await refusal(fetchPack({ git: undefined as never, registry }, planned('secret', { version: '1.0.0', dependencies: [], archive: { url: `${files.origin}/allowed/to-private.tgz` } }), path.join(dir, 'r1')));
    expect(toPrivate).toMatch(/\/private\/secret\.tgz is refused: .*allowed prefixes: http:\/\/127\.0\.0\.1:\d+\/allowed\//);
    expect(files.requests.slice(before)).toEqual(['/allowed/to-private.tgz']);
    const toOther = await refusal(fetchPack({ git: undefined as never, registry }, planned('tool', { version: '1.0.0', dependencies: [], archive: { url: `${files.origin}/allowed/to-other-host.tgz` } }), path.join(dir, 'r2')));
    expect(toOther).toMatch(/localhost:1 is not allow-listed|refused/);
  });

  it('refuses an index redirect to another host, and credentials never follow a redirect', async () => {
    const index = await startArchiveServer({ '/index.json': redirectTo(`${other.origin.replace('127.0.0.1', 'localhost')}/index.json`) });
    try {
      const loaded = await loadIndexes([{ name: 'moved', url: `${index.origin}/index.json` }], { timeoutMs: 5_000, maxBytes: 1 << 20 });
      expect(loaded.indexes).toEqual([]);
      expect(loaded.problems.join('\n')).toMatch(/"moved".*redirected to http:\/\/localhost:\d+\/index\.json, which is refused/);
      expect(other.requests).toEqual([]);
    } finally {
      await index.close();
    }
  });
});

describe('registry git sources: dot segments', () => {
  let server: GitHttpServer;
  let git: TestGit;
  let dir: string;

  beforeAll(async () => {
    const root = await tempDir('packbot-url-policy-git-');
    await mkdir(path.join(root, 'allowed'), { recursive: true });
    await mkdir(path.join(root, 'private'), { recursive: true });
    const secret = await createRepo({ dir: path.join(root, 'private', 'secret'), files: pack('secret', { prefix: '' }) });
    await secret.tag('v1.0.0');
    server = await startGitHttpServer({ root });
    git = await createTestGit();
    dir = await tempDir('packbot-url-policy-dest-');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it.each(['/allowed/../private/secret', '/allowed/%2e%2e/private/secret', '/allowed/%2E%2e/private/secret'])('refuses the repository %s and never contacts it', async (p) => {
    const registry = registryOf([`${server.url}/allowed/`]);
    const before = server.requests.length;
    const message = await refusal(fetchPack({ git: git.git, registry }, planned('secret', { version: '1.0.0', dependencies: [], repo_url: `${server.url}${p}`, git_ref: 'v1.0.0' }), path.join(dir, `g-${before}`)));
    expect(message).toMatch(/^The repository http:\/\/127\.0\.0\.1:\d+\/.* is refused \(.*\); registry\.allowed_urls allows: http:\/\/127\.0\.0\.1:\d+\/allowed\//);
    expect(server.requests.slice(before)).toEqual([]);
  });
});

describe('raw-URL deploys from chat (url_allowlist): dot segments and segment boundaries', () => {
  const config = parseConfig('allow_urls: true\nurl_allowlist: ["https://github.com/acme/", "https://git.example/team"]\n', { file: '/srv/packbot/packbot.yaml', env: {} }).config;

  it.each([
    'https://github.com/acme/../evil/packs.git',
    'https://github.com/acme/%2e%2e/evil/packs.git',
    'https://github.com/acme/%2E%2E/evil/packs.git',
    'https://github.com/acme/.%2e/evil/packs.git',
    'https://github.com/acme/..%2fevil/packs.git',
    'https://git.example/team-evil/packs.git',
    'https://git.example/team/../admin/packs.git',
    'https://user:pw@github.com/acme/packs.git',
  ])('refuses %s, naming the allowed prefixes', (url) => {
    expect(() => resolveRepository(config, url)).toThrow(/^That URL is not allowed: only https URLs under url_allowlist \(https:\/\/github\.com\/acme\/, https:\/\/git\.example\/team\) can be deployed\.$/);
  });

  it('accepts URLs under a prefix, by their normalised form', () => {
    expect(resolveRepository(config, 'https://github.com/acme/packs.git').remote.url).toBe('https://github.com/acme/packs.git');
    expect(resolveRepository(config, 'https://git.example/team').remote.url).toBe('https://git.example/team');
    expect(resolveRepository(config, 'https://git.example/team/x/../packs').remote.url).toBe('https://git.example/team/packs');
  });
});

describe('checkAllowedUrl (the one rule every caller uses)', () => {
  it('resolves dot segments before matching and matches on segment boundaries', () => {
    const allowed = ['https://h.example/org'];
    expect(checkAllowedUrl('https://h.example/org/a/../b', allowed)).toMatchObject({ ok: true });
    expect(checkAllowedUrl('https://h.example/org.git', allowed)).toMatchObject({ ok: true });
    for (const bad of ['https://h.example/org-evil/x', 'https://h.example/orgx', 'https://h.example/org/../x', 'https://h.example/org/%2e%2e/x', 'http://h.example/org/x', 'https://h.example.evil/org/x', 'ftp://h.example/org/x']) {
      expect(checkAllowedUrl(bad, allowed).ok, bad).toBe(false);
    }
  });
});
