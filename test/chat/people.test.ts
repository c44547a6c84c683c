/**
 * The responder resolves person marks for the adapter a reply goes to, before masking and
 * splitting; render (the CLI) shows them as displayIdentity does. A stand-in adapter records
 * what it is handed.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createResponder } from '../../src/interfaces/chat/responder.js';
import { createTemplates } from '../../src/interfaces/templates/environment.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { reply } from '../../src/interfaces/chat/reply.js';
import { personMark } from '../../src/core/identity.js';
import type { ChatAdapter, OutgoingMessage } from '../../src/interfaces/chat/types.js';

const NAMES: Record<string, string> = { U1: 'Alice', U2: 'Bob s3cr3t' };

function adapter(platform: string, person?: ChatAdapter['person']) {
  const sent: OutgoingMessage[] = [];
  const updated: OutgoingMessage[] = [];
  const asked: string[] = [];
  const a: ChatAdapter = {
    platform, limits: { maxMessageLength: 3000, maxMessagesPerReply: 5 }, mentionTokens: () => [],
    start: async () => undefined, stop: async () => undefined,
    update: async (_ref, m) => void updated.push(m),
    send: async (m) => (sent.push(m), { channel: m.channel, id: String(sent.length) }),
    ...(person ? { person: (id, how, where) => (asked.push(`${id}/${how}/${where.channel}`), person(id, how, where)) } : {}),
  };
  return { a, sent, updated, asked };
}

const named = async (id: string, how: 'name' | 'mention') => (how === 'mention' ? `<@${id}>` : NAMES[id] ?? null);

async function responder() {
  return createResponder({ templates: await createTemplates(), masker: createMasker(['s3cr3t']), globals: {} });
}

describe('people in replies', () => {
  it('are resolved per adapter, masked after, in the text, the card and the hint; mentions are listed as pinged', async () => {
    const r = await responder();
    const slack = adapter('slack', named);
    const message = `${personMark('slack:U1', 'mention')} your turn; ${personMark('slack:U2', 'name')} next; ${personMark('slack:U9', 'name', 'bare')} unknown; ${personMark('discord:80351110224678912', 'name')} elsewhere`;
    await r.send(slack.a, { platform: 'slack', channel: 'C1' }, reply('error', { message }, {
      card: { tone: 'info', title: `for ${personMark('slack:U1', 'name')}`, fields: [{ label: 'By', value: personMark('slack:U2', 'name') }] },
      moreHint: `ask ${personMark('slack:U1', 'name')}`,
    }));
    const [msg] = slack.sent;
    expect(msg!.text).toBe('<@U1> your turn; Bob *** next; U9 unknown; @80351110224678912 elsewhere');
    expect(msg!.card).toEqual({ tone: 'info', title: 'for Alice', fields: [{ label: 'By', value: 'Bob ***' }] });
    expect(msg!.pinged).toEqual(['U1']);
    // Only this platform's people are asked about, each (person, how) once per reply, for where it goes.
    expect(slack.asked.sort()).toEqual(['U1/mention/C1', 'U1/name/C1', 'U2/name/C1', 'U9/name/C1']);
  });

  it('fall back to displayIdentity on an adapter that cannot tell, or whose lookup fails', async () => {
    const r = await responder();
    const message = `${personMark('console:alice', 'mention')} and ${personMark('console:bob', 'name', 'bare')}`;
    const plain = adapter('console');
    await r.send(plain.a, { platform: 'console', channel: 'ops' }, reply('error', { message }));
    expect(plain.sent[0]!.text).toBe('@alice and bob');
    expect(plain.sent[0]!.pinged).toBeUndefined();
    const broken = adapter('console', async () => {
      throw new Error('lookup failed');
    });
    await r.update(broken.a, { channel: 'ops', id: '1' }, { platform: 'console', channel: 'ops' }, reply('error', { message }));
    expect(broken.updated[0]!.text).toBe('@alice and bob');
  });

  it('render (the CLI, tests) shows people as before, and no mark leaves the responder', async () => {
    const r = await responder();
    const text = r.render('console', reply('error', { message: `locked by ${personMark('slack:U0ALICE01', 'name')}` }));
    expect(text).toBe('locked by @U0ALICE01');
    expect(text).not.toMatch(/[\uE000\uE001]/);
  });

  it('come from templates too: {{person x}} names, {{mention x}} pings, an identity or a bare id of the platform', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'packbot-people-'));
    await writeFile(path.join(dir, 'turn.hbs'), '{{mention who}}, over to you ({{person by}} is done).');
    const r = createResponder({ templates: await createTemplates({ dir }), masker: createMasker([]), globals: {} });
    const slack = adapter('slack', named);
    await r.send(slack.a, { platform: 'slack', channel: 'C1' }, reply('turn', { who: 'U1', by: 'slack:U2' }));
    expect(slack.sent[0]!.text).toBe('<@U1>, over to you (Bob s3cr3t is done).');
    expect(r.render('console', reply('turn', { who: 'alice', by: 'console:bob' }))).toBe('@alice, over to you (@bob is done).');
  });
});
