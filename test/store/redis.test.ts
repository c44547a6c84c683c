import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createStateStore } from '../../src/domain/store/index.js';
import { escapeGlob } from '../../src/domain/store/redis.js';
import { storeConformance } from './conformance.js';
import { dropRedisPrefix, expectUnreachableRedis } from '../helpers/stores.js';

// Never skipped: without a Redis these tests fail (CI starts one).
const URL = process.env.PACKBOT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefixes: string[] = [];

/** Each test gets its own namespace (glob characters included, to prove they are escaped). */
function freshPrefix(): string {
  const prefix = `packbot-test:${randomUUID()}:[*?]:`;
  prefixes.push(prefix);
  return prefix;
}

afterAll(async () => {
  for (const prefix of prefixes) await dropRedisPrefix(prefix);
});

storeConformance('redis', async () => {
  const prefix = freshPrefix();
  const open = () => createStateStore({ kind: 'redis', url: URL }, { stateDir: '/nonexistent', prefix });
  let current = await open();
  return {
    store: current,
    advance: (ms) => new Promise((r) => setTimeout(r, ms)),
    async reopen() {
      await current.close();
      current = await open();
      return current;
    },
  };
});

describe('redis store', () => {
  it('fails with store_unavailable, without the password, when Redis cannot be reached', async () => {
    await expectUnreachableRedis(createStateStore({ kind: 'redis', url: 'redis://packbot:s3cret-pass@127.0.0.1:1/0' }, { stateDir: '/nonexistent' }), 's3cret-pass');
  });

  it('keeps instances with different prefixes apart', async () => {
    const a = await createStateStore({ kind: 'redis', url: URL }, { stateDir: '/nonexistent', prefix: freshPrefix() });
    const b = await createStateStore({ kind: 'redis', url: URL }, { stateDir: '/nonexistent', prefix: freshPrefix() });
    try {
      await a.set('k', 'a');
      expect(await b.get('k')).toBeNull();
      expect(await b.keys('')).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
