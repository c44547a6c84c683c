import { describe, expect, it } from 'vitest';
import { hasUserinfo, urlPasswordSpellings } from '../../../src/core/net/url-credentials.js';

describe('credentials in URLs', () => {
  it('sees a user or a password', () => {
    expect(['https://u:p@h/x', 'https://token@h/x', 'https://:p@h/x', 'https://h/x'].map((u) => hasUserinfo(new URL(u)))).toEqual([true, true, true, false]);
  });

  it('lists a password as written and as sent', () => {
    expect(urlPasswordSpellings('redis://:p%40ss@h:6379')).toEqual(['p%40ss', 'p@ss']);
    expect(urlPasswordSpellings('redis://u:plain@h')).toEqual(['plain', 'plain']);
  });

  it('lists nothing without a password, for text that is not a URL, or for a password that does not decode', () => {
    expect(urlPasswordSpellings('redis://user@h')).toEqual([]);
    expect(urlPasswordSpellings('not a url')).toEqual([]);
    expect(urlPasswordSpellings('redis://:%E0%A4%A@h')).toEqual([]);
  });
});
