/**
 * Issue 15, finding 3: one name for a pack everywhere. StackStorm installs a pack under its
 * pack.yaml `ref`, so the queue, the branch locks and the permission checks must use that ref
 * too: a directory named `decoy` whose ref is `alpha` is alpha, locked or queued.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pack } from '../helpers/deploy.js';
import { createRepo, type GitRepo } from '../helpers/git-repo.js';
import { startLiveBot, type LiveBot, type Said } from '../helpers/live-bot.js';

const manifest = (ref: string, name: string, version: string) => `---\nref: ${ref}\nname: ${name}\ndescription: The ${name} pack.\nversion: ${version}\nauthor: Ada\n`;

let repo: GitRepo;
const bots: LiveBot[] = [];

beforeAll(async () => {
  repo = await createRepo({
    files: {
      ...pack('alpha'),
      // decoy is installed as alpha; gamma_dir as gamma.
      ...pack('decoy', { version: '6.6.6', extra: { 'packs/decoy/pack.yaml': manifest('alpha', 'decoy', '6.6.6') } }),
      ...pack('gamma_dir', { extra: { 'packs/gamma_dir/pack.yaml': manifest('gamma', 'gamma', '1.0.0') } }),
    },
  });
  await repo.branch('feature-x');
  await repo.checkout('feature-x');
  await repo.commit('alpha 1.1', pack('alpha', { version: '1.1.0' }));
  await repo.checkout('main');
}, 60_000);

afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

async function bot(): Promise<LiveBot> {
  const b = await startLiveBot([
    'state_dir: ./var',
    'log: {level: warn}',
    'repositories:',
    `  demo: {repo: ${JSON.stringify(repo.url)}, branch: main, confirm: {policy: never}}`,
    `  strict: {repo: ${JSON.stringify(repo.url)}, branch: main, confirm: {policy: always, timeout: 10m}}`,
    'permissions: {admins: ["console:root"]}',
  ].join('\n'));
  bots.push(b);
  return b;
}

const summary = (m: Said) => /^Deploy `[0-9a-f]{8}`/.test(m.text);
const active = async (b: LiveBot, name: string) => {
  const r = await b.app.services.store.active(name);
  return r ? `${r.meta.branch} ${r.meta.version}` : null;
};

describe('one name for a pack: its pack.yaml ref', () => {
  it('refuses a decoy directory whose ref is locked to another user\'s branch, naming the holder, without force', async () => {
    const b = await bot();
    b.say('@alice #ops !pack deploy demo alpha feature-x');
    expect((await b.waitFor(summary)).text).toMatch(/✓ alpha 1\.1\.0 — deployed/);
    await b.app.services.coordinator.settled();
    expect((await b.app.services.coordinator.locks.get('alpha'))?.owner).toBe('console:alice');

    b.say('@bob #ops !pack deploy demo decoy');
    const refused = await b.waitFor((m) => m.text.includes('locked') || summary(m));
    expect(refused.text).toMatch(/^alpha is locked to branch feature-x by @alice since /);
    await b.app.services.coordinator.settled();
    expect(await active(b, 'alpha')).toBe('feature-x 1.1.0');
    expect((await b.app.services.history.list()).filter((r) => r.kind === 'deploy')).toHaveLength(1);
  }, 60_000);

  it('queues a request for the decoy and one for its ref in one queue', async () => {
    const b = await bot();
    // Held at its confirmation, alice's request keeps alpha's queue busy.
    b.say('@alice #ops !pack deploy strict alpha');
    await b.waitFor((m) => /^Say _.+_ to complete/.test(m.text));
    b.say('@bob #ops !pack deploy demo decoy');
    await b.waitFor((m) => m.text.includes('decoy') || m.text.includes('alpha'));
    const queue = async () => (await b.app.services.coordinator.queue.list()).map((e) => [e.requester, e.packs, e.state]);
    for (let i = 0; i < 200 && (await queue()).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await queue()).toEqual([
      ['console:alice', ['alpha'], 'ready'],
      ['console:bob', ['alpha'], 'waiting'],
    ]);
    expect(await active(b, 'alpha')).toBeNull();
    b.say('@alice #ops !pack cancel');
    expect((await b.waitFor(summary)).text).toMatch(/✓ alpha 6\.6\.6 — deployed/);
  }, 60_000);

  it('takes a request naming the ref itself, and refuses two directories that are one pack', async () => {
    const b = await bot();
    b.say('@bob #ops !pack deploy demo gamma');
    expect((await b.waitFor((m) => summary(m) || m.text.includes('No pack'))).text).toMatch(/✓ gamma 1\.0\.0 — deployed/);
    await b.app.services.coordinator.settled();
    expect((await b.app.services.store.active('gamma'))?.meta['source']).toBe('packs/gamma_dir');

    b.say('@bob #ops !pack deploy demo alpha,decoy');
    const refused = await b.waitFor((m) => m.text.includes('both') || summary(m));
    expect(refused.text).toBe('alpha and decoy in demo at main are both the pack alpha (their pack.yaml ref); deploy one of them.');
    await b.app.services.coordinator.settled();
    expect(await active(b, 'alpha')).toBeNull();
  }, 60_000);
});
