import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../../adapters/console/adapter.js';
import type { IncomingMessage } from '../../../src/interfaces/chat/types.js';

/** An in-memory stream that says it is a terminal, as process.stdin/stdout do in a shell. */
function fakeTty(): PassThrough & { isTTY: true; columns: number } {
  return Object.assign(new PassThrough(), { isTTY: true as const, columns: 80 });
}

/** Everything written to `stream`, and a way to wait (on its data events) until some of it has arrived. */
function recorder(stream: PassThrough) {
  let text = '';
  const waiters: Array<{ test: (t: string) => boolean; resolve: () => void }> = [];
  stream.on('data', (d: Buffer) => {
    text += d.toString();
    for (const w of [...waiters]) if (w.test(text)) w.resolve();
  });
  return {
    text: () => text,
    until: (test: (t: string) => boolean) =>
      test(text) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ test, resolve })),
  };
}

const MARKUP = 'Deploy `a148d57f` of *hello* from _feature-x_ for <@U123> &lt;ok&gt; :white_check_mark:';

async function printed(opts: { json?: boolean; color?: boolean }): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  const out = recorder(output);
  const adapter = new ConsoleAdapter({ input, output, botName: 'packbot', user: 'carol', channel: 'general', interactive: false, ...opts });
  await adapter.start(async () => undefined);
  await adapter.send({ channel: 'general', text: MARKUP, mentions: ['alice'] });
  input.end();
  await adapter.finished;
  return out.text();
}

describe('ConsoleAdapter: chat markup shown as terminal text', () => {
  it('plain text when not colouring: no emphasis markers, mentions and entities readable', async () => {
    expect(await printed({})).toBe('[#general] packbot: @alice Deploy `a148d57f` of hello from feature-x for @U123 <ok> ✅\n');
  });

  it('ANSI styles when colouring', async () => {
    const out = await printed({ color: true });
    expect(out).toContain('\x1b[36ma148d57f\x1b[39m of \x1b[1mhello\x1b[22m from \x1b[3mfeature-x\x1b[23m for @U123');
    expect(out).not.toMatch(/\*hello\*|_feature-x_/);
  });

  it('--json keeps the text exactly as the bot wrote it, for scripts', async () => {
    expect(JSON.parse(await printed({ json: true }))).toMatchObject({ text: MARKUP });
  });
});

describe('ConsoleAdapter: a message arriving while someone types', () => {
  it('prints above the prompt and redraws the prompt with the half-typed line, which still reaches the bot whole', async () => {
    const input = fakeTty();
    const output = fakeTty();
    const out = recorder(output);
    const adapter = new ConsoleAdapter({ input, output, botName: 'packbot', user: 'carol', channel: 'general', color: false });
    const received: IncomingMessage[] = [];
    let gotLine!: () => void;
    const line = new Promise<void>((resolve) => (gotLine = resolve));
    await adapter.start(async (msg) => {
      received.push(msg);
      gotLine();
    });

    input.write('!pack lis');
    await out.until((t) => t.includes('!pack lis'));
    const before = out.text().length;
    // A notification from a deploy in the background, not an answer to a line.
    await adapter.send({ channel: 'chatops', text: 'Deploy finished', mentions: [] });
    const after = out.text().slice(before);

    const notice = after.indexOf('[#chatops] packbot: Deploy finished\n');
    expect(notice).toBeGreaterThanOrEqual(0);
    // Cleared before: the notice does not share a line with what was typed.
    expect(after.slice(0, notice)).toMatch(/\x1b\[(0?K|0?J)|\x1b\[1G\x1b\[0J/);
    expect(after.slice(notice)).toContain('carol@#general> !pack lis');

    input.write('t\r');
    await line;
    expect(received.map((m) => m.text)).toEqual(['!pack list']);
    await adapter.stop();
  });
});
