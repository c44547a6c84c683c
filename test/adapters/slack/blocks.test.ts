import { describe, expect, it } from 'vitest';
import {
  chunkText, escapeMrkdwn, renderMessage, resolvedPrompt, SLACK_LIMITS, type Block,
} from '../../../adapters/slack/blocks.js';
import { toIncomingAction, toIncomingMessage } from '../../../adapters/slack/events.js';
import type { OutgoingMessage } from '../../../src/interfaces/chat/types.js';

const base: OutgoingMessage = { channel: 'C1', text: 'hello', mentions: [] };
type Section = { type: string; text?: { type: string; text: string }; fields?: Array<{ type: string; text: string }>; elements?: Array<Record<string, unknown>> };
const sections = (blocks: Block[]) => blocks as unknown as Section[];

describe('Block Kit rendering', () => {
  it('sends the text as mrkdwn with a plain fallback, mentions first as <@U…>, in the thread when there is one', () => {
    const out = renderMessage({ ...base, text: 'Deploy `a` done', mentions: ['U024BE7LH'], thread: '1700.0001' });
    expect(out.text).toBe('<@U024BE7LH> Deploy `a` done');
    expect(out.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '<@U024BE7LH> Deploy `a` done' } }]);
    expect(out.thread_ts).toBe('1700.0001');
    expect(renderMessage(base).thread_ts).toBeUndefined();
  });

  it('escapes &, < and > but keeps user and channel references; never lets <!channel> or links through', () => {
    expect(escapeMrkdwn('a & b <c> <@U123|bob> <#C42> <!channel> <https://x|y>')).toBe(
      'a &amp; b &lt;c&gt; <@U123|bob> <#C42> &lt;!channel&gt; &lt;https://x|y&gt;',
    );
  });

  it('keeps every section within 3000 characters and the message within 50 blocks', () => {
    const long = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\n');
    const out = renderMessage({ ...base, text: long });
    const texts = sections(out.blocks).map((b) => b.text?.text ?? '');
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    // Cut at newlines, nothing lost in between.
    expect(texts.join('\n')).toBe(long);
    const huge = renderMessage({ ...base, text: 'y'.repeat(3000 * 60) });
    expect(huge.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(chunkText('', 10)).toEqual(['']);
  });

  it('renders a card as a status line by tone and fields, at most 10 per section and 2000 characters each', () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `F${i}`, value: i === 3 ? 'v'.repeat(5000) : `value ${i}` }));
    const out = renderMessage({ ...base, card: { tone: 'failure', title: 'Deploy 1a2b failed <oops>', fields } });
    const [status, first, second, text] = sections(out.blocks);
    expect(status?.text?.text).toBe(':x: *Deploy 1a2b failed &lt;oops&gt;*');
    expect(first?.fields).toHaveLength(10);
    expect(second?.fields).toHaveLength(2);
    expect(first?.fields?.[0]).toEqual({ type: 'mrkdwn', text: '*F0*\nvalue 0' });
    expect(first?.fields?.[3]?.text.length).toBe(SLACK_LIMITS.fieldText);
    expect(first?.fields?.[3]?.text.endsWith('…')).toBe(true);
    expect(text?.text?.text).toBe('hello');
    const tones = { info: ':information_source:', working: ':hourglass_flowing_sand:', success: ':white_check_mark:', warning: ':warning:', failure: ':x:' } as const;
    for (const [tone, emoji] of Object.entries(tones)) {
      const s = sections(renderMessage({ ...base, card: { tone: tone as keyof typeof tones, title: 't', fields: [] } }).blocks)[0];
      expect(s?.text?.text).toBe(`${emoji} *t*`);
    }
  });

  it('renders buttons as an actions block: Confirm primary, Cancel danger, value = entry id; the fallback text stays', () => {
    const out = renderMessage({
      ...base, text: 'Say _blue fox_ to complete',
      buttons: [
        { action: 'confirm', entryId: 'q-17', label: 'Confirm', style: 'primary' },
        { action: 'cancel', entryId: 'q-17', label: 'Cancel', style: 'danger' },
      ],
    });
    expect(out.text).toBe('Say _blue fox_ to complete');
    expect(out.blocks.at(-1)).toEqual({
      type: 'actions', block_id: 'packbot_actions',
      elements: [
        { type: 'button', action_id: 'packbot_confirm', text: { type: 'plain_text', text: 'Confirm', emoji: true }, style: 'primary', value: 'q-17' },
        { type: 'button', action_id: 'packbot_cancel', text: { type: 'plain_text', text: 'Cancel', emoji: true }, style: 'danger', value: 'q-17' },
      ],
    });
  });

  it('resolves a prompt: buttons gone, a context line with the note (user ids as mentions)', () => {
    const prompt = renderMessage({ ...base, buttons: [{ action: 'confirm', entryId: 'e', label: 'Confirm', style: 'primary' }] });
    const after = resolvedPrompt(prompt.blocks, 'Cancelled by @U024BE7LH (it was @UBOB0002\'s).');
    expect(after).toEqual([
      prompt.blocks[0],
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Cancelled by <@U024BE7LH> (it was <@UBOB0002>\'s).' }] },
    ]);
  });
});

