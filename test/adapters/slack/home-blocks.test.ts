/**
 * The stand-in Slack's Block Kit check (test/helpers/fake-slack-blocks.ts) refuses what Slack
 * refuses, in Slack's words; and a home, however much it shows, passes it.
 */
import { describe, expect, it } from 'vitest';
import { homeBlocks, HOME_LIMITS } from '../../../adapters/slack/home-blocks.js';
import { renderMessage } from '../../../adapters/slack/blocks.js';
import type { StatusDisplay } from '../../../src/interfaces/presenter/status-view.js';
import { blockErrors, invalidBlocks } from '../../helpers/fake-slack-blocks.js';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (action_id: string, over: Record<string, unknown> = {}) => ({ type: 'button', action_id, text: { type: 'plain_text', text: 'Go' }, value: 'v', ...over });

describe("the stand-in Slack's Block Kit check", () => {
  it('takes what packbot sends in a message', () => {
    const msg = renderMessage({ channel: 'C1', text: 'x'.repeat(20_000), mentions: [], card: { tone: 'success', title: 'ok', fields: [{ label: 'a', value: 'b' }] }, buttons: [{ action: 'confirm', entryId: 'e1', label: 'Confirm', style: 'primary' }] });
    expect(blockErrors(msg.blocks, 'message')).toEqual([]);
  });

  it("refuses, as Slack does and in Slack's shape, text that is too long or empty, a header in mrkdwn, too many blocks", () => {
    expect(blockErrors([section('x'.repeat(3001))], 'home', '/view/blocks')).toEqual(['[ERROR] must be less than 3001 characters [json-pointer:/view/blocks/0/text/text]']);
    expect(blockErrors([section('')], 'message')).toEqual(['[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]']);
    expect(blockErrors([{ type: 'header', text: { type: 'mrkdwn', text: 'hi' } }], 'home')).toEqual(['[ERROR] must be a valid enum value (plain_text only) [json-pointer:/blocks/0/text/type]']);
    expect(blockErrors([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }], 'home')).toHaveLength(1);
    expect(blockErrors(Array.from({ length: 101 }, () => ({ type: 'divider' })), 'home')).toEqual(['[ERROR] no more than 100 items allowed [json-pointer:/blocks]']);
    expect(blockErrors(Array.from({ length: 51 }, () => ({ type: 'divider' })), 'message')).toHaveLength(1);
    expect(blockErrors(Array.from({ length: 51 }, () => ({ type: 'divider' })), 'home')).toEqual([]);
    expect(invalidBlocks(['e'])).toEqual({ ok: false, error: 'invalid_blocks', response_metadata: { messages: ['e'] } });
  });

  it('refuses unknown blocks and elements, bad text objects, a section with neither text nor fields, empty lists', () => {
    expect(blockErrors([{ type: 'banner' }], 'home')).toEqual(['[ERROR] failed to match all allowed schemas [json-pointer:/blocks/0]']);
    expect(blockErrors([{ type: 'section' }], 'home')).toEqual(['[ERROR] must provide text or fields [json-pointer:/blocks/0]']);
    expect(blockErrors([{ type: 'section', text: { type: 'markdown', text: 'x' } }], 'home')).toHaveLength(1);
    expect(blockErrors([{ type: 'section', text: { type: 'mrkdwn', text: 'x', emoji: true } }], 'home')).toHaveLength(1);
    expect(blockErrors([{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }], 'home')).toHaveLength(1);
    expect(blockErrors([{ type: 'actions', elements: [] }], 'home')).toEqual(['[ERROR] must provide at least 1 item [json-pointer:/blocks/0/elements]']);
    expect(blockErrors([{ type: 'actions', elements: [{ type: 'slider', action_id: 'a' }] }], 'home')).toHaveLength(1);
    expect(blockErrors([{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }], 'home')).toHaveLength(1);
  });

  it('refuses a button whose text, value or style Slack would not take, and repeated ids', () => {
    expect(blockErrors([{ type: 'actions', elements: [button('a', { text: { type: 'plain_text', text: 'b'.repeat(76) } })] }], 'home')).toHaveLength(1);
    expect(blockErrors([{ type: 'actions', elements: [button('a', { value: 'v'.repeat(2001) })] }], 'home')).toEqual(['[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]']);
    expect(blockErrors([{ type: 'actions', elements: [button('a', { style: 'green' })] }], 'home')).toHaveLength(1);
    expect(blockErrors([{ type: 'actions', elements: [button('a'), button('a')] }], 'home')).toEqual(['[ERROR] duplicate action_id: a [json-pointer:/blocks/0/elements/1/action_id]']);
    expect(blockErrors([{ type: 'divider', block_id: 'b' }, { type: 'divider', block_id: 'b' }], 'home')).toEqual(['[ERROR] duplicate block_id: b [json-pointer:/blocks/1/block_id]']);
  });
});

