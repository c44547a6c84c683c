/**
 * Event claims on a real Redis (chat/claim.ts): a live claim is waited for and then ignored, a
 * dead claimer's lapsed lease is taken over with the same request id, and a store that can't
 * be reached falls back to this process's memory.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logging/logger.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { createStateStore, type StateStore } from '../../src/domain/store/index.js';
import { storeClaims } from '../../src/interfaces/chat/claim.js';
import { dropRedisPrefix, REDIS_URL } from '../helpers/stores.js';
import { startOwnRedis, stopOwnRedises } from '../helpers/redis-server.js';

const logger = () => createLogger({ level: 'warn', masker: createMasker(), destination: new PassThrough(), pretty: false });
const opened: Array<{ store: StateStore; prefix: string }> = [];

async function openStore(url = REDIS_URL): Promise<StateStore> {
  const prefix = `packbot-test:${randomUUID()}:`;
  const store = await createStateStore({ kind: 'redis', url }, { stateDir: '/nonexistent', prefix });
  if (url === REDIS_URL) opened.push({ store, prefix });
  return store;
}

afterEach(async () => {
  for (const { store, prefix } of opened.splice(0)) {
    await store.close();
    await dropRedisPrefix(prefix);
  }
  await stopOwnRedises();
});

describe('event claims', () => {
  it('hand an event to one replica; another waits for it to be done and then ignores it', async () => {
    const store = await openStore();
    const a = storeClaims({ store, logger: logger(), doneTtlMs: 60_000, owner: 'a' });
    const b = storeClaims({ store, logger: logger(), doneTtlMs: 60_000, owner: 'b' });
    const claim = await a.claim('slack:1');
    expect(claim).toMatchObject({ retried: false, requestId: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(await a.claim('slack:1')).toBeNull(); // its own duplicate: it is handling it
    expect(await store.get('seen:slack:1')).toBe('lease:a');
    const waiting = b.claim('slack:1');
    await claim!.done();
    expect(await waiting).toBeNull();
    expect(await store.get('seen:slack:1')).toBe('done');
    expect(await b.claim('slack:1')).toBeNull();
  });

  it('take over from a claimer that died once its lease lapses, with the request id it chose', async () => {
    const store = await openStore();
    // What a replica that died mid-way leaves: a short lease nobody renews, and its request id.
    await store.set('seen:slack:2', 'lease:dead', { ttlMs: 300 });
    await store.set('event:slack:2', 'cafe0123', { ttlMs: 60_000 });
    const b = storeClaims({ store, logger: logger(), doneTtlMs: 60_000, owner: 'b' });
    const claim = await b.claim('slack:2');
    expect(claim).toMatchObject({ retried: true, requestId: 'cafe0123' });
    // That one was never queued: a new id, which a later delivery takes too.
    const reissued = await claim!.reissue();
    expect(reissued).not.toBe('cafe0123');
    expect(await store.get('event:slack:2')).toBe(reissued);
    await claim!.done();
    expect(await store.get('seen:slack:2')).toBe('done');
  });

  it('answer from memory when the store is down: once per event in this process', async () => {
    const redis = await startOwnRedis({ persist: false });
    const store = await openStore(redis.url);
    const claims = storeClaims({ store, logger: logger(), doneTtlMs: 60_000 });
    await redis.kill();
    const claim = await claims.claim('discord:4');
    expect(claim).toMatchObject({ retried: false });
    await claim!.done();
    expect(await claims.claim('discord:4')).toBeNull();
    await store.close();
  });
});
