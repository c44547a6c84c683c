import { afterEach, describe, expect, it } from 'vitest';
import { createStoreHistory, type HistoryRecord } from '../../src/domain/store/history.js';
import { createMasker } from '../../src/core/masking/masker.js';
import type { StateStore } from '../../src/domain/store/index.js';
import { STORE_BACKENDS } from '../helpers/stores.js';

const record = (id: string, pack: string, extra: Partial<HistoryRecord> = {}): HistoryRecord => ({
  id, kind: 'deploy', requested_by: 'console:alice', started_at: '2026-11-21T10:00:00.000Z', finished_at: '2026-11-21T10:00:01.000Z',
  duration_ms: 1000, result: 'success', packs: [{ pack, status: 'deployed', from: null, to: `${pack}-1`, warnings: [] }], stages: {}, ...extra,
});

describe.each(STORE_BACKENDS)('history over the %s store', (_name, open) => {
  const stores: StateStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it('lists newest first, by pack, finds by id, keeps only the newest `max`, and masks secrets before storing', async () => {
    const store = await open();
    stores.push(store);
    const masker = createMasker();
    masker.add('s3cret-token-value');
    const history = createStoreHistory(store, masker, 3);
    await history.append(record('a1', 'alpha'));
    await history.append(record('b1', 'beta', { error: 'fetch failed with s3cret-token-value' }));
    await history.append(record('a2', 'alpha', { kind: 'unlock', note: 'forced' }));
    expect((await history.list()).map((r) => r.id)).toEqual(['a2', 'b1', 'a1']);
    expect((await history.list({ pack: 'alpha' })).map((r) => r.id)).toEqual(['a2', 'a1']);
    expect((await history.list({ limit: 1 })).map((r) => r.id)).toEqual(['a2']);
    expect((await history.get('b1'))?.error).toBe('fetch failed with ***');
    expect(JSON.stringify(await store.recent('history', 10))).not.toContain('s3cret-token-value');
    await history.append(record('c1', 'gamma'));
    expect((await history.list()).map((r) => r.id)).toEqual(['c1', 'a2', 'b1']);
    expect(await history.get('a1')).toBeNull();
  });
});
