/**
 * The primitives the deploy queue is built on, on both backends: ordered indexes, and
 * transact() (checks, then several keys and index members changed together or not at all).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createStateStore, type StateStore } from '../../src/domain/store/index.js';
import { openEmbeddedStore } from '../../src/domain/store/embedded.js';
import { maskedStore } from '../../src/domain/store/masked.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { tempDir } from '../helpers/git-repo.js';
import { dropRedisPrefix, REDIS_URL } from '../helpers/stores.js';

const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await dropRedisPrefix(prefix);
});

/** A store, and how to reach the same state again (embedded: reopened from disk). */
const backends: Array<[string, () => Promise<{ open: () => Promise<StateStore> }>]> = [
  ['embedded', async () => {
    const stateDir = await tempDir('packbot-tx-');
    return { open: () => createStateStore({ kind: 'embedded' }, { stateDir }) };
  }],
  ['redis', async () => {
    const prefix = `packbot-test:${randomUUID()}:`;
    prefixes.push(prefix);
    return { open: () => createStateStore({ kind: 'redis', url: REDIS_URL }, { stateDir: '/nonexistent', prefix }) };
  }],
];

describe.each(backends)('ordered indexes and transact over the %s store', (_name, backend) => {
  it('keeps members by score (ties by member), pages them, counts them, and moves a re-added member', async () => {
    const store = await (await backend()).open();
    try {
      expect(await store.indexRange('i', 0, 10)).toEqual([]);
      expect(await store.indexSize('i')).toBe(0);
      const ops = [['c', 3], ['a', 1], ['b', 2], ['bb', 2], ['z', 10]] as const;
      expect(await store.transact([], ops.map(([member, score]) => ({ op: 'index-add', index: 'i', member, score })))).toBe(true);
      expect(await store.indexRange('i', 0, Infinity)).toEqual(['a', 'b', 'bb', 'c', 'z']);
      expect(await store.indexRange('i', 1, 2)).toEqual(['b', 'bb']);
      expect(await store.indexRange('i', 4, 10)).toEqual(['z']);
      expect(await store.indexRange('i', 0, 0)).toEqual([]);
      expect(await store.indexSize('i')).toBe(5);
      await store.transact([], [{ op: 'index-add', index: 'i', member: 'a', score: 20 }, { op: 'index-remove', index: 'i', member: 'bb' }]);
      expect(await store.indexRange('i', 0, Infinity)).toEqual(['b', 'c', 'z', 'a']);
      // Indexes live apart from keys.
      expect(await store.keys('')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('applies every op only when every check holds', async () => {
    const store = await (await backend()).open();
    try {
      await store.set('v', '1');
      const ops = [
        { op: 'set', key: 'a', value: 'A' }, { op: 'del', key: 'v' }, { op: 'index-add', index: 'i', member: 'm', score: 1 },
      ] as const;
      expect(await store.transact([{ key: 'v', expected: '2' }], ops)).toBe(false);
      expect(await store.transact([{ key: 'v', expected: '1' }, { key: 'a', expected: 'x' }], ops)).toBe(false);
      expect(await store.getMany(['a', 'v'])).toEqual([null, '1']);
      expect(await store.indexSize('i')).toBe(0);
      expect(await store.transact([{ key: 'v', expected: '1' }, { key: 'a', expected: null }], ops)).toBe(true);
      expect(await store.getMany(['a', 'v'])).toEqual(['A', null]);
      expect(await store.indexRange('i', 0, 5)).toEqual(['m']);
      // Absent means absent: the same transaction again finds 'a' there and 'v' gone.
      expect(await store.transact([{ key: 'a', expected: null }], ops)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('lets exactly one of 50 concurrent transactions on one version win', async () => {
    const store = await (await backend()).open();
    try {
      await store.set('version', '0');
      const wins = await Promise.all(Array.from({ length: 50 }, (_, i) => store.transact(
        [{ key: 'version', expected: '0' }],
        [{ op: 'set', key: 'version', value: String(i + 1) }, { op: 'index-add', index: 'winners', member: `w${i}`, score: i }],
      )));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await store.indexSize('winners')).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('keeps indexes and transactions across a restart', async () => {
    const { open } = await backend();
    const first = await open();
    await first.transact([], [
      { op: 'set', key: 'k', value: 'v' }, { op: 'index-add', index: 'i', member: 'x', score: 2 }, { op: 'index-add', index: 'i', member: 'y', score: 1 },
    ]);
    await first.transact([], [{ op: 'index-remove', index: 'i', member: 'x' }, { op: 'index-add', index: 'j', member: 'z', score: 0 }]);
    await first.close();
    const second = await open();
    try {
      expect(await second.get('k')).toBe('v');
      expect(await second.indexRange('i', 0, Infinity)).toEqual(['y']);
      expect(await second.indexRange('j', 0, Infinity)).toEqual(['z']);
    } finally {
      await second.close();
    }
  });

  it('masks what a transaction stores, members included, so a removal still finds them', async () => {
    const masker = createMasker(['hunter2-secret']);
    const store = maskedStore(await (await backend()).open(), masker);
    try {
      await store.transact([], [{ op: 'set', key: 'k', value: 'token hunter2-secret' }, { op: 'index-add', index: 'i', member: 'hunter2-secret', score: 1 }]);
      expect(await store.get('k')).not.toContain('hunter2-secret');
      expect((await store.indexRange('i', 0, 1)).join()).not.toContain('hunter2-secret');
      await store.transact([], [{ op: 'index-remove', index: 'i', member: 'hunter2-secret' }]);
      expect(await store.indexSize('i')).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe('the embedded store\'s indexes', () => {
  it('survive compaction into a snapshot and the journal replayed after it', async () => {
    const stateDir = await tempDir('packbot-tx-');
    const open = () => openEmbeddedStore({ stateDir, compactAt: { entries: 25 } });
    const first = await open();
    // 61 lines: compacted twice, with lines after the last snapshot left to replay.
    for (let i = 0; i < 60; i++) {
      await first.transact([], Array.from({ length: 200 }, (_, j) => ({ op: 'index-add' as const, index: 'big', member: `m${i * 200 + j}`, score: i * 200 + j })));
    }
    await first.transact([], [{ op: 'index-remove', index: 'big', member: 'm0' }]);
    await first.close();
    const second = await open();
    try {
      expect(await second.indexSize('big')).toBe(11_999);
      expect(await second.indexRange('big', 0, 2)).toEqual(['m1', 'm2']);
    } finally {
      await second.close();
    }
  });
});
