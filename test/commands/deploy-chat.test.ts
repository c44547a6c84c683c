import { describe, expect, it } from 'vitest';
import { startConsoleBot } from '../helpers/bot.js';
import { createRepo } from '../helpers/git-repo.js';
import { pack } from '../helpers/deploy.js';

async function bot() {
  const repo = await createRepo({ files: { ...pack('alpha', { actions: ['hello', 'bye'] }), ...pack('beta') } });
  await repo.branch('feature-x');
  await repo.checkout('feature-x');
  await repo.commit('alpha 1.1', pack('alpha', { version: '1.1.0' }));
  await repo.checkout('main');
  const yaml = `state_dir: ./var\nrepositories:\n  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}\nlog: {level: warn}\n`;
  return startConsoleBot(yaml);
}

describe('deploy commands in chat', () => {
  it('acknowledges, reports the stages as they go, then edits that message into a summary per pack', async () => {
    const b = await bot();
    const out = await b.converse(['@bob #ops !pack deploy demo alpha,beta']);
    const texts = out.map((m) => m.text);
    const [head, ...plan] = (texts[0] ?? '').split('\n');
    expect(head).toBe('Deploying alpha,beta from `demo` (main)…');
    // Nobody was asked to confirm it: the message still says, briefly, what it changes.
    expect(plan).toEqual([
      expect.stringMatching(/^• \*alpha\* 1\.0\.0 \(new, [0-9a-f]{7}\): \+2 actions; 1 commit$/),
      expect.stringMatching(/^• \*beta\* 1\.0\.0 \(new, [0-9a-f]{7}\): \+1 action; 1 commit$/),
    ]);
    // The console merges progress edits 200 ms apart (app.ts): how many lines each edit shows
    // depends on the machine's speed, and the last stages may go straight into the summary.
    // Every line shown is a stage that ran, and the first edit starts with the first stage.
    const progress = texts.slice(1, -1);
    const stages = ['resolve', 'fetch', 'discover', 'validate alpha', 'validate beta', 'install alpha', 'install beta', 'register', 'dependencies'];
    expect(progress[0]).toMatch(/^✓ resolve \(/);
    for (const line of progress.flatMap((t) => t.split('\n'))) {
      expect(stages.some((stage) => line.startsWith(`✓ ${stage} (`)), line).toBe(true);
    }
    const summary = out.at(-1);
    // The deploy's one message, edited into its summary, names its requester.
    expect(summary?.mentions).toEqual(['bob']);
    expect(summary?.channel).toBe('ops');
    expect(summary?.text).toMatch(/^Deploy `[0-9a-f]{8}` from `demo` main at `[0-9a-f]{7}`: 2 ok, 0 failed/);
    expect(summary?.text).toMatch(/✓ alpha 1\.0\.0 — deployed 1\.0\.0-[0-9a-f]{7}-/);
  });

  it('answers list, status, info, history, rollback and uninstall', async () => {
    const b = await bot();
    const out = await b.converse([
      '!pack deploy demo alpha',
      '@carol !pack deploy demo alpha feature-x',
      '!pack deploy demo alpha feature-x',
      '!pack list',
      '!pack status alpha',
      '!pack info alpha',
      '!pack history alpha',
      // carol holds alpha's branch lock: only she (or an admin) may roll it back or remove it.
      '!pack rollback alpha',
      '@carol !pack rollback alpha',
      '@carol !pack uninstall alpha,nothere',
      '!pack info alpha',
    ]);
    const texts = out.map((m) => m.text);
    const find = (re: RegExp) => texts.find((t) => re.test(t)) ?? '';
    expect(find(/already at/)).toMatch(/= alpha 1\.1\.0 — already at [0-9a-f]{7}, nothing to do/);
    expect(find(/^Installed packs:/)).toMatch(/• alpha 1\.1\.0 — demo feature-x `[0-9a-f]{7}`, by carol just now/);
    expect(find(/is active: release/)).toMatch(/^alpha 1\.1\.0 is active: release `1\.1\.0-/);
    expect(find(/actions?, .* rules?/)).toMatch(/2 actions, 0 rules, 0 sensors, 0 aliases/);
    expect(find(/^History of alpha:/).split('\n').filter((l) => l.startsWith('• '))).toHaveLength(3);
    expect(find(/is locked to branch feature-x by @carol/)).toMatch(/pack unlock alpha/);
    expect(find(/^Rolled alpha back/)).toMatch(/^Rolled alpha back to `1\.0\.0-[0-9a-f]{7}-\w+` \(1\.0\.0\), was `1\.1\.0-/);
    expect(find(/uninstalled/)).toMatch(/✓ alpha uninstalled \(was `1\.0\.0-.*\n✗ nothere is not installed/);
    expect(texts.at(-1)).toBe('alpha is not installed.');
  });

  it('reports a failed deploy in one line with the fix', async () => {
    const b = await bot();
    const out = await b.converse(['!pack deploy nowhere', '!pack deploy demo alpha --upload-pack=touch']);
    // Checked before anything is queued: one line, nothing started.
    expect(out.map((m) => m.text)).toEqual([
      'Unknown repository "nowhere" (configured: demo). Add it under repositories: in packbot.yaml.',
      expect.stringMatching(/--upload-pack=touch/),
    ]);
  });
});
