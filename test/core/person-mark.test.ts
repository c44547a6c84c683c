import { describe, expect, it } from 'vitest';
import { cleanDisplayName, hasPeople, personMark, resolvePeople, stripPeople, SYSTEM_IDENTITY } from '../../src/core/identity.js';

describe('person marks', () => {
  it('strip to what displayIdentity writes, so the CLI and logs read as before', () => {
    const text = `by ${personMark('slack:U0ALICE01', 'name')}, ${personMark('slack:U0BOB', 'mention')}, ${personMark('console:carol', 'name', 'bare')}`;
    expect(hasPeople(text)).toBe(true);
    expect(stripPeople(text)).toBe('by @U0ALICE01, @U0BOB, carol');
    expect(stripPeople(`${personMark('github:octocat', 'name')} / ${personMark('github:octocat', 'name', 'bare')} / ${personMark(SYSTEM_IDENTITY, 'mention')}`))
      .toBe('octocat (github) / octocat / packbot');
    expect(stripPeople('no people here')).toBe('no people here');
    expect(hasPeople(stripPeople(text))).toBe(false);
  });

  it('resolve each distinct mark once, with how and the fallback text', async () => {
    const asked: string[] = [];
    const alice = personMark('slack:U0ALICE01', 'name');
    const text = `${alice} and ${alice} pinged ${personMark('slack:U0BOB', 'mention')}; ${personMark('slack:U0CAROL', 'name', 'bare')}`;
    const out = await resolvePeople(text, async (identity, how, plain) => {
      asked.push(`${identity}/${how}/${plain}`);
      return identity === 'slack:U0ALICE01' ? 'Alice' : how === 'mention' ? '<@U0BOB>' : plain;
    });
    expect(out).toBe('Alice and Alice pinged <@U0BOB>; U0CAROL');
    expect(asked.sort()).toEqual(['slack:U0ALICE01/name/@U0ALICE01', 'slack:U0BOB/mention/@U0BOB', 'slack:U0CAROL/name/U0CAROL']);
  });

  it('never fail a message: a resolver that throws (or rejects) leaves the plain text', async () => {
    const text = `hi ${personMark('slack:U1', 'name')} ${personMark('slack:U2', 'name')}`;
    expect(await resolvePeople(text, (identity) => {
      if (identity === 'slack:U1') throw new Error('boom');
      return Promise.reject(new Error('boom'));
    })).toBe('hi @U1 @U2');
  });

  it('cannot be forged or broken by an identity holding the mark characters', () => {
    const mark = personMark('slack:U1\uE001\uE000mX', 'name');
    expect(stripPeople(`a ${mark} b`)).toBe('a @U1mX b');
  });
});

describe('cleanDisplayName', () => {
  it('makes a fetched name one safe line', () => {
    expect(cleanDisplayName('  Alice \n Liddell ')).toBe('Alice Liddell');
    expect(cleanDisplayName('<@U0BOSS> & co')).toBe('‹@U0BOSS› & co');
    expect(cleanDisplayName('x\uE000y')).toBe('x y');
    expect(cleanDisplayName('')).toBe('');
    const long = cleanDisplayName('😀'.repeat(100));
    expect([...long]).toHaveLength(80);
    expect(long.endsWith('😀…')).toBe(true);
  });
});
