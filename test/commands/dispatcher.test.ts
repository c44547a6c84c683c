import { describe, expect, it } from 'vitest';
import { createDispatcher, MAX_COMMAND_LENGTH } from '../../src/interfaces/commands/dispatcher.js';
import { createApp } from '../../src/app/app.js';
import { testRuntime } from '../helpers/runtime.js';
import { tempDir } from '../helpers/config.js';
import { createResponder } from '../../src/interfaces/chat/responder.js';
import { reply, type Reply } from '../../src/interfaces/chat/reply.js';
import { PackbotError } from '../../src/core/errors.js';
import { createCommandTable } from '../../src/interfaces/commands/command-table.js';
import type { CommandHandler } from '../../src/interfaces/commands/types.js';
import type { ChatAdapter, IncomingMessage, OutgoingMessage } from '../../src/interfaces/chat/types.js';
import { AliasTable } from '../../src/domain/aliases/index.js';
import { alias } from '../aliases/helpers.js';

/** A real ChatAdapter that records what it is asked to send, with small limits. */
function recordingAdapter(): ChatAdapter & { sent: OutgoingMessage[] } {
  const sent: OutgoingMessage[] = [];
  return {
    platform: 'test',
    limits: { maxMessageLength: 200, maxMessagesPerReply: 3 },
    sent,
    mentionTokens: () => ['@packbot'],
    start: async () => {},
    send: async (m) => (sent.push(m), { channel: m.channel, id: String(sent.length) }),
    update: async () => {},
    stop: async () => {},
  };
}

async function setup(handlers: Record<string, CommandHandler>, onUnaddressed?: (m: IncomingMessage, text: string) => Promise<Reply[]>, aliases?: AliasTable) {
  const rt = await testRuntime('state_dir: ./var\nlog: {level: info}\n', await tempDir());
  rt.masker.add('topsecret-value');
  // The real services of a real app; these handlers just don't need them.
  const { services } = await createApp(rt.config, { ...rt, adapters: [] });
  const responder = createResponder({ templates: rt.templates, masker: rt.masker, globals: { prefix: '!' } });
  const commands = new Map([...createCommandTable(), ...Object.entries(handlers)]);
  const dispatcher = createDispatcher({
    config: rt.config, aliases: aliases ?? rt.aliases, commands, responder, logger: rt.logger, services, ...(onUnaddressed ? { onUnaddressed } : {}),
  });
  return { dispatcher, logs: rt.logs };
}

const msg = (text: string, id = text): IncomingMessage => ({
  platform: 'test', id, user: { id: 'U1', name: 'alice' }, channel: { id: 'C1', name: 'ops' }, thread: 'T1', text,
});

