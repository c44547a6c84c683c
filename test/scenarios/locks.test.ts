import { afterEach, describe, expect, it } from 'vitest';
import { stopAllChats } from '../helpers/chat-process.js';
import { scenarioChat } from './setup.js';

const summary = (user: string) => (m: { text: string; mentions: string[] }) => m.mentions.includes(user) && /^Deploy `[0-9a-f]{8}`/.test(m.text);

describe('branch locks, scripted through packbot chat', () => {
  afterEach(stopAllChats);

  it('refuses others with who, branch, since when, when it reverts and how to unlock; the same branch is allowed; the owner releases it by deploying the default branch', async () => {
    const { chat } = await scenarioChat();
    chat.say('@alice !pack deploy demo alpha feature-x');
    expect((await chat.waitFor(summary('alice'))).text).toMatch(/✓ alpha 1\.1\.0 — deployed/);

    chat.say('@bob !pack deploy demo alpha');
    const refusal = await chat.waitFor(/is locked/);
    expect(refusal.text).toMatch(
      /^alpha is locked to branch feature-x by @alice since \d+s ago; it goes back to main automatically in (59m|1h)\. Ask @alice to release it with `!pack unlock alpha` \(admins can force it\), or deploy feature-x itself\.$/,
    );

    chat.say('@bob !pack deploy demo alpha feature-x');
    expect((await chat.waitFor(summary('bob'))).text).toMatch(/= alpha 1\.1\.0 — already at/);
    chat.say('@bob !pack locks');
    expect((await chat.waitFor(/^Locked packs:/)).text).toMatch(/• alpha on demo _feature-x_ — @alice since \d+s, reverts in (59m|1h)/);

    chat.say('!pack status alpha');
    expect((await chat.waitFor(/is active/)).text.split('\n')[1]).toMatch(/^🔒 Locked to demo _feature-x_ by @alice since \d+s; reverts in (59m|1h)\.$/);

    chat.say('@alice !pack deploy demo alpha');
    expect((await chat.waitFor(summary('alice'))).text).toMatch(/✓ alpha 1\.0\.0 — deployed/);
    chat.say('@bob !pack locks');
    expect((await chat.waitFor(/locked/)).text).toBe('No packs are locked.');
    chat.say('@bob !pack deploy demo alpha feature-x');
    expect((await chat.waitFor(summary('bob'))).text).toMatch(/✓ alpha 1\.1\.0 — deployed/);
    expect((await chat.end()).code).toBe(0);
  });

  it('lets only the owner or an admin unlock; a forced unlock is announced in the notify channel and recorded in history', async () => {
    const { chat } = await scenarioChat();
    chat.say('@alice !pack deploy demo alpha feature-x');
    await chat.waitFor(summary('alice'));
    chat.say('@bob !pack unlock alpha');
    expect((await chat.waitFor(/unlock/)).text).toBe('alpha is locked by @alice; only they or an admin can unlock it.');
    chat.say('@bob !pack lock extend alpha 2h');
    expect((await chat.waitFor(/extend/)).text).toBe('alpha is locked by @alice; only they can extend it.');
    chat.say('@alice !pack lock extend alpha 2h');
    expect((await chat.waitFor(/stays on/)).text).toMatch(/^\*alpha\* stays on _feature-x_ until \S+ \(in 2h\)\.$/);

    chat.say('@root #general !pack unlock alpha');
    const forced = await chat.waitFor((m) => m.channel === 'ops');
    expect(forced.text).toBe("⚠ @root force-released @alice's lock on *alpha* (branch _feature-x_). It stays on _feature-x_ until the next deploy.");
    expect((await chat.waitFor((m) => m.channel === 'general', { from: forced.index })).text).toBe(forced.text);

    chat.say('@bob !pack deploy demo alpha');
    expect((await chat.waitFor(summary('bob'))).text).toMatch(/✓ alpha 1\.0\.0 — deployed/);
    chat.say('!pack history alpha');
    const history = (await chat.waitFor(/^History of alpha/)).text.split('\n');
    expect(history[1]).toMatch(/deploy by bob — success/);
    expect(history[2]).toMatch(/unlock by root — success/);
    expect(history[3]).toMatch(/deploy by alice — success/);
    await chat.end();
  });

  it('warns the owner before the lock runs out, then deploys the default branch itself, releases the lock and announces it', async () => {
    const { chat } = await scenarioChat('locks: {revert_after: 5s, warn_before: 3s}');
    chat.say('@alice !pack deploy demo alpha feature-x');
    await chat.waitFor(summary('alice'));
    const warning = await chat.waitFor(/goes back/);
    expect(warning.mentions).toEqual(['alice']);
    expect(warning.text).toMatch(/^\*alpha\* goes back to demo _main_ in \ds, when your lock on _feature-x_ ends\. `!pack lock extend alpha 1h` keeps it longer\.$/);
    const reverted = await chat.waitFor(/is back on/);
    expect(reverted).toMatchObject({ channel: 'general', mentions: ['alice'] });
    expect(reverted.text).toMatch(/^↩ \*alpha\* is back on demo _main_: @alice's lock on _feature-x_ expired after \ds\.$/);
    // The repo's notify_channel heard it all: the deploy, the lock, and the revert.
    expect((await chat.waitFor((m) => m.channel === 'ops' && /is back on/.test(m.text), { from: 0 })).text).toBe(reverted.text);
    const ops = chat.messages().filter((m) => m.channel === 'ops').map((m) => m.text);
    expect(ops[0]).toMatch(/^▶ @alice is deploying \*alpha\* from demo _feature-x_/);
    // The lock is a line added to the deploy's notify message.
    expect(ops).toContainEqual(expect.stringMatching(/^🔒 \*alpha\* stays on _feature-x_, locked to @alice/));

    chat.say('!pack locks');
    expect((await chat.waitFor(/locked/)).text).toBe('No packs are locked.');
    chat.say('!pack status alpha');
    expect((await chat.waitFor(/is active/)).text).toMatch(/^alpha 1\.0\.0 is active: .* from demo main /);
    chat.say('!pack history alpha');
    expect((await chat.waitFor(/^History of alpha/)).text.split('\n')[1]).toMatch(/deploy by auto-revert — success/);
    await chat.end();
  });
});
