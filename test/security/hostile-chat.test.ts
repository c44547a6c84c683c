import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMasker } from '../../src/core/masking/masker.js';
import { createStoreHistory } from '../../src/domain/store/history.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { startConsoleBot } from '../helpers/bot.js';
import { pack } from '../helpers/deploy.js';
import { createRepo } from '../helpers/git-repo.js';

/**
 * Hostile chat input, each line on its own: it must be answered with one clear error that
 * names the problem, and change nothing — no file written outside staging, no git or other
 * child process started for it, no deploy recorded.
 */
const hostileLines = (m: string): string[] => [
  // refs: options, transports, traversal, shell syntax, ref-format violations
  `!pack deploy demo alpha --upload-pack=touch${m}`,
  `!pack deploy demo alpha -c`,
  `!pack deploy demo alpha --output=${m}`,
  `!pack deploy demo alpha ext::sh`,
  '!pack deploy demo alpha ../../etc',
  '!pack deploy demo alpha refs/heads/../../x',
  '!pack deploy demo alpha main..feature',
  '!pack deploy demo alpha @{-1}',
  `!pack deploy demo alpha $(touch${m})`,
  `!pack deploy demo alpha \`touch${m}\``,
  '!pack deploy demo alpha topic.lock',
  '!pack deploy demo alpha -',
  '!pack deploy demo alpha HEAD:../../x',
  '!pack deploy demo alpha x/.git',
  `!pack deploy demo alpha ${'b'.repeat(300)}`,
  '!pack deploy demo alpha main^{tree}',
  // repositories: unknown names, paths, URLs and transports (allow_urls is off)
  '!pack deploy ../../etc/passwd alpha',
  '!pack deploy file:///etc alpha',
  '!pack deploy ext::sh%20-c%20id alpha',
  `!pack deploy --template=${m} alpha`,
  '!pack deploy https://evil.example/x.git alpha',
  '!pack deploy git@evil.example:x.git alpha',
  '!pack deploy demo;id alpha',
  `!pack deploy -oProxyCommand=touch${m} alpha`,
  // pack names
  '!pack deploy demo ../alpha',
  '!pack deploy demo .git',
  '!pack deploy demo alpha/../../x',
  '!pack deploy demo -rf',
  '!pack deploy demo alpha,../../x',
  '!pack deploy demo %2e%2e',
  `!pack deploy demo ${'p'.repeat(300)}`,
  // the pack store: rollback, uninstall, status, info, history
  '!pack rollback alpha ../../etc',
  '!pack rollback ../x',
  '!pack uninstall ../../etc',
  '!pack uninstall .',
  '!pack status ../../etc',
  '!pack info /etc/passwd',
  '!pack history ../x',
  // coordination
  '!pack lock extend alpha 99999999999d',
  '!pack lock extend alpha -1h',
  '!pack lock extend ../x 1h',
  '!pack unlock ../../etc',
  '!pack cancel ../../x',
  `!pack cancel ${'x'.repeat(500)}`,
  '!pack confirm {{constructor.constructor}}',
  // registry installs: names and versions are checked before any index is read
  '!pack install ../../etc/passwd',
  `!pack install --upload-pack=touch${m}`,
  '!pack install slack==1.0',
  '!pack install slack=master',
  '!pack install https://evil.example/x.tar.gz',
  `!pack install slack=${'9'.repeat(300)}`,
  '!pack install slack=$(id)',
  '!pack deps ../../etc',
  // size and backtracking bait
  `!pack deploy demo ${'a,'.repeat(3000)}`,
  `!pack deploy ${'(a+)+$ '.repeat(50)}`,
];

async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      out.push(path.relative(dir, p));
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out.sort();
}

describe('hostile chat input', () => {
  it('is answered with one clear error per line and changes nothing', async () => {
    const repo = await createRepo({ files: { ...pack('alpha'), ...pack('beta') } });
    const bot = await startConsoleBot([
      'state_dir: ./var',
      'log: {level: debug}',
      'repositories:',
      `  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`,
    ].join('\n'));
    const marker = path.join(bot.dir, 'pwned');
    const stateBefore = await tree(bot.app.config.state_dir);
    const lines = hostileLines(` ${marker}`.replace(/ /g, '_'));
    expect(lines.length).toBeGreaterThanOrEqual(40);
    const out = await bot.converse(lines.map((l) => `@mallory #general ${l}`));

    // One answer per line, each a refusal that says what is wrong (not an internal error).
    expect(out).toHaveLength(lines.length);

    out.forEach((m, i) => {
      const why = `${lines[i]} → ${m.text}`;
      expect(m.text, why).not.toMatch(/Something went wrong|\n\s+at |^Deploying .* from `|^Deploy `|^Queued/);
      expect(m.text, why).toMatch(/not a valid|invalid|unknown|no such|isn't|is not|not installed|not locked|no queued|nothing|must|expected|too long|characters|only|can't|cannot|refus|don't know|no release|not allowed|are not|no history|turned off|lists the|no deployment waiting|not a pack name/i);
      expect(m.text.split('\n')[0]!.length, why).toBeLessThan(400);
    });

    // Nothing happened: no marker, no mirror, no pack, no staging left, no deploy recorded, no git run.
    expect(existsSync(marker)).toBe(false);
    const stateAfter = (await tree(bot.app.config.state_dir)).filter((p) => !p.startsWith('state'));
    expect(stateAfter.filter((p) => !stateBefore.includes(p))).toEqual([]);
    expect(await tree(bot.app.config.packs_dir)).toEqual([]);
    // The bot has stopped: read its history as the next process would.
    const store = await createStateStore({ kind: 'embedded' }, { stateDir: bot.app.config.state_dir });
    const history = await createStoreHistory(store, createMasker()).list();
    await store.close();
    expect(history.filter((r) => r.kind !== 'denied')).toEqual([]);
    expect(bot.logs()).not.toMatch(/"msg":"git /);
  }, 60_000);
});
