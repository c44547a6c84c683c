/**
 * A single-pack repository (`subtree: false`) is one pack: the word in the packs slot never
 * becomes the queue or lock key. `brdel` here is a repository whose root is the pack `solo`
 * (its pack.yaml ref), with a branch feat-x (solo 1.1.0) and a tag v2.
 */
import { describe, expect, it } from 'vitest';
import { startConsoleBot, type ConsoleBot } from '../helpers/bot.js';
import { createDeployEnv } from '../helpers/deploy.js';
import { createSinglePackRepo, type GitRepo } from '../helpers/git-repo.js';
import { startLiveBot } from '../helpers/live-bot.js';
import { deliver, githubPush } from '../helpers/webhooks.js';

async function brdel(): Promise<GitRepo> {
  const repo = await createSinglePackRepo('solo');
  await repo.tag('v2');
  await repo.branch('feat-x');
  await repo.checkout('feat-x');
  await repo.commit('solo 1.1', { 'pack.yaml': '---\nref: solo\nname: solo\ndescription: The solo pack.\nversion: 1.1.0\nauthor: Ada\n' });
  await repo.checkout('main');
  return repo;
}

async function bot(repo: GitRepo): Promise<ConsoleBot> {
  return startConsoleBot(['state_dir: ./var', 'log: {level: warn}', 'repositories:', `  brdel: {repo: ${JSON.stringify(repo.url)}, branch: main, subtree: false}`].join('\n'));
}

const texts = (out: Array<{ text: string }>) => out.map((m) => m.text);
const summaries = (out: Array<{ text: string }>) => texts(out).filter((t) => /^Deploy `[0-9a-f]{8}`/.test(t));

