import { describe, expect, it } from 'vitest';
import { parseConsoleLine } from '../../../adapters/console/line.js';

describe('parseConsoleLine', () => {
  it.each([
    ['@alice #ops !pack deploy demo hello', { user: 'alice', channel: 'ops', text: '!pack deploy demo hello' }],
    ['#ops @alice !pack list', { user: 'alice', channel: 'ops', text: '!pack list' }],
    ['@bob alas! ear wax!', { user: 'bob', text: 'alas! ear wax!' }],
    ['#random !help', { channel: 'random', text: '!help' }],
    ['!help', { text: '!help' }],
    ['@packbot help', { text: '@packbot help' }],
    ['@alice @packbot help', { user: 'alice', text: '@packbot help' }],
    ['@alice @bob hi', { user: 'alice', text: '@bob hi' }],
    ['   ', { text: '' }],
    ['@alice', { user: 'alice', text: '' }],
  ])('%j', (line, expected) => {
    expect(parseConsoleLine(line, 'packbot')).toEqual(expected);
  });
});
