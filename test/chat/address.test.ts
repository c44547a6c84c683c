import { describe, expect, it } from 'vitest';
import { addressedText } from '../../src/interfaces/chat/address.js';

const opts = { prefix: '!', mentionTokens: ['@packbot', '<@U0BOT>'] };

describe('addressedText', () => {
  it.each([
    ['!help', 'help'],
    ['  !pack deploy demo hello  ', 'pack deploy demo hello'],
    ['!', ''],
    ['@packbot help', 'help'],
    ['@PackBot: pack list', 'pack list'],
    ['@packbot, pack list', 'pack list'],
    ['@packbot !pack list', 'pack list'],
    ['<@U0BOT> pack queue', 'pack queue'],
    ['@packbot', ''],
  ])('%j is addressed as %j', (text, expected) => {
    expect(addressedText(text, opts)).toBe(expected);
  });

  it.each(['help', 'pack deploy demo', '@packbotter help', 'hey @packbot help', 'alas! ear wax!'])(
    '%j is not addressed to the bot',
    (text) => {
      expect(addressedText(text, opts)).toBeNull();
    },
  );

  it('treats a direct message as addressed, prefix optional', () => {
    expect(addressedText('pack list', { ...opts, direct: true })).toBe('pack list');
    expect(addressedText('!pack list', { ...opts, direct: true })).toBe('pack list');
  });
});