describe('Slack events → messages and clicks', () => {
  const event = { type: 'message', channel: 'C1', user: 'U1', text: '!pack list &amp; more', ts: '1.2' };

  it('gives one id to a message and its app_mention twin, unescapes text, marks DMs and threads', () => {
    const a = toIncomingMessage(event);
    const b = toIncomingMessage({ ...event, type: 'app_mention' });
    expect(a?.id).toBe('C1:1.2');
    expect(b?.id).toBe(a?.id);
    expect(a).toEqual({ platform: 'slack', id: 'C1:1.2', user: { id: 'U1', name: 'U1' }, channel: { id: 'C1', name: 'C1' }, text: '!pack list & more' });
    expect(toIncomingMessage({ ...event, channel_type: 'im', thread_ts: '1.0' })).toMatchObject({ direct: true, thread: '1.0' });
  });

  it('turns Slack\'s auto-links back into what was typed', () => {
    const typed = toIncomingMessage({ ...event, text: '!pack deploy <https://github.com/a/b.git|github.com/a/b.git> x &lt;y&gt; <@U9>' });
    expect(typed?.text).toBe('!pack deploy https://github.com/a/b.git x <y> <@U9>');
    expect(toIncomingMessage({ ...event, text: 'mail <mailto:a@b.c|a@b.c>' })?.text).toBe('mail a@b.c');
  });

  it('drops bot messages, edits and deletions', () => {
    expect(toIncomingMessage({ ...event, bot_id: 'B1' })).toBeNull();
    expect(toIncomingMessage({ ...event, subtype: 'message_changed' })).toBeNull();
    expect(toIncomingMessage({ ...event, subtype: 'message_deleted' })).toBeNull();
    expect(toIncomingMessage({ ...event, subtype: 'thread_broadcast' })).not.toBeNull();
  });

  it('reads a click on packbot\'s buttons only, with the trigger id as the click id', () => {
    const body = {
      type: 'block_actions', trigger_id: 'T-1', user: { id: 'U1', username: 'alice' }, channel: { id: 'C1', name: 'ops' },
      container: { channel_id: 'C1', message_ts: '5.5', thread_ts: '5.0' },
      actions: [{ action_id: 'packbot_cancel', value: 'q-9', action_ts: '6.6' }],
    };
    expect(toIncomingAction(body)).toEqual({
      platform: 'slack', id: 'T-1', user: { id: 'U1', name: 'alice' }, channel: { id: 'C1', name: 'ops' }, thread: '5.0', action: 'cancel', entryId: 'q-9',
    });
    expect(toIncomingAction({ ...body, actions: [{ action_id: 'someone_else', value: 'x' }] })).toBeNull();
  });
});
