import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveBot, type LiveBot } from '../../helpers/live-bot.js';
import { startOwnRedis, type OwnRedis } from '../../helpers/redis-server.js';
import { deliver, githubPush } from '../../helpers/webhooks.js';
import { scaled } from '../../helpers/budget.js';

const GH = 'gh-secret-for-outage-test-81';
/** A push for a repository packbot does not know: verified, read, and nothing deployed. */
const elsewhere = { url: 'https://github.com/someone/else.git', branch: 'main', before: 'a'.repeat(40) };

describe('a webhook delivery while the state store is down', () => {
  let redis: OwnRedis;
  let bot: LiveBot;
  let base: string;

  beforeAll(async () => {
    redis = await startOwnRedis();
    bot = await startLiveBot([
      'state_dir: ./var',
      `store: {kind: redis, url: ${JSON.stringify(redis.url)}, prefix: "packbot-test:${randomUUID()}:"}`,
      'server:',
      '  port: 0',
      `  webhooks: {github: {secret: ${GH}}}`,
    ].join('\n'));
    base = bot.app.httpUrl() ?? '';
  }, scaled(60_000));
  afterAll(async () => {
    await bot?.stop();
    await redis?.stop();
  }, scaled(60_000));

  it('is answered 503 saying so (the provider may redeliver), and taken once the store is back', async () => {
    await redis.kill();
    const push = githubPush({ ...elsewhere, after: 'd'.repeat(40) }, GH);
    const down = await deliver(base, 'github', push);
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBeDefined();
    expect(JSON.stringify(down.json)).toMatch(/store .*is unavailable.*Nothing was deployed; redeliver it/);

    await redis.restart();
    // The same delivery again, as a provider's redelivery sends it: not "seen before".
    const up = await deliver(base, 'github', push);
    expect(up).toMatchObject({ status: 202, json: { status: 'accepted' } });
  }, scaled(120_000));
});
