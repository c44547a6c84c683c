import { afterEach, describe, expect, it } from 'vitest';
import { scenarioRepo } from '../../scenarios/setup.js';
import { FAKE_BOT, type FakeSlack, type RecordedCall } from '../../helpers/fake-slack.js';
import { messageEvent, SECRETS, startSlackBot, type SlackBot } from './setup.js';

const bots: SlackBot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.close();
});

// Looks like a GitHub token to the shape detector; never a real one.
const PASTED = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
const textOf = (c: RecordedCall) => c.params['text'] ?? '';
type Block = { type: string; elements?: Array<{ action_id?: string; value?: string; style?: string; text?: unknown }> };

/** A block_actions payload as Slack sends it for a click on the refusal. */
function click(user: string, prompt: { ts: string; text: string; blocks: Block[] }, value: string, trigger: string) {
  return {
    type: 'block_actions', trigger_id: trigger, user: { id: user, username: user.toLowerCase() }, team: { id: FAKE_BOT.team },
    api_app_id: FAKE_BOT.appId, channel: { id: 'C0OPS', name: 'ops' },
    container: { type: 'message', channel_id: 'C0OPS', message_ts: prompt.ts, is_ephemeral: false },
    message: { type: 'message', ts: prompt.ts, text: prompt.text, blocks: prompt.blocks },
    actions: [{ type: 'button', action_id: 'packbot_delete', block_id: 'packbot_actions', value, action_ts: `${prompt.ts}9` }],
  };
}

async function start(userToken: boolean): Promise<SlackBot> {
  const repo = await scenarioRepo();
  const bot = await startSlackBot({ mode: 'socket', userToken, repositories: [`main: {repo: ${JSON.stringify(repo.url)}, branch: main}`] });
  bots.push(bot);
  await bot.fake.connected();
  return bot;
}

/** Alice's message with a credential, as Slack holds it (so chat.delete can find it), then the refusal. */
async function paste(fake: FakeSlack) {
  const event = messageEvent(`!pack deploy main alpha --token ${PASTED}`, { user: 'UALICE01' });
  const ts = String(event['ts']);
  fake.messages.set(ts, { channel: 'C0OPS', ts, text: String(event['text']), blocks: [] });
  await fake.sendEvent(event);
  const refusal = await fake.waitForCall('chat.postMessage', (c) => textOf(c).includes('I did not run it'));
  const blocks = JSON.parse(refusal.params['blocks'] ?? '[]') as Block[];
  const posted = [...fake.messages.values()].find((m) => m.text === textOf(refusal))!;
  return { ts, refusal, prompt: { ts: posted.ts, text: posted.text, blocks } };
}

