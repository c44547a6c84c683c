import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../../adapters/console/adapter.js';
import { EVENT_SHAPE } from '../../../adapters/console/event.js';
import type { IncomingMessage } from '../../../src/interfaces/chat/types.js';

/**
 * Feeds `lines` to a real ConsoleAdapter on in-memory streams. The handler echoes each
 * message back through the adapter, so the output shows what reached the bot and in
 * which order relative to error lines.
 */
async function feed(lines: string[], opts: { json?: boolean; fail?: (m: IncomingMessage) => boolean } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d: Buffer) => (printed += d.toString()));
  const adapter = new ConsoleAdapter({ input, output, botName: 'packbot', user: 'carol', channel: 'general', json: opts.json ?? true });
  const received: IncomingMessage[] = [];
  await adapter.start(async (msg) => {
    received.push(msg);
    if (opts.fail?.(msg)) throw new Error('boom');
    await adapter.send({ channel: msg.channel.id, text: `echo ${msg.text}`, mentions: [] });
  });
  input.end(lines.map((l) => `${l}\n`).join(''));
  await adapter.finished;
  return { adapter, received, printed, lines: printed.split('\n').filter((l) => l !== '') };
}

describe('ConsoleAdapter message ids', () => {
  it('numbers plain lines under a random per-adapter session', async () => {
    const { adapter, received } = await feed(['!help', '', '@bob #ops !pack list']);
    expect(adapter.session).toMatch(/^[0-9a-f]{8}$/);
    expect(received.map((m) => m.id)).toEqual([`console-${adapter.session}-1`, `console-${adapter.session}-2`]);
  });

  it('gives two adapters (two processes sharing a dedupe store) different ids for the same lines', async () => {
    const a = await feed(['!help', '!pack list']);
    const b = await feed(['!help', '!pack list']);
    expect(a.adapter.session).not.toBe(b.adapter.session);
    const ids = new Set([...a.received, ...b.received].map((m) => m.id));
    expect(ids.size).toBe(4);
  });

  it('uses an event\'s own id verbatim, so every process fed that event sees the same id', async () => {
    const line = '{"id":"deploy-42","user":"alice","text":"!pack list"}';
    const a = await feed([line]);
    const b = await feed([line]);
    expect(a.received.map((m) => m.id)).toEqual(['console-event-deploy-42']);
    expect(b.received.map((m) => m.id)).toEqual(['console-event-deploy-42']);
  });

  it('does not drop a repeated event id itself (deduping is the dispatcher\'s job)', async () => {
    const { received } = await feed(['{"id":"x","text":"one"}', '{"id":"x","text":"two"}']);
    expect(received.map((m) => [m.id, m.text])).toEqual([
      ['console-event-x', 'one'],
      ['console-event-x', 'two'],
    ]);
  });

  it('keeps numbering lines and id-less events in one sequence', async () => {
    const { adapter, received } = await feed(['!help', '{"text":"!pack list"}', '{"id":"e","text":"hi"}', 'bye']);
    const s = adapter.session;
    expect(received.map((m) => m.id)).toEqual([`console-${s}-1`, `console-${s}-2`, 'console-event-e', `console-${s}-3`]);
  });
});

describe('ConsoleAdapter JSON events', () => {
  it('turns every field into the message, defaulting speaker and channel', async () => {
    const { received } = await feed([
      '{"id":"1","user":"alice","channel":"ops","thread":"t.1","direct":true,"text":"pack list"}',
      '{"id":"2","text":"  two\\nlines "}',
    ]);
    expect(received).toEqual([
      { platform: 'console', id: 'console-event-1', user: { id: 'alice', name: 'alice' }, channel: { id: 'ops', name: 'ops' }, thread: 't.1', direct: true, text: 'pack list' },
      { platform: 'console', id: 'console-event-2', user: { id: 'carol', name: 'carol' }, channel: { id: 'general', name: 'general' }, text: '  two\nlines ' },
    ]);
  });

  it('--json: a bad event prints one {"error"} line in input order and is otherwise ignored', async () => {
    const { received, lines } = await feed(['first', '{"user":"a b","text":"x"}', '{nope', 'last']);
    expect(received.map((m) => m.text)).toEqual(['first', 'last']);
    const out = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(4);
    expect(out[0]).toMatchObject({ text: 'echo first' });
    expect(out[1]).toEqual({ error: expect.stringMatching(/^bad event line: "user" must be 1-100 characters/) as unknown });
    expect(out[1]?.['error']).toContain(EVENT_SHAPE);
    expect(out[2]).toEqual({ error: expect.stringMatching(/^bad event line: not valid JSON/) as unknown });
    expect(out[3]).toMatchObject({ text: 'echo last' });
  });

  it('text mode: a bad event prints one plain error line', async () => {
    const { received, lines } = await feed(['{"text":""}', 'ok'], { json: false });
    expect(received.map((m) => m.text)).toEqual(['ok']);
    expect(lines).toEqual([`error: bad event line: "text" must not be blank; expected ${EVENT_SHAPE}`, '[#general] packbot: echo ok']);
  });

  it('an @user line may carry text that starts with {', async () => {
    const { received } = await feed(['@alice {"text":"literally"}']);
    expect(received.map((m) => [m.user.id, m.text])).toEqual([['alice', '{"text":"literally"}']]);
  });
});

describe('ConsoleAdapter handler failures', () => {
  it('--json: reported as an {"error"} line so stdout stays parseable', async () => {
    const { lines } = await feed(['bad', 'good'], { fail: (m) => m.text === 'bad' });
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { error: 'packbot failed to handle that line; see its log' },
      { channel: 'general', thread: null, text: 'echo good', mentions: [] },
    ]);
  });
});
