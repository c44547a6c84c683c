import { afterEach, describe, expect, it } from 'vitest';
import { stopAllChats } from '../helpers/chat-process.js';
import { phraseOf, scenarioChat } from './setup.js';

const prompt = (user: string) => (m: { text: string; mentions: string[] }) => m.mentions.includes(user) && m.text.startsWith('Say _');

describe('the deploy queue and typed confirmations, scripted through packbot chat', () => {
  afterEach(stopAllChats);

  it('queues in order, confirms only the requester with the right phrase, drops a timed-out turn, and cancels', async () => {
    const { chat } = await scenarioChat();
    chat.say('@alice !pack deploy strict alpha');
    const alicePrompt = await chat.waitFor(prompt('alice'));
    const [question, ...plan] = alicePrompt.text.split('\n');
    expect(question).toMatch(/^Say _[a-z]+! [a-z]+ [a-z]+!_ to complete your deployment of \*alpha\* from \*strict\* branch _main_ \(within 3s; `!pack cancel [0-9a-f]{8}` withdraws it\)\.$/);
    // Under the question, what confirming would change.
    expect(plan).toEqual([expect.stringMatching(/^• \*alpha\* 1\.0\.0 \(new, [0-9a-f]{7}\): \+1 action; 1 commit$/)]);
    const phrase = phraseOf(alicePrompt.text);

    // force=true: after alice's deploy theirs would change nothing, and a request that changes nothing is not asked.
    chat.say('@bob !pack deploy strict alpha force=true');
    expect((await chat.waitFor(/^Queued/)).text).toMatch(/^Queued: alpha from strict main — 1 request ahead of you \(id `[0-9a-f]{8}`\)\. I'll mention you when it is your turn; `!pack cancel [0-9a-f]{8}` withdraws it\.$/);
    chat.say('@carol !pack deploy strict alpha force=true');
    expect((await chat.waitFor(/^Queued/)).text).toMatch(/— 2 requests ahead of you/);
    chat.say('!pack queue');
    const queue = (await chat.waitFor(/^Deploy queue/)).text.split('\n');
    expect(queue.slice(1)).toEqual([
      expect.stringMatching(/^1\. `[0-9a-f]{8}` waiting for confirmation — alpha from strict main, by @alice since \d+s$/),
      expect.stringMatching(/^2\. `[0-9a-f]{8}` waiting — alpha from strict main, by @bob since \d+s$/),
      expect.stringMatching(/^3\. `[0-9a-f]{8}` waiting — alpha from strict main, by @carol since \d+s$/),
    ]);

    chat.say(`@bob ${phrase}`);
    expect((await chat.waitFor(/not yours/)).text).toBe("That phrase confirms @alice's deployment (alpha from strict main), not yours; only @alice can confirm it.");
    chat.say('@alice !pack confirm lemon tart');
    expect((await chat.waitFor(/not your phrase/)).text).toBe(`That is not your phrase. To complete your deployment (alpha from strict main), say _${phrase}_.`);
    // Case, punctuation and spacing do not matter.
    chat.say(`@alice   ${phrase.toUpperCase().replace(/!/g, '')}  `);
    expect((await chat.waitFor((m) => m.mentions.includes('alice') && m.text.startsWith('Deploy `'))).text).toMatch(/✓ alpha 1\.0\.0 — deployed/);

    // Bob's turn: he is asked, says nothing, and the next in line gets the turn.
    await chat.waitFor(prompt('bob'));
    // The prompt (in the thread of bob's queued message) and that message are edited to say so: no buttons, no new message.
    const dropped = await chat.waitFor(/was dropped/);
    expect(dropped.thread).not.toBeNull();
    expect(dropped.text).toMatch(/^⌛ Not confirmed within 3s, so it was dropped; deploy again when you are ready — the deployment of \*alpha\* from \*strict\* branch _main_ \(id `[0-9a-f]{8}`\)\.$/);
    const carolPrompt = await chat.waitFor(prompt('carol'));
    chat.say('@carol !pack cancel');
    expect((await chat.waitFor(/^Cancelled/)).text).toMatch(/^Cancelled alpha from strict main \(id `[0-9a-f]{8}`\)\.$/);
    chat.say(`@carol ${phraseOf(carolPrompt.text)}`);
    chat.say('!pack queue');
    expect((await chat.waitFor(/queue/)).text).toBe('The deploy queue is empty.');
    // Her phrase went with the request: no deploy followed it.
    expect(chat.messages().filter((m) => m.mentions.includes('carol') && m.text.startsWith('Deploy `'))).toEqual([]);
    await chat.end();
  });

  it('never asks for a phrase it would refuse: a lock taken while a request waited is told at its turn, without a prompt', async () => {
    const { chat } = await scenarioChat();
    // Alice's branch deploy holds alpha (waiting for her phrase); Bob's default-branch deploy queues behind it.
    chat.say('@alice !pack deploy strict alpha feature-x');
    const alicePrompt = await chat.waitFor(prompt('alice'));
    chat.say('@bob !pack deploy demo alpha');
    await chat.waitFor(/^Queued: alpha from demo main/);
    // Alice confirms: her deploy of feature-x locks alpha to her.
    chat.say(`@alice ${phraseOf(alicePrompt.text)}`);
    // Bob's turn (he waited, so it would ask him): he is told of the lock, in one go, and never asked.
    const refused = await chat.waitFor((m) => m.mentions.includes('bob') && /locked to branch feature-x by @alice/.test(m.text));
    expect(refused.text).toMatch(/pack unlock alpha/);
    chat.say('!pack queue');
    expect((await chat.waitFor(/queue/)).text).toBe('The deploy queue is empty.');
    expect(chat.messages().filter((m) => m.mentions.includes('bob') && m.text.startsWith('Say _'))).toEqual([]);
    await chat.end();
  });

  it('asks for confirmation only when a request had to wait (when_queued), and lets an admin cancel anyone', async () => {
    const { chat } = await scenarioChat();
    chat.say('@alice !pack deploy strict beta');
    await chat.waitFor(prompt('alice'));
    chat.say('@bob !pack deploy demo beta');
    const queued = await chat.waitFor(/^Queued/);
    const id = /id `([0-9a-f]{8})`/.exec(queued.text)?.[1] ?? '';
    chat.say('@carol !pack deploy demo alpha');
    // alpha is free: it runs at once, without a question.
    expect((await chat.waitFor((m) => m.mentions.includes('carol'))).text).toMatch(/^Deploy `[0-9a-f]{8}` from `demo` main .*\n✓ alpha 1\.0\.0 — deployed/);
    chat.say(`@carol !pack cancel ${id}`);
    expect((await chat.waitFor(/cancel/)).text).toBe(`Request ${id} is @bob's; only they or an admin can cancel it.`);
    chat.say(`@root !pack cancel ${id}`);
    expect((await chat.waitFor(/^Cancelled/)).text).toBe(`Cancelled beta from demo main (id \`${id}\`), which was @bob's.`);
    chat.say('@alice !pack cancel');
    expect((await chat.waitFor(/^Cancelled/)).text).toMatch(/^Cancelled beta from strict main/);
    chat.say('@alice !pack cancel');
    expect((await chat.waitFor(/nothing waiting/)).text).toBe('You have nothing waiting to cancel; `pack queue` shows what is queued.');
    await chat.end();
  });
});
