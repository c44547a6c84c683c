/**
 * Issue 15, findings 2 and 3 through a push: auto deployment goes by a pack's pack.yaml ref as
 * chat deploys do. A changed directory whose ref is a pack locked to someone's branch is that
 * locked pack (skipped, its holder told); a push may replace only packs that came from its own
 * repository, never another repository's pack of the same ref.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pack } from '../helpers/deploy.js';
import { createRepo } from '../helpers/git-repo.js';
import { startLiveBot, type LiveBot } from '../helpers/live-bot.js';
import { deliver, githubPush, pushBotConfig } from '../helpers/webhooks.js';

const SECRET = 'gh-webhook-secret-push-ref-59';
const manifest = (ref: string, name: string, version: string) => `---\nref: ${ref}\nname: ${name}\ndescription: The ${name} pack.\nversion: ${version}\nauthor: Ada\n`;
const decoy = (version: string) => pack('decoy', { version, extra: { 'packs/decoy/pack.yaml': manifest('alpha', 'decoy', version) } });

const bots: LiveBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

async function bot(repos: string[]): Promise<LiveBot> {
  const b = await startLiveBot(pushBotConfig(SECRET, repos, ['permissions: {admins: ["console:root"]}']));
  bots.push(b);
  return b;
}

const summary = (text: string) => /^Deploy `[0-9a-f]{8}`/.test(text);
async function settle(b: LiveBot): Promise<void> {
  await b.app.services.coordinator.settled();
  await b.app.idle();
}

describe('a push goes by pack refs', () => {
  it('skips a changed directory whose ref is locked to another user\'s branch', async () => {
    const repo = await createRepo({ files: { ...pack('alpha'), ...decoy('1.0.0') } });
    await repo.branch('feature-x');
    await repo.checkout('feature-x');
    await repo.commit('alpha 1.1', pack('alpha', { version: '1.1.0' }));
    await repo.checkout('main');
    const head = await repo.revParse('HEAD');
    const b = await bot([`demo: {repo: ${JSON.stringify(repo.url)}, branch: main, confirm: {policy: never}, auto_deployment: {notify_channel: deploys}}`]);
    b.say('@alice #ops !pack deploy demo alpha feature-x');
    await b.waitFor((m) => summary(m.text));
    await settle(b);
    expect((await b.app.services.coordinator.locks.get('alpha'))?.owner).toBe('console:alice');

    const after = await repo.commit('decoy 6.6.6', decoy('6.6.6'));
    const res = await deliver(b.app.httpUrl() ?? '', 'github', githubPush({ url: repo.url, branch: 'main', before: head, after }, SECRET));
    expect(res.json['results']).toEqual([expect.objectContaining({ status: 'skipped', locked: ['alpha'], packs: [] })]);
    await settle(b);
    expect((await b.app.services.store.active('alpha'))?.meta).toMatchObject({ branch: 'feature-x', version: '1.1.0' });
  }, 90_000);

  it('does not let one repository\'s push replace another repository\'s pack of the same ref', async () => {
    const prod = await createRepo({ files: pack('alpha') });
    const dev = await createRepo({ files: { ...pack('beta'), ...decoy('1.0.0') } });
    const head = await dev.revParse('HEAD');
    const b = await bot([
      `prod: {repo: ${JSON.stringify(prod.url)}, branch: main, confirm: {policy: never}, allowed_users: ["console:root"]}`,
      `dev: {repo: ${JSON.stringify(dev.url)}, branch: main, confirm: {policy: never}, auto_deployment: {notify_channel: deploys}}`,
    ]);
    b.say('@root #ops !pack deploy prod alpha');
    await b.waitFor((m) => summary(m.text));
    await settle(b);
    expect((await b.app.services.store.active('alpha'))?.meta.version).toBe('1.0.0');

    const after = await dev.commit('decoy 6.6.6', decoy('6.6.6'));
    const res = await deliver(b.app.httpUrl() ?? '', 'github', githubPush({ url: dev.url, branch: 'main', before: head, after }, SECRET));
    expect(res.status).toBe(202);
    const done = await b.waitFor((m) => summary(m.text) && m.text.includes('decoy'));
    expect(done.text).toMatch(/✗ alpha 6\.6\.6 — .*installed from repository prod/);
    await settle(b);
    const active = await b.app.services.store.active('alpha');
    expect(active?.meta.version).toBe('1.0.0');
  }, 90_000);
});
