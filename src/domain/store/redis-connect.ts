/**
 * Connecting to Redis the one way packbot does (the store and the BullMQ job runner): the
 * password in the URL reaches no message, a failure is a one-line `store_unavailable` naming
 * the fix, and a connection that was up keeps reconnecting in the background.
 */
import { Redis } from 'ioredis';
import { errorMessage } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { urlPasswordSpellings } from '../../core/net/url-credentials.js';
import { createMasker } from '../../core/masking/masker.js';

export interface RedisTarget {
  /** Turns a connection error into the user-facing one (masked). */
  unavailable: (err: unknown) => PackbotError;
  /** A connected, pinged client. */
  connect(opts: { maxRetriesPerRequest: number | null; connectTimeoutMs?: number }): Promise<Redis>;
}

export function redisTarget(url: string, what: string): RedisTarget {
  const masker = createMasker();
  // Nothing for a URL that is not one: ioredis will say so, and the masker still strips
  // anything userinfo-shaped.
  const password = urlPasswordSpellings(url);
  if (password.length > 0) masker.add(...password);
  const where = masker.mask(url);
  const unavailable = (err: unknown) => {
    const why = masker.mask(errorMessage(err).split('\n')[0] ?? '');
    return new PackbotError('store_unavailable', `the Redis ${what} at ${where} is unavailable (${why}): check store.url and that Redis is running`);
  };
  return {
    unavailable,
    async connect(opts) {
      const client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: opts.maxRetriesPerRequest,
        connectTimeout: opts.connectTimeoutMs ?? 5_000,
        // Keep reconnecting in the background (a Redis restart must not end the bot) while
        // single commands fail fast through maxRetriesPerRequest.
        retryStrategy: (times) => Math.min(times * 100, 2_000),
      });
      // Without a listener ioredis prints every connection error, unmasked, to the console.
      let lastError: unknown = null;
      client.on('error', (err: unknown) => (lastError = err));
      try {
        await client.connect();
        await client.ping();
      } catch (err) {
        client.disconnect();
        // connect() only says "Connection is closed."; the error event says why (ECONNREFUSED...).
        throw unavailable(lastError ?? err);
      }
      return client;
    },
  };
}