describe('the App Home blocks', () => {
  const lock = (i: number, mine: boolean) => ({
    pack: `pack${i}`, repo: 'demo', branch: `feature-<${'x'.repeat(600)}>`, who: 'Bob & <Co>', mine, since: '5m', reverts: 'in 55m', reason: '',
  });
  const huge: StatusDisplay = {
    queue: Array.from({ length: 300 }, (_, i) => ({ id: `e${i}`, position: i + 1, state: 'waiting', who: 'Bob & <Co>', mine: i % 2 === 0, what: `alpha from demo ${'y'.repeat(800)}`, repo: 'demo', branch: 'main', packs: 'alpha', waiting: '1m' })),
    locks: [...Array.from({ length: 150 }, (_, i) => lock(i, true)), ...Array.from({ length: 150 }, (_, i) => lock(i + 150, false))],
    deploys: Array.from({ length: 10 }, (_, i) => ({ id: `d${i}`, repo: 'demo', branch: 'main', who: 'Bob', mine: false, icon: '✓', result: 'succeeded', packs: 'z'.repeat(3000), ago: '1m ago' })),
  };

  it('keeps a home within every limit however much it shows, with a count of what was left out', () => {
    const blocks = homeBlocks(huge, { at: '2030-01-01T00:00:00.000Z', note: { ok: false, text: 'n'.repeat(5000) } });
    expect(blockErrors(blocks, 'home')).toEqual([]);
    expect(blocks.length).toBeLessThanOrEqual(HOME_LIMITS.blocks);
    const text = JSON.stringify(blocks);
    expect(text).toContain('… and 260 more');
    expect(text).toContain('… and 240 more');
    // Buttons for the viewer's own locks, as many as fit, each with ids of its own.
    const ids = blocks.filter((b) => b.type === 'actions').flatMap((b) => (b['elements'] as Array<{ action_id: string }>).map((e) => e.action_id));
    expect(ids).toHaveLength(HOME_LIMITS.withButtons * 2);
    expect(new Set(ids).size).toBe(ids.length);
    // What people typed is escaped: a branch or a name cannot form a link or a ping.
    expect(text).not.toMatch(/<Co>|feature-<x/);
    expect(text).toContain('2. Bob &amp; &lt;Co&gt; — alpha');
    expect(text).toContain('_feature-&lt;xxx');
  });

  it('says so when there is nothing to show', () => {
    const blocks = homeBlocks({ queue: [], locks: [], deploys: [] }, { at: '2030-01-01T00:00:00.000Z' });
    expect(blockErrors(blocks, 'home')).toEqual([]);
    expect(blocks.map((b) => b.type)).toEqual(['header', 'context', 'divider', 'header', 'section', 'divider', 'header', 'section', 'divider', 'header', 'section']);
    expect(JSON.stringify(blocks)).toContain('<!date^1893456000^{date_short_pretty} {time_secs}|2030-01-01T00:00:00.000Z>');
  });
});
