/**
 * Issue 20, item 10: "the console reprints a long progress message after 100 messages". A
 * terminal cannot edit what it printed, so an update prints only the lines new since the
 * message's last version; the adapter remembered the last 100 messages by when they were
 * first sent, so a deploy's message outlived by 100 others was printed again, whole, at its
 * next edit. A message still being edited is remembered, whatever was sent meanwhile.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../../adapters/console/adapter.js';

function consoleOn() {
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d: Buffer) => (printed += d.toString()));
  const adapter = new ConsoleAdapter({ input: new PassThrough(), output, botName: 'packbot', user: 'carol', channel: 'general', json: false, color: false, interactive: false });
  return { adapter, printed: () => printed, reset: () => (printed = '') };
}

const progress = (stages: number) => ['Deploying 40 packs from `demo` (main)…', ...Array.from({ length: stages }, (_, i) => `✓ stage ${i + 1} (${i}ms)`)].join('\n');

describe('console updates of a long-lived message', () => {
  it('print each line once over 150 other messages, the message being edited meanwhile', async () => {
    const { adapter, printed } = consoleOn();
    const ref = await adapter.send({ channel: 'general', text: progress(1), mentions: [] });
    for (let i = 0; i < 150; i++) {
      await adapter.send({ channel: 'ops', text: `notice ${i}`, mentions: [] });
      if (i % 10 === 9) await adapter.update(ref, { channel: 'general', text: progress(2 + (i - 9) / 10), mentions: [] });
    }
    await adapter.update(ref, { channel: 'general', text: progress(30), mentions: [] });
    const lines = printed().split('\n').filter((l) => !l.includes('notice') && l !== '');
    expect(lines).toEqual([
      '[#general] packbot: Deploying 40 packs from `demo` (main)…',
      '  ✓ stage 1 (0ms)',
      // One edit every 10 notices: stages 2 to 16, one line each.
      ...Array.from({ length: 15 }, (_, i) => `[#general] packbot: ✓ stage ${i + 2} (${i + 1}ms)`),
      // The last edit adds 15 lines at once: one print, its first line beside the name.
      '[#general] packbot: ✓ stage 17 (16ms)',
      ...Array.from({ length: 13 }, (_, i) => `  ✓ stage ${i + 18} (${i + 17}ms)`),
    ]);
  });

  it('print only the new line after 300 other messages, the message quiet meanwhile (a long stage)', async () => {
    const { adapter, printed, reset } = consoleOn();
    const ref = await adapter.send({ channel: 'general', text: progress(3), mentions: [] });
    for (let i = 0; i < 300; i++) await adapter.send({ channel: 'ops', text: `notice ${i}`, mentions: [] });
    reset();
    await adapter.update(ref, { channel: 'general', text: progress(4), mentions: [] });
    expect(printed()).toBe('[#general] packbot: ✓ stage 4 (3ms)\n');
  });
});
