import { describe, expect, it } from 'vitest';
import { startConsoleBot } from '../helpers/bot.js';
import { pack } from '../helpers/deploy.js';
import { scenarioRepo } from './setup.js';

describe('notifications and announcements', () => {
  it("tells the repo's notify_channel about deploys and locks, and announces what a default-branch deploy changed", async () => {
    const repo = await scenarioRepo();
    const bot = await startConsoleBot([
      'state_dir: ./var',
      'log: {level: warn}',
      'repositories:',
      `  demo: {repo: ${JSON.stringify(repo.url)}, branch: main, notify_channel: ops, announce_channel: releases, confirm: {policy: never}}`,
    ].join('\n'));
    // First main deploy, then a test branch (locks), then back to main with a new action on main.
    await repo.commit('alpha: add status action', pack('alpha', { version: '1.2.0', actions: ['hello', 'status'] }));
    const out = await bot.converse([
      '@alice #dev !pack deploy demo alpha',
      '@alice #dev !pack deploy demo alpha feature-x',
      '@alice #dev !pack deploy demo alpha',
      '@bob #ops !pack deploy demo beta',
    ]);
    const ops = out.filter((m) => m.channel === 'ops').map((m) => m.text);
    const releases = out.filter((m) => m.channel === 'releases').map((m) => m.text);

    expect(ops.filter((t) => t.startsWith('▶ @alice is deploying *alpha* from demo _main_'))).toHaveLength(2);
    expect(ops.filter((t) => /^✓ @alice's deploy `[0-9a-f]{8}` of \*alpha\* from demo _main_ finished: 1 ok, 0 failed/.test(t))).toHaveLength(2);
    expect(ops).toContainEqual(expect.stringMatching(/^▶ @alice is deploying \*alpha\* from demo _feature-x_/));
    // The lock a deploy took or gave back is a line added to that deploy's notify message (an edit: the console prints what is new).
    expect(ops).toContainEqual(expect.stringMatching(/^🔒 \*alpha\* stays on _feature-x_, locked to @alice until they deploy _main_ or the lock ends in /));
    expect(ops).toContainEqual("🔓 *alpha* is back on _main_; @alice's lock is released.");
    // Bob deployed in #ops itself: nobody needs telling twice there.
    expect(ops.filter((t) => t.includes('@bob is deploying'))).toEqual([]);

    // Announcements: each default-branch deploy that installed something; not the feature-x one.
    expect(releases).toHaveLength(3);
    expect(releases[0]).toMatch(/^🎉 \*demo\* _main_ is live — deployed by @alice/);
    expect(releases[0]).toContain('*alpha* 1.2.0 (new)');
    expect(releases.join('\n')).not.toContain('feature-x');
    // The second main deploy replaced the feature-x release: the change is told against it.
    expect(releases[1]).toContain('*alpha* 1.1.0 → 1.2.0');
    expect(releases[1]).toContain('1 action added: status');
    expect(releases[2]).toMatch(/deployed by @bob/);
    expect(releases[2]).toContain('*beta* 1.0.0 (new)');
  }, 60_000);
});
