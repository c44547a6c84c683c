import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SlackAdapter } from '../../../adapters/slack/adapter.js';
import { createLogger } from '../../../src/core/logging/logger.js';
import { createMasker } from '../../../src/core/masking/masker.js';
import { startFakeSlack, type FakeSlack, type RecordedCall } from '../../helpers/fake-slack.js';

/**
 * The outbox through the real adapter and the real Web API client against the fake Slack,
 * which answers 429 + Retry-After when told to. The wait itself is injected: the test holds
 * the channel in its rate-limited state for as long as it needs, then lets it go.
 */
const fakes: FakeSlack[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

interface Held {
  adapter: SlackAdapter;
  fake: FakeSlack;
  waits: number[];
  release(): void;
}

async function heldAdapter(): Promise<Held> {
  const fake = await startFakeSlack();
  fakes.push(fake);
  const waits: number[] = [];
  let open!: () => void;
  let gate = new Promise<void>((resolve) => (open = resolve));
  const logger = createLogger({ level: 'silent', masker: createMasker(), destination: new PassThrough(), pretty: false });
  const adapter = new SlackAdapter({
    botToken: 'xoxb-outbox', mode: 'socket', appToken: 'xapp-outbox', logger, apiUrl: fake.apiUrl,
    sleep: async (ms) => {
      waits.push(ms);
      await gate;
    },
  });
  return {
    adapter, fake, waits,
    release() {
      open();
      gate = new Promise<void>((resolve) => (open = resolve));
    },
  };
}

const ok = (calls: RecordedCall[]) => calls.filter((c) => c.status === 200);
const msg = (text: string, extra: Record<string, unknown> = {}) => ({ channel: 'C0BURST', text, mentions: [] as string[], ...extra });

describe('Slack outbox (per-channel queue)', () => {
  it('waits out Retry-After, then sends the held message and the burst behind it as one, losing and repeating nothing', async () => {
    const { adapter, fake, waits, release } = await heldAdapter();
    fake.rateLimit('chat.postMessage', 1, 7);
    const first = adapter.send(msg('one'));
    await vi.waitFor(() => expect(waits).toEqual([7000]));
    const burst = [adapter.send(msg('two')), adapter.send(msg('three', { mentions: ['UCAROL03'] })), adapter.send(msg('four & <more>'))];
    // A card is never merged into someone else's text: it goes on its own, after the burst.
    const card = adapter.send(msg('Deploy done', { card: { tone: 'success', title: 'Deploy 1 succeeded', fields: [] } }));
    release();
    const refs = await Promise.all([first, ...burst, card]);

    const posts = fake.callsOf('chat.postMessage');
    expect(posts.map((c) => c.status)).toEqual([429, 200, 200]);
    expect(posts[0]?.params['text']).toBe('one');
    expect(posts[1]?.params['text']).toBe('one\n\ntwo\n\n<@UCAROL03> three\n\nfour &amp; &lt;more&gt;');
    expect(posts[2]?.params['text']).toBe('Deploy done');
    const [mergedTs, cardTs] = [...fake.messages.keys()];
    expect(refs.map((r) => r.id)).toEqual([`${mergedTs}/0`, `${mergedTs}/1`, `${mergedTs}/2`, `${mergedTs}/3`, cardTs]);
    // Every message exactly once across what Slack accepted.
    const delivered = ok(posts).flatMap((c) => (c.params['text'] ?? '').split('\n\n'));
    expect(delivered.sort()).toEqual(['<@UCAROL03> three', 'Deploy done', 'four &amp; &lt;more&gt;', 'one', 'two'].sort());

    // Updating one part rewrites only its share of the merged message.
    await adapter.update(refs[1]!, msg('two, edited'));
    const update = fake.callsOf('chat.update').at(-1);
    expect(update?.params['ts']).toBe(mergedTs);
    expect(update?.params['text']).toBe('one\n\ntwo, edited\n\n<@UCAROL03> three\n\nfour &amp; &lt;more&gt;');
  });

  it('sends one message per send when nothing is rate-limited', async () => {
    const { adapter, fake, waits } = await heldAdapter();
    for (const text of ['a', 'b', 'c']) await adapter.send(msg(text));
    await Promise.all([adapter.send(msg('d')), adapter.send(msg('e'))]);
    expect(fake.callsOf('chat.postMessage').map((c) => c.params['text'])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(waits).toEqual([]);
  });

  it('retries a rate-limited update and collapses the updates that piled up into the newest', async () => {
    const { adapter, fake, waits, release } = await heldAdapter();
    const ref = await adapter.send(msg('progress 0'));
    fake.rateLimit('chat.update', 1, 2);
    const updates = [adapter.update(ref, msg('progress 1'))];
    await vi.waitFor(() => expect(waits).toEqual([2000]));
    updates.push(adapter.update(ref, msg('progress 2')), adapter.update(ref, msg('progress 3')));
    release();
    await Promise.all(updates);
    const calls = fake.callsOf('chat.update');
    expect(calls.map((c) => [c.status, c.params['text']])).toEqual([[429, 'progress 1'], [200, 'progress 3']]);
    expect(fake.messages.get(ref.id)?.text).toBe('progress 3');
  });

  it('posts to a channel by name and updates it by the id Slack answered with', async () => {
    const { adapter, fake } = await heldAdapter();
    const ref = await adapter.send({ channel: 'ops', text: 'announced', mentions: [] });
    expect(ref.channel).toBe('COPSNAMED');
    await adapter.update(ref, { channel: 'ops', text: 'announced, then updated', mentions: [] });
    expect(fake.messages.get(ref.id)?.text).toBe('announced, then updated');
  });

  it('rejects a send Slack refuses (not a rate limit) and keeps the channel going', async () => {
    const { adapter, fake } = await heldAdapter();
    await expect(adapter.update({ channel: 'C0BURST', id: '1.000' }, msg('gone'))).rejects.toThrow(/message_not_found/);
    await adapter.send(msg('still here'));
    expect(ok(fake.callsOf('chat.postMessage')).map((c) => c.params['text'])).toEqual(['still here']);
  });
});
