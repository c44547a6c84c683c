/**
 * The fake Slack's realistic mode, which slack-limits.test.ts relies on to mean anything: it
 * limits as documented, echoes the bot's posts, pings, and records acks and pongs. Off by
 * default, so every other Slack test sees the plain fake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FAKE_BOT, startFakeSlack, type FakeSlack } from '../../helpers/fake-slack.js';

let fake: FakeSlack | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await fake?.close();
  fake = undefined;
});

async function call(f: FakeSlack, method: string, params: Record<string, string>): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const res = await fetch(`${f.apiUrl}${method}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
}

/** A Socket Mode client: opens the link apps.connections.open gives, and collects (and maybe acks) envelopes. */
async function link(f: FakeSlack, autoAck = false): Promise<{ ws: WebSocket; envelopes: Array<Record<string, any>> }> {
  const { body } = await call(f, 'apps.connections.open', {});
  const ws = new WebSocket(String(body['url']));
  sockets.push(ws);
  const envelopes: Array<Record<string, any>> = [];
  ws.on('message', (data) => {
    const envelope = JSON.parse(data.toString()) as Record<string, any>;
    envelopes.push(envelope);
    if (autoAck && envelope['envelope_id']) ws.send(JSON.stringify({ envelope_id: envelope['envelope_id'] }));
  });
  await new Promise((resolve) => ws.once('open', resolve));
  return { ws, envelopes };
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
};

describe('fake Slack, realistic mode', () => {
  it('lets a burst of posts into one channel through, then answers 429 with Retry-After; other channels are not held', async () => {
    fake = await startFakeSlack({ realistic: true });
    const posts = [];
    for (let i = 0; i < 6; i++) posts.push(await call(fake, 'chat.postMessage', { channel: 'C0001', text: `m${i}` }));
    expect(posts.slice(0, 4).map((p) => p.status)).toEqual([200, 200, 200, 200]);
    expect(posts[4]).toMatchObject({ status: 429, body: { ok: false, error: 'ratelimited' } });
    expect(Number(posts[4]?.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await call(fake, 'chat.postMessage', { channel: 'C0002', text: 'elsewhere' })).status).toBe(200);
    // Recorded with the status and the time each arrived.
    expect(fake.callsOf('chat.postMessage').map((c) => c.status)).toEqual([200, 200, 200, 200, 429, 429, 200]);
    for (const c of fake.calls) expect(c.at).toBeGreaterThan(0);
  });

  it('holds chat.update to Tier 3 across channels: a burst of 10, then 429', async () => {
    fake = await startFakeSlack({ realistic: true });
    const a = await call(fake, 'chat.postMessage', { channel: 'C0001', text: 'a' });
    const b = await call(fake, 'chat.postMessage', { channel: 'C0002', text: 'b' });
    const statuses = [];
    for (let i = 0; i < 12; i++) {
      const [channel, ts] = i % 2 ? ['C0001', a.body['ts']] : ['C0002', b.body['ts']];
      statuses.push((await call(fake, 'chat.update', { channel, ts: String(ts), text: `edit ${i}` })).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(fake.callsOf('chat.update').at(-1)?.status).toBe(429);
  });

  it('echoes each post back as the bot, pings every connection, and records acks, pongs and connections', async () => {
    fake = await startFakeSlack({ realistic: { pingEveryMs: 50 } });
    const { ws, envelopes } = await link(fake);
    await call(fake, 'chat.postMessage', { channel: 'C0001', text: 'hello', thread_ts: '1700000000.000001' });
    await until(() => envelopes.some((e) => e['type'] === 'events_api'));
    const echo = envelopes.find((e) => e['type'] === 'events_api');
    expect(echo?.['payload']['event']).toMatchObject({ type: 'message', channel: 'C0001', text: 'hello', user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, thread_ts: '1700000000.000001' });
    ws.send(JSON.stringify({ envelope_id: echo?.['envelope_id'] }));
    await until(() => fake!.socketLog.envelopes[0]?.ackedAt !== undefined && fake!.socketLog.pings.some((p) => p.pongAt !== undefined));
    expect(fake.socketLog.envelopes).toEqual([expect.objectContaining({ type: 'events_api', echo: true, connection: 1, ackedAt: expect.any(Number) })]);
    expect(fake.socketLog.pings.some((p) => p.pongAt !== undefined && p.pongAt >= p.sentAt)).toBe(true);
    await link(fake);
    expect(fake.socketLog.connections).toBe(2);
  });

  it('is off by default: no limits, no echo, no pings', async () => {
    fake = await startFakeSlack();
    const { envelopes } = await link(fake, true);
    for (let i = 0; i < 8; i++) expect((await call(fake, 'chat.postMessage', { channel: 'C0001', text: `m${i}` })).status).toBe(200);
    // Acked, so everything sent before it (an echo would have been) has arrived.
    await fake.sendEvent({ type: 'message', channel: 'C0001', text: 'a person' });
    expect(envelopes.filter((e) => e['type'] === 'events_api')).toHaveLength(1);
    expect(fake.socketLog.pings).toEqual([]);
  });
});
