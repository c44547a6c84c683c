/**
 * Confirmation buttons end to end: the prompt's Confirm and Cancel arrive as INTERACTION_CREATE
 * dispatches, are acknowledged at once (deferred update) and answered through the
 * interaction's webhook — an edit of the prompt, or an ephemeral note to the clicker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InteractionResponseType, MessageFlags } from 'discord.js';
import type { RecordedRequest } from '../../helpers/fake-discord.js';
import { startDiscordBot, type DiscordBot } from './setup.js';

let bot: DiscordBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** alice asks for a deploy from `strict`, which always asks first: the prompt and its buttons. */
async function prompt(b: DiscordBot) {
  b.fake.say(b.alice, '!pack deploy strict beta');
  const posted = await b.posted(/to complete your deployment/);
  const [confirm, cancel] = posted.body.components[0].components as Array<{ custom_id: string; label: string; style: number }>;
  return { posted, id: posted.response.id as string, confirm: confirm!, cancel: cancel! };
}

/** The requests the fake received for one interaction (its token is `itoken-<id>`). */
function forInteraction(b: DiscordBot, interactionId: string): RecordedRequest[] {
  return b.fake.requests.filter((r) => r.path.includes(`/itoken-${interactionId}`));
}

const followUp = (b: DiscordBot, iid: string) =>
  b.fake.waitFor((r) => r.method === 'POST' && r.path === `/webhooks/${b.fake.applicationId}/itoken-${iid}`, `the follow-up to ${iid}`);
const promptEdit = (b: DiscordBot, iid: string) =>
  b.fake.waitFor((r) => r.method === 'PATCH' && r.path === `/webhooks/${b.fake.applicationId}/itoken-${iid}/messages/@original`, `the prompt edit for ${iid}`);
/** The deploy's message saying it runs: the prompt, edited (or a new message). */
const deploying = (b: DiscordBot) => b.fake.requests.filter((r) => /^\/channels\/\d+\/messages/.test(r.path) && /^Deploying beta/.test(String(r.body?.content ?? '')));

describe('Discord confirmation buttons', () => {
  it('a prompt carries Confirm (primary) and Cancel (danger) for its queue entry', async () => {
    bot = await startDiscordBot();
    const p = await prompt(bot);
    expect(p.confirm).toMatchObject({ label: 'Confirm', style: 1, custom_id: expect.stringMatching(/^packbot:confirm:\w+$/) });
    expect(p.cancel).toMatchObject({ label: 'Cancel', style: 4, custom_id: p.confirm.custom_id.replace('confirm', 'cancel') });
    expect(p.posted.body.content.startsWith(`<@${bot.alice.id}>`)).toBe(true);
  });

  it('refuses a Confirm by someone else (ephemeral, prompt unchanged, nothing runs); the requester\'s Confirm runs the deploy', async () => {
    bot = await startDiscordBot();
    const { fake, alice, bob } = bot;
    const p = await prompt(bot);

    const byBob = fake.click(bob, p.id, p.confirm.custom_id);
    const refusal = await followUp(bot, byBob);
    // Acknowledged first (within Discord's 3 s), as a deferred update of the prompt.
    const [ack] = forInteraction(bot, byBob);
    expect(ack!.path).toBe(`/interactions/${byBob}/itoken-${byBob}/callback`);
    expect(ack!.body).toEqual({ type: InteractionResponseType.DeferredMessageUpdate });
    expect(ack!.authorization).toBeUndefined();
    expect(refusal.body.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    // People in notes are named (their server display name), not pinged.
    expect(refusal.body.content).toBe(`That is ${alice.username}'s deployment; only they can confirm it.`);
    expect(forInteraction(bot, byBob).map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(fake.messages.get(p.id)!.components).toEqual(p.posted.body.components);
    await bot.app.idle();
    expect(deploying(bot)).toEqual([]);

    const byAlice = fake.click(alice, p.id, p.confirm.custom_id);
    const edit = await promptEdit(bot, byAlice);
    expect(edit.body.components).toEqual([]);
    expect(edit.body.content).toBe(`${p.posted.body.content}\nConfirmed by ${alice.username}.`);
    expect(fake.messages.get(p.id)!.components).toEqual([]);
    const summary = await bot.edited(/^Deploy \w+ succeeded$/);
    expect(summary.body.embeds[0].fields[3].value).toBe('✓ beta 1.0.0');
    // The prompt is the deploy's one message: it became "Deploying…", then the summary.
    expect(summary.path).toBe(`/channels/${fake.channel.id}/messages/${p.id}`);
    expect(deploying(bot).length).toBeGreaterThan(0);

    // A late click on the same prompt (a stale client still showing buttons) is refused.
    const again = fake.click(alice, p.id, p.confirm.custom_id);
    expect((await followUp(bot, again)).body.content).toMatch(/no longer waiting for confirmation/);
    await bot.app.idle();
    expect((await bot.app.services.history.list({})).filter((r) => r.kind === 'deploy')).toHaveLength(1);
  });

  it('Cancel by the requester withdraws the request and says so on the prompt', async () => {
    bot = await startDiscordBot();
    const p = await prompt(bot);
    const click = bot.fake.click(bot.alice, p.id, p.cancel.custom_id);
    const edit = await promptEdit(bot, click);
    expect(edit.body.components).toEqual([]);
    expect(edit.body.content).toMatch(new RegExp(`\\nCancelled by ${bot.alice.username}\\.$`));
    await bot.app.idle();
    expect(deploying(bot)).toEqual([]);
  });
});
