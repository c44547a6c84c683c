/**
 * Issue 15, finding 2: a pack belongs to where its active release came from. Replacing it
 * (a deploy from another repository, a decoy directory whose pack.yaml `ref` is its name, a
 * registry install), rolling it back or uninstalling it needs permission on that source as
 * well as on the new one; each refusal is one line naming who may, recorded as `denied`.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack } from '../helpers/deploy.js';
import { createRepo, type GitRepo } from '../helpers/git-repo.js';
import { startLiveBot, type LiveBot, type Said } from '../helpers/live-bot.js';
import { serveBytes, startArchiveServer, type ArchiveServer, type Route } from '../helpers/archive-server.js';
import { buildTarGz } from '../helpers/archive-tar.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const json = (body: unknown): Route => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** A registry pack as an archive: its files under one top-level directory. */
function archive(name: string, version: string): Buffer {
  return buildTarGz(Object.entries(pack(name, { version, prefix: `${name}-${version}/` })).map(([p, data]) => ({ name: p, data: String(data) })));
}

/** `decoy` installs as `ref`: StackStorm installs a pack under its pack.yaml ref, not its directory. */
const decoy = (ref: string, version: string) => ({
  ...pack('decoy', { version }),
  'packs/decoy/pack.yaml': `---\nref: ${ref}\nname: decoy\ndescription: Not what it seems.\nversion: ${version}\nauthor: Mallory\n`,
});

let prodRepo: GitRepo;
let demoRepo: GitRepo;
let registry: ArchiveServer;
const bots: LiveBot[] = [];

beforeAll(async () => {
  prodRepo = await createRepo({ files: { ...pack('alpha'), ...pack('beta') } });
  demoRepo = await createRepo({ files: { ...pack('alpha', { version: '6.6.6' }), ...decoy('alpha', '7.7.7'), ...pack('gamma', { version: '6.6.6' }) } });
  const alpha = archive('alpha', '8.0.0');
  const gamma = archive('gamma', '1.0.0');
  const entry = (ref: string, version: string, body: Buffer) => ({
    ref, label: ref, description: ref, version, author: 'x', license: 'MIT', keywords: [],
    install_sources: [{ type: 'archive', url: `${registry.origin}/${ref}-${version}.tar.gz`, checksum: `sha256:${sha256(body)}` }], dependencies: { packs: [] },
  });
  registry = await startArchiveServer({
    '/alpha-8.0.0.tar.gz': serveBytes(alpha),
    '/gamma-1.0.0.tar.gz': serveBytes(gamma),
    '/index.json': (req, res) => json({
      registry_name: 'internal', registry_url: registry.origin, version: '1.0', last_updated: '2026-11-01T00:00:00Z',
      packs: [entry('alpha', '8.0.0', alpha), entry('gamma', '1.0.0', gamma)],
    })(req, res),
  });
}, 60_000);

afterAll(async () => {
  for (const b of bots.splice(0)) await b.stop();
  await registry?.close();
});

/**
 * prod: only dave. demo: every deployer. bob and carol deploy; only bob and dave may install
 * from the registry; root is admin.
 */
async function bot(): Promise<LiveBot> {
  const b = await startLiveBot([
    'state_dir: ./var',
    'log: {level: warn}',
    'confirm: {policy: never}',
    'registry:',
    `  indexes: [{name: internal, url: "${registry.origin}/index.json"}]`,
    `  allowed_urls: ["${registry.origin}/"]`,
    'repositories:',
    `  prod: {repo: ${JSON.stringify(prodRepo.url)}, branch: main, allowed_users: ["console:dave"]}`,
    `  demo: {repo: ${JSON.stringify(demoRepo.url)}, branch: main}`,
    'permissions:',
    '  admins: ["console:root"]',
    '  deployers: ["console:bob", "console:carol", "console:dave"]',
    '  commands: {install: ["console:bob", "console:dave"]}',
  ].join('\n'));
  bots.push(b);
  return b;
}

const summary = (m: Said) => /^(Deploy|Install) `[0-9a-f]{8}`/.test(m.text);
/** The answer to a command that should be refused: a refusal, or the summary of what it did instead. */
const answer = (m: Said) => m.text.includes('needs') || m.text.includes('admins only') || summary(m) || /^Rolled|uninstalled/.test(m.text);
const origin = async (b: LiveBot, name: string) => {
  const active = await b.app.services.store.active(name);
  return active ? `${active.meta.repo} ${active.meta.version}` : null;
};
const denials = async (b: LiveBot) => (await b.app.services.history.list()).filter((r) => r.kind === 'denied');

const PROD_ONLY = 'needs being in repositories.prod.allowed_users (console:dave); ask an admin (@root) to add console:bob there.';

async function prodAlpha(b: LiveBot): Promise<void> {
  b.say('@dave #ops !pack deploy prod alpha');
  expect((await b.waitFor(summary)).text).toMatch(/✓ alpha 1\.0\.0 — deployed/);
  await b.app.services.coordinator.settled();
}

