import { afterEach, describe, expect, it } from 'vitest';
import { scenarioRepo } from '../../scenarios/setup.js';
import { FAKE_BOT, type RecordedCall } from '../../helpers/fake-slack.js';
import { messageEvent, startSlackBot, type SlackBot } from './setup.js';

const bots: SlackBot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.close();
});

const textOf = (c: RecordedCall) => c.params['text'] ?? '';
type Block = { type: string; elements?: Array<{ action_id?: string; value?: string; style?: string; text?: unknown }> };

/** A block_actions payload as Slack sends it for a click on the prompt. */
function click(user: string, actionId: string, prompt: { ts: string; text: string; blocks: Block[] }, value: string, trigger: string) {
  return {
    type: 'block_actions', trigger_id: trigger, user: { id: user, username: user.toLowerCase() }, team: { id: FAKE_BOT.team },
    api_app_id: FAKE_BOT.appId, channel: { id: 'C0OPS', name: 'ops' },
    container: { type: 'message', channel_id: 'C0OPS', message_ts: prompt.ts, is_ephemeral: false },
    message: { type: 'message', ts: prompt.ts, text: prompt.text, blocks: prompt.blocks },
    actions: [{ type: 'button', action_id: actionId, block_id: 'packbot_actions', value, action_ts: `${prompt.ts}9` }],
  };
}

describe('Slack adapter, Confirm / Cancel buttons (confirm: {policy: always})', () => {
  it('refuses a Confirm by someone else (ephemeral, nothing runs), then deploys on the requester\'s Confirm', async () => {
    const repo = await scenarioRepo();
    const bot = await startSlackBot({ mode: 'socket', repositories: [`strict: {repo: ${JSON.stringify(repo.url)}, branch: main, confirm: {policy: always}}`] });
    bots.push(bot);
    const { fake } = bot;
    await fake.connected();

    await fake.sendEvent(messageEvent('!pack deploy strict alpha', { user: 'UALICE01' }));
    const promptCall = await fake.waitForCall('chat.postMessage', (c) => textOf(c).includes('to complete your deployment'));
    expect(textOf(promptCall)).toMatch(/^<@UALICE01> Say _.+_ to complete your deployment/);
    const stored = [...fake.messages.values()].find((m) => m.ts && m.text === textOf(promptCall))!;
    const blocks = JSON.parse(promptCall.params['blocks'] ?? '[]') as Block[];
    const buttons = blocks.find((b) => b.type === 'actions')?.elements ?? [];
    expect(buttons.map((b) => [b.action_id, b.style])).toEqual([['packbot_confirm', 'primary'], ['packbot_cancel', 'danger']]);
    const entryId = buttons[0]!.value!;
    expect(buttons[1]?.value).toBe(entryId);
    const prompt = { ts: stored.ts, text: stored.text, blocks };

    // Bob clicks Confirm: only Bob is told why not; the prompt keeps its buttons; nothing deploys.
    const bobAck = await fake.sendInteractive(click('UBOB0002', 'packbot_confirm', prompt, entryId, 'trig-bob'));
    expect(bobAck.envelope_id).toMatch(/^env-/);
    const ephemeral = await fake.waitForCall('chat.postEphemeral');
    expect(ephemeral.params['user']).toBe('UBOB0002');
    expect(ephemeral.params['channel']).toBe('C0OPS');
    expect(textOf(ephemeral)).toMatch(/That is <@UALICE01>'s deployment; only they can confirm it/);
    await bot.app.idle();
    expect(fake.callsOf('chat.update')).toEqual([]);
    expect(fake.callsOf('chat.postMessage').some((c) => textOf(c).startsWith('Deploying'))).toBe(false);

    // Alice clicks Confirm: the prompt loses its buttons and says so; the deploy runs.
    await fake.sendInteractive(click('UALICE01', 'packbot_confirm', prompt, entryId, 'trig-alice'));
    // The prompt is the deploy's one message: it is edited on into "Deploying…" and the summary after this.
    const resolved = await fake.waitForCall('chat.update', (c) => c.params['ts'] === prompt.ts && (c.params['blocks'] ?? '').includes('Confirmed by'));
    const after = JSON.parse(resolved.params['blocks'] ?? '[]') as Block[];
    expect(after.some((b) => b.type === 'actions')).toBe(false);
    expect(after.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Confirmed by <@UALICE01>.' }] });
    expect(textOf(resolved)).toBe(prompt.text);
    const summary = await fake.waitForCall('chat.update', (c) => textOf(c).includes('alpha 1.0.0 — deployed'));
    expect(textOf(summary)).toMatch(/^<@UALICE01> /);
    expect(summary.params['ts']).toBe(prompt.ts);
    // Nothing but the prompt was posted for the whole deploy.
    await bot.app.idle();
    expect(fake.callsOf('chat.postMessage').filter((c) => c.status === 200)).toHaveLength(1);
    expect(fake.callsOf('chat.postEphemeral')).toHaveLength(1);
  });
});
