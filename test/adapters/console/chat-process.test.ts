import { afterEach, describe, expect, it } from 'vitest';
import { startChat, stopAllChats } from '../../helpers/chat-process.js';
import { tempDir, writeConfig } from '../../helpers/config.js';

const MINIMAL = 'state_dir: ./var\nlog: {level: warn}\n';
const HELP = /pack deploy <repo> \[packs\] \[branch\]/;

async function minimalConfig(): Promise<string> {
  return writeConfig(MINIMAL, await tempDir());
}

afterEach(stopAllChats);

describe('startChat: a real `packbot chat --json` process, driven line by line', () => {
  it('scripts a conversation: !help, then @bob !pack list', async () => {
    const chat = startChat({ config: await minimalConfig() });
    expect(chat.pid).toBeGreaterThan(0);

    chat.say('!help');
    const help = await chat.waitFor(HELP);
    expect(help).toMatchObject({ index: 0, channel: 'general', thread: null, mentions: [] });

    chat.say('@bob !pack list');
    const list = await chat.waitFor(/No packs are installed yet/);
    expect(list.index).toBe(1);

    const r = await chat.end();
    expect(r.code).toBe(0);
    expect(chat.messages()).toHaveLength(2);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('waitFor starts after the last match unless told where to look', async () => {
    const chat = startChat({ config: await minimalConfig(), channel: 'ops' });
    chat.say('!help');
    chat.say('!help');
    expect((await chat.waitFor(HELP)).index).toBe(0);
    expect((await chat.waitFor(HELP)).index).toBe(1);
    expect((await chat.waitFor((m) => m.channel === 'ops', { from: 0 })).index).toBe(0);
  });

  it('a repeated event id reaches the bot twice and the dispatcher answers once', async () => {
    const chat = startChat({ config: await minimalConfig() });
    // Different texts under one id: a reply to the second would prove it was not deduped.
    chat.say('{"id":"dup-1","user":"bob","text":"!help"}');
    chat.say('{"id":"dup-1","user":"bob","text":"!pack bogus"}');
    // Lines are handled in order, so once this is answered the duplicate has been too.
    chat.say('{"id":"after-dup","text":"!pack list"}');
    await chat.waitFor(/No packs are installed yet/, { from: 0 });
    const texts = chat.messages().map((m) => m.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(HELP);
    expect(texts.some((t) => t.includes('pack bogus'))).toBe(false);
  });

  it('identical plain lines are both answered: ids are per line, not per text', async () => {
    const chat = startChat({ config: await minimalConfig() });
    chat.say('!pack list');
    chat.say('!pack list');
    await chat.waitFor(/No packs/);
    await chat.waitFor(/No packs/);
    expect((await chat.end()).code).toBe(0);
  });

  it('captures an {"error"} line for a bad event, and the process carries on', async () => {
    const chat = startChat({ config: await minimalConfig() });
    chat.say('{"user":"bob","txt":"!help"}');
    const err = await chat.waitFor((m) => m.error === true);
    expect(err.text).toMatch(/^bad event line: "text" is required; unknown field "txt"; expected \{"id"\?: string/);
    expect(err).toMatchObject({ channel: '', thread: null, mentions: [] });
    chat.say('{"user":"bob","channel":"ops","text":"!help"}');
    expect(await chat.waitFor(HELP)).toMatchObject({ channel: 'ops', index: 1 });
  });

  it('waitFor rejects with every message seen and the stderr tail when the process exits first', async () => {
    const chat = startChat({ config: await writeConfig('log: {level: [nonsense]}\n', await tempDir()) });
    const failure = chat.waitFor(HELP);
    await expect(failure).rejects.toThrow(/exited with code [1-9]\d* before a message matching \/pack deploy/);
    await expect(failure).rejects.toThrow(/messages seen:\n {2}\(none\)\nstderr \(tail\):\n.*log\.level/s);
  });

  it('waitFor rejects after its timeout, naming what it waited for and what it saw', async () => {
    const chat = startChat({ config: await minimalConfig() });
    chat.say('!pack list');
    await chat.waitFor(/No packs/);
    await expect(chat.waitFor(/never printed/, { timeoutMs: 200, from: 0 })).rejects.toThrow(
      /no message matching \/never printed\/ at index >= 0 within 200ms\nmessages seen:\n {2}\[0\] #general: No packs are installed yet/,
    );
  });

  it('kill waits for the process to go', async () => {
    const chat = startChat({ config: await minimalConfig() });
    chat.say('!pack list');
    await chat.waitFor(/No packs/);
    await chat.kill();
    // Whether packbot exits on its own terms or by the signal depends on its handlers; either way it is gone.
    expect(() => chat.say('!help')).toThrow(/cannot say "!help": packbot chat (was killed by SIGTERM|exited with code \d+)/);
  });
});