describe('ownership: a pack belongs to the source of its active release', () => {
  it('refuses a same-named pack from another repository, even with force=true, and records it', async () => {
    const b = await bot();
    await prodAlpha(b);
    b.say('@bob #ops !pack deploy demo alpha force=true');
    expect((await b.waitFor(answer)).text).toBe(`Replacing alpha (from prod) ${PROD_ONLY}`);
    await b.app.services.coordinator.settled();
    expect(await origin(b, 'alpha')).toBe('prod 1.0.0');
    const [denied] = await denials(b);
    expect(denied).toMatchObject({ requested_by: 'console:bob', repo: 'prod', command: 'deploy', result: 'denied', reason: `Replacing alpha (from prod) ${PROD_ONLY}` });
    expect(b.logs()).toContain('permission denied');
    // Nothing queued, nothing deployed.
    expect((await b.app.services.history.list()).filter((r) => r.kind === 'deploy').map((r) => r.requested_by)).toEqual(['console:dave']);
  }, 60_000);

  it('refuses a decoy directory whose pack.yaml ref is the installed pack', async () => {
    const b = await bot();
    await prodAlpha(b);
    b.say('@bob #ops !pack deploy demo decoy force=true');
    expect((await b.waitFor(answer)).text).toBe(`Replacing alpha (from prod) ${PROD_ONLY}`);
    await b.app.services.coordinator.settled();
    expect(await origin(b, 'alpha')).toBe('prod 1.0.0');
    expect((await denials(b)).map((r) => [r.requested_by, r.repo, r.command])).toEqual([['console:bob', 'prod', 'deploy']]);
  }, 60_000);

  it('refuses `pack install <name> force=true` from the registry over a repository pack, then its rollback and uninstall', async () => {
    const b = await bot();
    await prodAlpha(b);
    b.say('@bob #ops !pack install alpha force=true');
    expect((await b.waitFor(answer)).text).toBe(`Replacing alpha (from prod) ${PROD_ONLY}`);
    await b.app.services.coordinator.settled();
    expect(await origin(b, 'alpha')).toBe('prod 1.0.0');
    // Since the pack is still prod's, so are its rollback and its removal.
    b.say('@bob #ops !pack rollback alpha');
    expect((await b.waitFor(answer)).text).toBe(`Rolling back alpha (from prod) ${PROD_ONLY}`);
    b.say('@bob #ops !pack uninstall alpha');
    expect((await b.waitFor(answer)).text).toBe(`Uninstalling alpha (from prod) ${PROD_ONLY}`);
    await b.app.idle();
    expect(await origin(b, 'alpha')).toBe('prod 1.0.0');
    expect((await denials(b)).map((r) => r.command).sort()).toEqual(['install', 'rollback', 'uninstall']);
  }, 60_000);

  it('after an admin replaced a pack, its rollback and uninstall still need the source it goes back to or removes', async () => {
    const b = await bot();
    await prodAlpha(b);
    // root (admin) may replace prod's pack with demo's: now active from demo, prod's release kept.
    b.say('@root #ops !pack deploy demo alpha force=true');
    expect((await b.waitFor(summary)).text).toMatch(/✓ alpha 6\.6\.6 — deployed/);
    await b.app.services.coordinator.settled();
    expect(await origin(b, 'alpha')).toBe('demo 6.6.6');
    // bob may touch demo, but rolling back would put prod's release back live.
    b.say('@bob #ops !pack rollback alpha');
    expect((await b.waitFor(answer)).text).toMatch(/^Rolling back alpha to a release from prod needs being in repositories\.prod\.allowed_users/);
    // Uninstalling would remove prod's kept release too.
    b.say('@bob #ops !pack uninstall alpha');
    expect((await b.waitFor(answer)).text).toMatch(/^Uninstalling alpha \(a release from prod is kept\) needs being in repositories\.prod\.allowed_users/);
    await b.app.idle();
    expect(await origin(b, 'alpha')).toBe('demo 6.6.6');
    expect((await denials(b)).map((r) => [r.requested_by, r.command, r.repo])).toEqual([['console:bob', 'uninstall', 'prod'], ['console:bob', 'rollback', 'prod']]);
    // dave, who has prod, may roll it back.
    b.say('@dave #ops !pack rollback alpha');
    expect((await b.waitFor(answer)).text).toMatch(/^Rolled alpha back/);
    expect(await origin(b, 'alpha')).toBe('prod 1.0.0');
  }, 60_000);

  it('treats the registry as a source: replacing a registry pack needs the right to install', async () => {
    const b = await bot();
    b.say('@dave #ops !pack install gamma');
    expect((await b.waitFor(summary)).text).toMatch(/1 ok, 0 failed/);
    await b.app.services.coordinator.settled();
    expect(await origin(b, 'gamma')).toBe('registry 1.0.0');
    // carol may deploy demo but not install: a registry pack is not hers to replace.
    b.say('@carol #ops !pack deploy demo gamma force=true');
    expect((await b.waitFor(answer)).text).toBe(
      'Replacing gamma (from the registry) needs one of console:bob, console:dave (permissions.commands.install); ask an admin (@root) to add console:carol there.',
    );
    await b.app.services.coordinator.settled();
    expect(await origin(b, 'gamma')).toBe('registry 1.0.0');
    expect((await denials(b)).map((r) => [r.requested_by, r.command])).toEqual([['console:carol', 'deploy']]);
  }, 60_000);
});