describe('Slack: a pasted credential, with adapters.slack.user_token', () => {
  it('offers the sender alone to delete it, deletes it with the user token, and only once', async () => {
    const bot = await start(true);
    const { fake } = bot;
    const { ts, refusal, prompt } = await paste(fake);

    expect(textOf(refusal)).toMatch(/looks like .+; I did not run it\. Press \*Delete my message\* and I'll remove it; rotate the .+ anyway: it has been sent to Slack\./);
    expect(textOf(refusal)).not.toContain(PASTED);
    const buttons = prompt.blocks.find((b) => b.type === 'actions')?.elements ?? [];
    expect(buttons.map((b) => [b.action_id, b.style, b.value])).toEqual([['packbot_delete', 'danger', `C0OPS:${ts}`]]);

    // Bob's click: only Bob is told; nothing is deleted and the button stays.
    await fake.sendInteractive(click('UBOB0002', prompt, `C0OPS:${ts}`, 'trig-bob'));
    const ephemeral = await fake.waitForCall('chat.postEphemeral');
    expect(ephemeral.params['user']).toBe('UBOB0002');
    expect(textOf(ephemeral)).toBe('Only the person who sent that message can delete it this way.');
    expect(fake.callsOf('chat.delete')).toEqual([]);
    expect(fake.callsOf('chat.update')).toEqual([]);
    expect(fake.messages.has(ts)).toBe(true);

    // Alice's click: chat.delete with the user token, for her message; the refusal loses its button.
    await fake.sendInteractive(click('UALICE01', prompt, `C0OPS:${ts}`, 'trig-alice'));
    const deleted = await fake.waitForCall('chat.delete');
    expect(deleted.params).toMatchObject({ channel: 'C0OPS', ts });
    expect(deleted.headers['authorization']).toBe(`Bearer ${SECRETS.user}`);
    expect(fake.messages.has(ts)).toBe(false);
    const resolved = await fake.waitForCall('chat.update', (c) => c.params['ts'] === prompt.ts);
    const after = JSON.parse(resolved.params['blocks'] ?? '[]') as Block[];
    expect(after.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(after.at(-1))).toContain('Deleted. Rotate the credential anyway: it was sent to Slack.');

    // A later click (another tab, a slow double click): the offer is gone.
    await fake.sendInteractive(click('UALICE01', prompt, `C0OPS:${ts}`, 'trig-alice-2'));
    const expired = await fake.waitForCall('chat.postEphemeral', (c) => c.params['user'] === 'UALICE01');
    expect(textOf(expired)).toBe('That offer has expired or the message is already gone; delete it by hand.');
    // The same click delivered again: handled once.
    await fake.sendInteractive(click('UALICE01', prompt, `C0OPS:${ts}`, 'trig-alice'));
    await fake.waitForCall('chat.postEphemeral', (c) => textOf(c) === 'That click was already handled.');
    await bot.app.idle();
    expect(fake.callsOf('chat.delete')).toHaveLength(1);

    // The user token goes on chat.delete alone, and nothing else goes on chat.delete.
    for (const c of fake.calls) {
      if (c.method === 'chat.delete') expect(c.headers['authorization']).toBe(`Bearer ${SECRETS.user}`);
      else expect(c.headers['authorization']).not.toContain(SECRETS.user);
    }
    expect(fake.everythingReceived()).not.toContain(SECRETS.user);
    expect(fake.everythingReceived()).not.toContain(PASTED);
    expect(bot.rt.logs()).not.toContain(SECRETS.user);
    expect(bot.rt.logs()).not.toContain(PASTED);
  }, 30_000);

  it('says so when Slack will not delete it, and keeps the offer', async () => {
    const bot = await start(true);
    const { fake } = bot;
    const { ts, prompt } = await paste(fake);
    fake.failDelete('cant_delete_message');

    await fake.sendInteractive(click('UALICE01', prompt, `C0OPS:${ts}`, 'trig-1'));
    const note = await fake.waitForCall('chat.postEphemeral');
    expect(textOf(note)).toBe("Slack would not let packbot delete it (the user token's owner can't delete that message); delete it by hand.");
    expect(fake.messages.has(ts)).toBe(true);
    expect(fake.callsOf('chat.update')).toEqual([]);

    fake.failDelete(null);
    await fake.sendInteractive(click('UALICE01', prompt, `C0OPS:${ts}`, 'trig-2'));
    await fake.waitForCall('chat.update', (c) => c.params['ts'] === prompt.ts);
    expect(fake.messages.has(ts)).toBe(false);
    expect(bot.rt.logs()).not.toContain(PASTED);
  }, 30_000);
});

describe('Slack: a pasted credential, without a user token', () => {
  it('refuses as before: no button, the sender is told to delete it', async () => {
    const bot = await start(false);
    const { fake } = bot;
    const { refusal, prompt } = await paste(fake);
    expect(textOf(refusal)).toMatch(/I did not run it\. Delete the message and rotate the .+\.$/);
    expect(prompt.blocks.some((b) => b.type === 'actions')).toBe(false);
    await bot.app.idle();
    expect(fake.callsOf('chat.delete')).toEqual([]);
  }, 30_000);
});
