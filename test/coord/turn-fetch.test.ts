import { describe, expect, it } from 'vitest';
import { createRepo } from '../helpers/git-repo.js';
import { pack } from '../helpers/deploy.js';
import { startConsoleBot } from '../helpers/bot.js';

const syncs = (logs: string) => logs.split('\n').filter((l) => /"msg":"git mirror (fetched|cloned)"/.test(l)).length;

describe('a deploy asked for in chat', () => {
  it('fetches when it is asked (to check its ref and packs) and once at its turn: the commit its plan was worked out at is deployed', async () => {
    const repo = await createRepo({ files: { ...pack('alpha'), ...pack('beta') } });
    const bot = await startConsoleBot(['state_dir: ./var', 'repositories:', `  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`].join('\n'));
    const said = await bot.converse(['!pack deploy demo']);
    const summary = said.find((m) => m.text.startsWith('Deploy `'));
    expect(summary?.text).toMatch(new RegExp(`at \`${(await repo.revParse('HEAD')).slice(0, 7)}\`: 2 ok, 0 failed`));
    // The plan's message and the deploy share the turn's one fetch.
    expect(said.some((m) => /^Deploying all 2 packs from `demo` \(main\)…/.test(m.text))).toBe(true);
    expect(syncs(bot.logs())).toBe(2);
  });
});
