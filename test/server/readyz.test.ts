import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../adapters/console/adapter.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { mountAppRoutes } from '../../src/interfaces/server/app-server.js';
import { createHttpServer } from '../../src/interfaces/server/http.js';
import { createMetrics } from '../../src/interfaces/server/metrics.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { tempDir } from '../helpers/config.js';

describe('/readyz', () => {
  it('is 200 only when started and the store answers; otherwise 503 saying what is wrong', async () => {
    const masker = createMasker();
    const logger = createLogger({ level: 'silent', masker, destination: new PassThrough(), pretty: false });
    const state = await createStateStore({ kind: 'embedded' }, { stateDir: await tempDir() });
    const adapter = new ConsoleAdapter({ input: new PassThrough(), output: new PassThrough(), user: 'u', channel: 'c', botName: 'packbot' });
    let started = false;
    const http = createHttpServer({ host: '127.0.0.1', port: 0, logger });
    const metrics = createMetrics({ queueDepth: async () => ({ waiting: 0, running: 0 }), locksHeld: async () => 0 }, { defaultMetrics: false });
    await mountAppRoutes(http.fastify, {
      state, adapters: [adapter], started: () => started, metrics, secrets: {}, bodyLimit: 1024, onPush: async () => [], logger, masker,
    });
    const base = await http.listen();
    try {
      const ask = async () => {
        const res = await fetch(`${base}/readyz`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      expect(await ask()).toEqual({ status: 503, body: { ready: false, store: 'ok', adapters: { console: false } } });
      started = true;
      expect(await ask()).toEqual({ status: 200, body: { ready: true, store: 'ok', adapters: { console: true } } });
      await state.close();
      const down = await ask();
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ ready: false, adapters: { console: true } });
      expect(down.body['store']).not.toBe('ok');
      // Without webhook secrets there are no webhook routes at all.
      expect((await fetch(`${base}/webhooks/github`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await http.close();
    }
  });
});
