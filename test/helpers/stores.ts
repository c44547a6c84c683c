import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { isPackbotError } from '../../src/core/errors.js';
import { createStateStore, type StateStore } from '../../src/domain/store/index.js';
import { escapeGlob } from '../../src/domain/store/redis.js';
import { tempDir } from './git-repo.js';

/** A real Redis on loopback (.ci/run starts one); these tests never skip. */
export const REDIS_URL = process.env['PACKBOT_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export type OpenStore = (now?: () => number) => Promise<StateStore>;

/**
 * Every StateStore backend, for suites that run the same coordination tests on each. The
 * embedded one gets a fresh state dir; Redis a fresh key prefix.
 */
export const STORE_BACKENDS: Array<[name: 'embedded' | 'redis', open: OpenStore]> = [
  ['embedded', async (now) => createStateStore({ kind: 'embedded' }, { stateDir: await tempDir('packbot-store-'), ...(now ? { now } : {}) })],
  ['redis', async () => createStateStore({ kind: 'redis', url: REDIS_URL }, { stateDir: '/nonexistent', prefix: `packbot-test:${randomUUID()}:` })],
];

/** Removes what a test left under `prefix` and closes the store. */
export async function cleanUp(store: StateStore, prefix: string): Promise<void> {
  for (const key of await store.keys(prefix)) await store.delete(key);
  await store.close();
}

/** Deletes every Redis key under `prefix` (store keys, lists, BullMQ's), for tests that share the server. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await admin.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
  } finally {
    await admin.quit();
  }
}

/** What opening anything on an unreachable Redis must fail with: one line, the address, no password. */
export async function expectUnreachableRedis(opening: Promise<unknown>, password: string): Promise<string> {
  const err = await opening.then(() => null, (e: unknown) => e);
  expect(isPackbotError(err) && err.code).toBe('store_unavailable');
  const message = (err as Error).message;
  expect(message).not.toContain(password);
  expect(message).toContain('127.0.0.1:1');
  expect(message.split('\n')).toHaveLength(1);
  return message;
}