describe('a single-pack repository: one pack key, whatever word is typed', () => {
  it("refuses another user's word in the packs slot by the lock (who, branch, how to unlock), and a word that is not the pack by naming it", async () => {
    const b = await bot(await brdel());
    const out = texts(await b.converse([
      '@bob !pack deploy brdel solo feat-x',
      '@alice !pack deploy brdel anything main',
      '@alice !pack deploy brdel brdel main',
      '@alice !pack deploy brdel all main',
      '@alice !pack deploy brdel anything,solo feat-x',
      '@alice !pack locks',
    ]));
    const locked = /^solo is locked to branch feat-x by @bob since \d+s ago; it goes back to main automatically in (59m|1h)\. Ask @bob to release it with `!pack unlock solo` \(admins can force it\), or deploy feat-x itself\.$/;
    const after = out.slice(out.findIndex((t) => /^Deploy `/.test(t)) + 1);
    expect(after).toEqual([
      'brdel is a single-pack repository whose pack is `solo`, not `anything`: `pack deploy brdel main` deploys it from main.',
      expect.stringMatching(locked),
      expect.stringMatching(locked),
      'brdel is a single-pack repository whose pack is `solo`, not `anything`: `pack deploy brdel feat-x` deploys it from feat-x.',
      expect.stringMatching(/^Locked packs:\n• solo on brdel _feat-x_ — @bob since \d+s, reverts in (59m|1h)$/),
    ]);
  });

  it('reads `deploy brdel feat-x` (and `diff`) as the branch feat-x, and says so; a tag too; a word that is neither is refused naming the pack', async () => {
    const b = await bot(await brdel());
    const out = await b.converse([
      '@alice !pack diff brdel feat-x',
      '@alice !pack deploy brdel feat-x',
      '@alice !pack locks',
      '@alice !pack deploy brdel feat-y',
      '@alice !pack deploy brdel v2',
      '@alice !pack deploy brdel solo',
    ]);
    const all = texts(out);
    // `pack diff` reads the word as `pack deploy` does.
    expect(all[0]).toMatch(/^Plan for \*brdel\* _feat-x_ at `[0-9a-f]{7}`: 1 pack to deploy/);
    expect(all[0]).toContain('• *solo* 1.1.0 (new');
    expect(all[1]).toBe('Read `feat-x` as the branch: `brdel` is a single-pack repository whose pack is `solo`.');
    const [first, second, third] = summaries(out);
    expect(first).toMatch(/^Deploy `[0-9a-f]{8}` from `brdel` feat-x at `[0-9a-f]{7}`: 1 ok, 0 failed/);
    expect(first).toMatch(/✓ solo 1\.1\.0 — deployed/);
    expect(all).toContainEqual(expect.stringMatching(/^Locked packs:\n• solo on brdel _feat-x_ — @alice since/));
    expect(all).toContain('brdel is a single-pack repository whose pack is `solo`, and `feat-y` is no branch, tag or commit in it either (did you mean `feat-x`?): `pack deploy brdel <branch>` deploys it from a branch.');
    expect(all).toContain('Read `v2` as the tag: `brdel` is a single-pack repository whose pack is `solo`.');
    expect(second).toMatch(/^Deploy `[0-9a-f]{8}` from `brdel` v2 at `[0-9a-f]{7}`: 1 ok, 0 failed/);
    expect(second).toMatch(/✓ solo 1\.0\.0 — deployed/);
    // The pack's own name is the pack, on the default branch: alice's lock goes with it.
    expect(third).toMatch(/^Deploy `[0-9a-f]{8}` from `brdel` main at `[0-9a-f]{7}`: 1 ok, 0 failed/);
  });

  it('keys every spelling by the pack, and the pipeline (the CLI when the lookup failed, scripts) refuses a name that is not the pack rather than deploying', async () => {
    const env = await createDeployEnv({ brdel: { url: (await brdel()).url, subtree: false } });
    const keys = async (packs: string, ref = '') => {
      const found = await env.app.deployer.resolveTargets(env.app.deployer.plan({ repo: 'brdel', packs, ref, requestedBy: 'console:alice' }));
      return [found.plan.ref, found.packs, found.plan.packs];
    };
    expect(await keys('')).toEqual(['main', ['solo'], ['brdel']]);
    expect(await keys('solo')).toEqual(['main', ['solo'], ['brdel']]);
    expect(await keys('brdel', 'feat-x')).toEqual(['feat-x', ['solo'], ['brdel']]);
    expect(await keys('feat-x')).toEqual(['feat-x', ['solo'], ['brdel']]);

    const wrong = await env.deploy({ repo: 'brdel', packs: 'anything', ref: 'main' });
    expect(wrong.error).toBe('brdel is a single-pack repository whose pack is `solo`, not `anything`: to deploy a branch, name it after the pack: `pack deploy brdel solo <branch>`.');
    expect(wrong.packs).toEqual([]);
    const word = await env.deploy({ repo: 'brdel', packs: 'feat-x' });
    expect(word.error).toMatch(/^brdel is a single-pack repository whose pack is `solo`, not `feat-x`/);
    const right = await env.deploy({ repo: 'brdel', packs: 'solo', ref: 'feat-x' });
    expect(right.packs.map((p) => [p.pack, p.source, p.status, p.version])).toEqual([['solo', 'brdel', 'deployed', '1.1.0']]);
    await env.app.stop();
  });

  it('a push goes by the same key: the lock a chat deploy took, whatever its words, holds the pushed pack', async () => {
    const repo = await brdel();
    const bot = await startLiveBot([
      'state_dir: ./var', 'log: {level: warn}', 'server: {port: 0, webhooks: {github: {secret: s3cret-push}}}', 'repositories:',
      `  brdel: {repo: ${JSON.stringify(repo.url)}, branch: main, subtree: false, auto_deployment: {notify_channel: deploys}}`,
    ].join('\n'));
    try {
      bot.say('@bob !pack deploy brdel feat-x');
      await bot.waitFor((m) => m.mentions.includes('bob') && /^Deploy `[0-9a-f]{8}` from `brdel` feat-x/.test(m.text));
      const before = await repo.revParse('HEAD');
      const after = await repo.commit('solo 1.0.1', { 'actions/extra.yaml': '---\nname: extra\nrunner_type: python-script\nentry_point: hello.py\n' });
      const res = await deliver(bot.app.httpUrl() ?? '', 'github', githubPush({ url: repo.url, branch: 'main', before, after }, 's3cret-push'));
      expect(res.json['results']).toEqual([expect.objectContaining({ repo: 'brdel', status: 'skipped', packs: [], locked: ['solo'] })]);
    } finally {
      await bot.stop();
    }
  });
});