describe('dispatcher', () => {
  it('passes matched params to the handler and replies in the thread, mentioning when asked', async () => {
    const seen: Array<Record<string, string | null>> = [];
    const { dispatcher } = await setup({
      deploy: (ctx) => (seen.push(ctx.params), [reply('error', { message: `deploying ${ctx.params['packs']}` }, { mention: true })]),
    });
    const adapter = recordingAdapter();
    await dispatcher.handle(msg('!pack deploy st2contrib docker,sensu feature-x'), adapter);
    expect(seen).toEqual([{ repo: 'st2contrib', packs: 'docker,sensu', branch: 'feature-x' }]);
    expect(adapter.sent).toEqual([{ channel: 'C1', thread: 'T1', text: 'deploying docker,sensu', mentions: ['U1'] }]);
  });

  it('turns a PackbotError into its message and details', async () => {
    const { dispatcher } = await setup({
      list: () => {
        throw new PackbotError('usage', 'unknown repository "x"; configured: st2contrib', { details: ['add it under repositories:'] });
      },
    });
    const adapter = recordingAdapter();
    await dispatcher.handle(msg('!pack list'), adapter);
    expect(adapter.sent[0]?.text).toBe('unknown repository "x"; configured: st2contrib\n  add it under repositories:');
  });

  it('hides an unexpected failure behind an error id that is in the (masked) log', async () => {
    const { dispatcher, logs } = await setup({
      list: () => {
        throw new Error('database password topsecret-value exploded');
      },
    });
    const adapter = recordingAdapter();
    await dispatcher.handle(msg('!pack list'), adapter);
    const text = adapter.sent[0]?.text ?? '';
    const id = /error `([0-9a-f]{8})`/.exec(text)?.[1];
    expect(id).toBeDefined();
    expect(text).not.toContain('exploded');
    expect(logs()).toContain(id);
    expect(logs()).toContain('exploded');
    expect(logs()).not.toContain('topsecret-value');
  });

  it('logs each message line with one "msg" key: the message id goes under message_id', async () => {
    const { dispatcher, logs } = await setup({ list: () => [reply('error', { message: 'ok' })] });
    await dispatcher.handle(msg('!pack list', 'M-42'), recordingAdapter());
    const line = logs().split('\n').find((l) => l.includes('"command"'));
    expect(line).toBeDefined();
    // JSON.parse keeps the last duplicate silently, so count the raw keys.
    expect(line?.match(/"msg":/g)).toHaveLength(1);
    expect(JSON.parse(line ?? '{}')).toMatchObject({ msg: 'command', message_id: 'M-42' });
  });

  it('splits a long reply to the adapter limits', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `line ${i} of output`).join('\n');
    const { dispatcher } = await setup({ list: () => [reply('error', { message: long }, { moreHint: 'see `pack history 7`' })] });
    const adapter = recordingAdapter();
    await dispatcher.handle(msg('!pack list'), adapter);
    expect(adapter.sent).toHaveLength(3);
    for (const m of adapter.sent) expect(m.text.length).toBeLessThanOrEqual(200);
    expect(adapter.sent[2]?.text).toMatch(/more lines — see `pack history 7`$/);
  });

  it('answers a bare prefix with help and leaves chatter alone', async () => {
    const { dispatcher } = await setup({});
    const adapter = recordingAdapter();
    await dispatcher.handle(msg('alas! ear wax!'), adapter);
    expect(adapter.sent).toEqual([]);
    await dispatcher.handle(msg('!'), adapter);
    expect(adapter.sent[0]?.text).toMatch(/^Commands/);
    expect(adapter.sent.map((m) => m.text).join('\n')).toContain('pack deploy <repo>');
  });
});

describe('dispatcher boundaries', () => {
  it('hands messages not addressed to the bot to the unaddressed hook (typed confirmations)', async () => {
    const offered: string[] = [];
    const { dispatcher } = await setup({}, async (_m, text) => (offered.push(text), [reply('error', { message: `heard ${text}` })]));
    const adapter = recordingAdapter();
    await dispatcher.handle(msg('alas! ear wax!'), adapter);
    await dispatcher.handle(msg('!pack list'), adapter);
    expect(offered).toEqual(['alas! ear wax!']);
    expect(adapter.sent[0]?.text).toContain('heard alas! ear wax!');
  });

  it('refuses a command that sets an immutable parameter, in one line naming it, without running it', async () => {
    const ran: string[] = [];
    const table = new AliasTable([alias('prod_deploy', ['prod deploy {{pack}}'], { command: 'deploy', immutableParameters: { env: 'production' } })]);
    const { dispatcher } = await setup({ deploy: (ctx) => (ran.push(String(ctx.params['env'])), []) }, undefined, table);
    const adapter = recordingAdapter();
    await dispatcher.handle(msg('!prod deploy docker env=dev'), adapter);
    expect(ran).toEqual([]);
    expect(adapter.sent.map((m) => m.text)).toEqual([
      'Immutable arguments cannot be overriden: env. The "prod_deploy" command always sets env itself; send it again without env=…',
    ]);
    await dispatcher.handle(msg('!prod deploy docker'), adapter);
    expect(ran).toEqual(['production']);
  });

  it('refuses an over-long command before matching it', async () => {
    const { dispatcher } = await setup({});
    const adapter = recordingAdapter();
    await dispatcher.handle(msg(`!pack deploy st2contrib ${'a,'.repeat(MAX_COMMAND_LENGTH)}`), adapter);
    expect(adapter.sent[0]?.text).toMatch(/^That command is \d+ characters long; packbot reads commands of up to 1000/);
  });
});
