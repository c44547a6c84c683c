import { describe, expect, it } from 'vitest';
import { startConsoleBot, type ConsoleBot } from '../helpers/bot.js';
import { createRepo, createSinglePackRepo } from '../helpers/git-repo.js';
import { pack } from '../helpers/deploy.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { createStoreHistory, type HistoryRecord } from '../../src/domain/store/history.js';
import { createMasker } from '../../src/core/masking/masker.js';

/** demo: alpha, beta and docker on main, a branch feature-x and a tag v1.2.0; solo: a single-pack repo. */
async function bot(): Promise<ConsoleBot> {
  const repo = await createRepo({ files: { ...pack('alpha'), ...pack('beta'), ...pack('docker') } });
  await repo.branch('feature-x');
  await repo.tag('v1.2.0');
  const solo = await createSinglePackRepo('solo');
  const yaml = [
    'state_dir: ./var',
    'log: {level: warn}',
    'repositories:',
    `  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`,
    `  solo: {repo: ${JSON.stringify(solo.url)}, branch: main, subtree: false}`,
  ].join('\n');
  return startConsoleBot(yaml);
}

/** The history the bot left, read from its state_dir after it stopped. */
async function historyOf(b: ConsoleBot): Promise<HistoryRecord[]> {
  const state = await createStateStore({ kind: 'embedded' }, { stateDir: b.app.config.state_dir });
  try {
    return await createStoreHistory(state, createMasker()).list();
  } finally {
    await state.close();
  }
}

describe('a deploy naming a ref or pack that is not there', () => {
  it('is answered before queueing, in one message with the close matches; the right names still deploy', async () => {
    const b = await bot();
    const typos = [
      '!pack deploy demo alpha featre-x',
      '!pack deploy demo alpha v1.2.O',
      '!pack deploy demo alpha deadbeef',
      '!pack deploy demo dokcer',
      '!pack deploy demo dokcer,alhpa,zzz',
      '!pack deploy solo solo mian',
    ];
    const out = await b.converse([...typos, '!pack deploy demo alpha,docker v1.2.0', '!pack deploy solo']);
    const texts = out.map((m) => m.text);
    // One reply each, in order: had any been queued, its turn's messages would sit between them.
    expect(texts.slice(0, typos.length)).toEqual([
      'There is no branch `featre-x` in demo. Did you mean `feature-x`? Branches: `feature-x`, `main`. Tags: `v1.2.0`.',
      'There is no tag `v1.2.O` in demo. Did you mean `v1.2.0`? Branches: `feature-x`, `main`. Tags: `v1.2.0`.',
      'There is no branch, tag or commit `deadbeef` in demo. Branches: `feature-x`, `main`. Tags: `v1.2.0`.',
      'No pack `dokcer` in demo at main: did you mean `docker`? Packs there: `alpha`, `beta`, `docker`.',
      'No packs `dokcer` (did you mean `docker`?), `alhpa` (did you mean `alpha`?), `zzz` in demo at main. Packs there: `alpha`, `beta`, `docker`.',
      'There is no branch `mian` in solo. Did you mean `main`? Branches: `main`.',
    ]);
    const rest = texts.slice(typos.length).join('\n');
    for (const typo of ['featre-x', 'v1.2.O', 'deadbeef', 'dokcer', 'alhpa', 'zzz', 'mian']) expect(rest).not.toContain(typo);

    // Nothing was started or recorded for the typos; the right names deployed.
    const records = await historyOf(b);
    expect(records.map((r) => [r.kind, r.repo, r.branch, r.result, r.packs.map((p) => `${p.pack}:${p.status}`).sort().join(',')]).sort()).toEqual([
      ['deploy', 'demo', 'v1.2.0', 'success', 'alpha:deployed,docker:deployed'],
      ['deploy', 'solo', 'main', 'success', 'solo:deployed'],
    ]);
  });
});
