import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type GitRepo } from '../../helpers/git-repo.js';
import { pack } from '../../helpers/deploy.js';
import { startLiveBot, type LiveBot } from '../../helpers/live-bot.js';
import { deliver, githubPush, gitlabPush } from '../../helpers/webhooks.js';

const SECRET = 'gh-webhook-secret-31';
const GL_TOKEN = 'gl-webhook-token-47';
const NAMES = Array.from({ length: 24 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);

function config(url: string, extra = ''): string {
  return [
    'state_dir: ./var',
    'log: {level: info}',
    'server:',
    '  port: 0',
    `  webhooks: {github: {secret: ${SECRET}}, gitlab: {token: ${GL_TOKEN}}}`,
    'repositories:',
    `  packs: {repo: ${JSON.stringify(url)}, branch: main, notify_channel: ops, auto_deployment: {notify_channel: deploys}}`,
    'confirm: {policy: when_queued, timeout: 1m}',
    extra,
  ].join('\n');
}

async function installed(bot: LiveBot): Promise<string[]> {
  return (await bot.app.services.store.list()).map((r) => r.pack).sort();
}

async function settle(bot: LiveBot): Promise<void> {
  await bot.app.services.coordinator.settled();
  await bot.app.idle();
}

describe('push webhooks deploy exactly the packs a push changed', () => {
  let repo: GitRepo;
  let bot: LiveBot;
  let base: string;
  let head: string;
  const push = async (after: string, before: string, extra: Partial<Parameters<typeof githubPush>[0]> = {}) =>
    deliver(base, 'github', githubPush({ url: repo.url, branch: 'main', before, after, ...extra }, SECRET));

  beforeAll(async () => {
    repo = await createRepo({ files: Object.assign({}, ...NAMES.map((n) => pack(n))) as Record<string, string> });
    head = await repo.revParse('HEAD');
    bot = await startLiveBot(config(repo.url));
    base = bot.app.httpUrl() ?? '';
  });
  afterAll(async () => bot?.stop());

  it('a push touching 2 of 24 packs deploys those 2, attributed to the pusher, and says so in the channel', async () => {
    const after = await repo.commit('Tune p03 and p07', { ...pack('p03', { version: '1.1.0' }), ...pack('p07', { version: '1.0.1' }) });
    const res = await push(after, head, { pusher: 'octocat', author: 'Octo Cat', message: 'Tune p03 and p07\n\nLonger body.' });
    expect(res.status).toBe(202);
    expect(res.json['results']).toEqual([expect.objectContaining({ repo: 'packs', status: 'queued', packs: ['p03', 'p07'], locked: [] })]);
    const notice = await bot.waitFor((m) => m.channel === 'deploys' && m.text.includes('Auto deployment'));
    expect(notice.text).toMatch(/Auto deployment of \*packs\* \(branch: _main_\) triggered via commit by _Octo Cat_/);
    expect(notice.text).toContain('Tune p03 and p07');
    await settle(bot);
    expect(await installed(bot)).toEqual(['p03', 'p07']);
    const [record] = await bot.app.services.history.list({ limit: 1 });
    expect(record).toMatchObject({ requested_by: 'github:octocat', result: 'success' });
    head = after;
  });

  it('a push that changes no pack deploys nothing', async () => {
    const after = await repo.commit('Docs only', { 'README.md': '# packs\n' });
    const res = await push(after, head);
    expect(res.status).toBe(202);
    expect(res.json['results']).toEqual([expect.objectContaining({ status: 'unchanged', packs: [] })]);
    await settle(bot);
    expect(await installed(bot)).toEqual(['p03', 'p07']);
    expect(await bot.app.services.coordinator.queue.list()).toEqual([]);
    head = after;
  });

  it('a locked pack is skipped and its holder told; the rest deploy', async () => {
    await repo.branch('feature-x');
    await repo.checkout('feature-x');
    await repo.commit('p05 experiment', pack('p05', { version: '9.0.0' }));
    await repo.checkout('main');
    bot.say('@alice #general !pack deploy packs p05 feature-x');
    await bot.waitFor((m) => m.channel === 'ops' && m.text.startsWith('🔒'));
    await settle(bot);
    expect(await bot.app.services.coordinator.locks.get('p05')).toMatchObject({ owner: 'console:alice', branch: 'feature-x' });
    const after = await repo.commit('p05 and p09', { ...pack('p05', { version: '1.2.0' }), ...pack('p09', { version: '1.2.0' }) });
    const res = await push(after, head);
    expect(res.json['results']).toEqual([expect.objectContaining({ status: 'queued', packs: ['p09'], locked: ['p05'] })]);
    const told = await bot.waitFor((m) => m.text.includes('auto deployment skipped it'));
    expect(told.mentions).toContain('alice');
    expect(told.text).toMatch(/\*p05\*.*locked to you on _feature-x_/);
    await settle(bot);
    const p05 = (await bot.app.services.store.list()).find((r) => r.pack === 'p05');
    expect(p05?.meta.version).toBe('9.0.0');
    expect(await installed(bot)).toEqual(['p03', 'p05', 'p07', 'p09']);
    head = after;
  });

  it('a force-push that rewinds a deployed pack redeploys it from the new history', async () => {
    const rewound = await repo.revParse('HEAD~3');
    await repo.git(['reset', '--hard', rewound]);
    const after = await repo.commit('Redo p11', pack('p11', { version: '2.0.0' }));
    const res = await push(after, head, { forced: true });
    // p11 changed; p03, p07 and p09 are deployed at trees the new history lacks; p05 is still locked.
    expect(res.json['results']).toEqual([expect.objectContaining({ status: 'queued', packs: ['p03', 'p07', 'p09', 'p11'], locked: ['p05'], forced: true })]);
    await settle(bot);
    const versions = Object.fromEntries((await bot.app.services.store.list()).map((r) => [r.pack, r.meta.version]));
    expect(versions).toMatchObject({ p03: '1.0.0', p07: '1.0.0', p09: '1.0.0', p11: '2.0.0', p05: '9.0.0' });
    head = after;
  });

  it('a deleted branch deploys and removes nothing, and the channel is told', async () => {
    const res = await push(null as unknown as string, head, { after: null });
    expect(res.json['results']).toEqual([expect.objectContaining({ status: 'ignored', reason: expect.stringMatching(/deleted/) })]);
    await bot.waitFor((m) => m.channel === 'deploys' && m.text.includes('deleted'));
    expect(await installed(bot)).toEqual(['p03', 'p05', 'p07', 'p09', 'p11']);
  });

  it('a push to another branch, or a tag, is ignored', async () => {
    const other = await push(head, head, { branch: 'feature-x' });
    expect(other.json['results']).toEqual([expect.objectContaining({ status: 'ignored', reason: expect.stringMatching(/auto deployment follows main/) })]);
  });

  it('GitLab pushes work the same way (forced or not is worked out on the mirror)', async () => {
    const after = await repo.commit('p13 via GitLab', pack('p13', { version: '1.3.0' }));
    const res = await deliver(base, 'gitlab', gitlabPush({ url: repo.url, branch: 'main', before: head, after, pusher: 'gl-user' }, GL_TOKEN));
    expect(res.status).toBe(202);
    expect(res.json['results']).toEqual([expect.objectContaining({ status: 'queued', packs: ['p13'], forced: false })]);
    await settle(bot);
    expect(await installed(bot)).toContain('p13');
    head = after;
  });

  it('nothing in any answer, log or chat line carries the webhook secrets', async () => {
    const everything = [bot.logs(), ...bot.said.map((m) => m.text)].join('\n');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(GL_TOKEN);
  });
});

describe('auto_deployment.confirm: a person allowed to deploy confirms what a push asked for', () => {
  let repo: GitRepo;
  let bot: LiveBot;
  let base: string;

  beforeAll(async () => {
    repo = await createRepo({ files: { ...pack('alpha'), ...pack('beta') } });
    bot = await startLiveBot([
      'state_dir: ./var',
      'server:',
      '  port: 0',
      `  webhooks: {github: {secret: ${SECRET}}}`,
      'repositories:',
      `  packs: {repo: ${JSON.stringify(repo.url)}, branch: main, auto_deployment: {notify_channel: deploys, confirm: true}}`,
      'permissions: {deployers: ["console:bob", "console:carol"]}',
      'confirm: {timeout: 1m}',
    ].join('\n'));
    base = bot.app.httpUrl() ?? '';
  });
  afterAll(async () => bot?.stop());

  it('the prompt goes to the channel; a non-deployer cannot confirm, a deployer can (typed or clicked)', async () => {
    const first = await repo.revParse('HEAD');
    const second = await repo.commit('alpha 1.1', pack('alpha', { version: '1.1.0' }));
    const res = await deliver(base, 'github', githubPush({ url: repo.url, branch: 'main', before: first, after: second }, SECRET));
    expect(res.json['results']).toEqual([expect.objectContaining({ status: 'queued', packs: ['alpha'] })]);
    const prompt = await bot.waitFor((m) => m.channel === 'deploys' && m.text.startsWith('Say _'));
    expect(prompt.text).toMatch(/to complete the auto deployment \(pushed by alice \(github\)\) of \*alpha\*.*anyone allowed to deploy packs may confirm/);
    const phrase = /^Say _(.+?)_/.exec(prompt.text)?.[1] ?? '';
    bot.say(`@dave #deploys ${phrase}`);
    await bot.waitFor((m) => m.channel === 'deploys' && m.text.includes('only people allowed to deploy its repository can confirm it'));
    expect(await installed(bot)).toEqual([]);
    bot.say(`@bob #deploys ${phrase}`);
    await bot.waitFor((m) => m.channel === 'deploys' && /1 ok, 0 failed/.test(m.text));
    await settle(bot);
    expect(await installed(bot)).toEqual(['alpha']);

    const third = await repo.commit('beta 1.1', pack('beta', { version: '1.1.0' }));
    const again = await deliver(base, 'github', githubPush({ url: repo.url, branch: 'main', before: second, after: third }, SECRET));
    const id = (again.json['results'] as Array<{ deploy_id: string }>)[0]?.deploy_id ?? '';
    await bot.waitFor((m) => m.channel === 'deploys' && m.text.startsWith('Say _'));
    expect(await bot.click({ platform: 'console', id: 'c1', user: { id: 'dave', name: 'dave' }, channel: { id: 'deploys', name: 'deploys' }, action: 'confirm', entryId: id }))
      .toMatchObject({ accepted: false });
    expect(await bot.click({ platform: 'console', id: 'c2', user: { id: 'carol', name: 'carol' }, channel: { id: 'deploys', name: 'deploys' }, action: 'confirm', entryId: id }))
      .toMatchObject({ accepted: true });
    await settle(bot);
    expect(await installed(bot)).toEqual(['alpha', 'beta']);
  });
});
