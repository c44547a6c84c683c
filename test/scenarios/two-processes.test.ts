import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startChat, stopAllChats } from '../helpers/chat-process.js';
import { writeConfig, tempDir } from '../helpers/config.js';
import { repoWithBumpedBranch } from '../helpers/deploy.js';
import { dropRedisPrefix, REDIS_URL } from '../helpers/stores.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { createStoreHistory, type HistoryRecord } from '../../src/domain/store/history.js';
import { createMasker } from '../../src/core/masking/masker.js';

const PACKS = Array.from({ length: 10 }, (_, i) => `p${i}`);
const REQUESTS = 200;

async function waitForHistory(read: () => Promise<HistoryRecord[]>, count: number, timeoutMs: number): Promise<HistoryRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = (await read()).filter((r) => r.kind === 'deploy');
    if (records.length >= count || Date.now() > deadline) return records;
    if (process.env['PACKBOT_TEST_TRACE']) process.stderr.write(`${records.length} deploys recorded\n`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('two packbot processes on one Redis', () => {
  afterEach(stopAllChats);

  it('handle each chat event once and run 200 requests over 10 packs with no pack deployed by two at once and none lost', async () => {
    const repo = await repoWithBumpedBranch(PACKS);
    const prefix = `packbot-test:${randomUUID()}:`;
    const dir = await tempDir('packbot-two-');
    const config = await writeConfig([
      'state_dir: ./var',
      'log: {level: warn}',
      `store: {kind: redis, url: ${JSON.stringify(REDIS_URL)}, prefix: ${JSON.stringify(prefix)}}`,
      `repositories:\n  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}`,
      'confirm: {policy: never}',
      'queue: {concurrency: 4}',
    ].join('\n'), dir);
    const a = startChat({ config, args: ['--no-wait'] });
    const b = startChat({ config, args: ['--no-wait'] });

    // Each pack has one deployer, who moves it between branches: every deploy really installs.
    const events = Array.from({ length: REQUESTS }, (_, i) => {
      const p = PACKS[i % PACKS.length] ?? 'p0';
      const branch = Math.floor(i / PACKS.length) % 2 === 0 ? 'feature-x' : 'main';
      return JSON.stringify({ id: `req-${i}`, user: `u${i % PACKS.length}`, channel: 'load', text: `!pack deploy demo ${p} ${branch}` });
    });
    for (const line of events) {
      a.say(line);
      b.say(line);
    }

    const store = await createStateStore({ kind: 'redis', url: REDIS_URL }, { stateDir: dir, prefix });
    try {
      const history = createStoreHistory(store, createMasker());
      const records = await waitForHistory(() => history.list(), REQUESTS, 120_000);
      expect(records).toHaveLength(REQUESTS);
      expect(new Set(records.map((r) => r.id)).size).toBe(REQUESTS);
      expect(records.filter((r) => r.result === 'failure' || r.result === 'partial')).toEqual([]);
      for (const p of PACKS) {
        const spans = records.filter((r) => r.packs.some((x) => x.pack === p))
          .map((r) => [Date.parse(r.started_at), Date.parse(r.finished_at)] as const)
          .sort((x, y) => x[0] - y[0]);
        expect(spans).toHaveLength(REQUESTS / PACKS.length);
        for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
      }
      // Every request was answered once between the two: one summary each, none twice. The
      // history is written just before a summary is posted, so both bots finish speaking first.
      await Promise.all([a.end(), b.end()]);
      const summaries = [...a.messages(), ...b.messages()].map((m) => /^Deploy `([0-9a-f]{8})`/.exec(m.text)?.[1]).filter(Boolean);
      expect(summaries).toHaveLength(REQUESTS);
      expect(new Set(summaries).size).toBe(REQUESTS);
    } finally {
      await a.end();
      await b.end();
      await store.close();
      await dropRedisPrefix(prefix);
    }
  }, 180_000);
});
