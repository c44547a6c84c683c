import { describe, expect, it } from 'vitest';
import { displayIdentity, identityOf, isChatIdentity, parseIdentity, SYSTEM_IDENTITY } from '../../src/core/identity.js';

describe('identity', () => {
  it('is built from a platform and an id, and read back the same', () => {
    const alice = identityOf('slack', 'U0ALICE01');
    expect(alice).toBe('slack:U0ALICE01');
    expect(parseIdentity(alice)).toEqual({ platform: 'slack', id: 'U0ALICE01' });
    // Only the first colon separates: an id may hold colons of its own.
    expect(parseIdentity(identityOf('console', 'a:b'))).toEqual({ platform: 'console', id: 'a:b' });
    expect(parseIdentity('nobody')).toEqual({ platform: '', id: 'nobody' });
  });

  it('tells chat users from pushers and packbot itself', () => {
    expect(['console:alice', 'slack:U1', 'discord:80351110224678912'].map(isChatIdentity)).toEqual([true, true, true]);
    expect(['github:octocat', 'gitlab:bob', SYSTEM_IDENTITY].map(isChatIdentity)).toEqual([false, false, false]);
  });

  it('names people without pinging them, and bare for tables', () => {
    expect(displayIdentity('slack:U0ALICE01')).toBe('@U0ALICE01');
    expect(displayIdentity('github:octocat')).toBe('octocat (github)');
    expect(displayIdentity(SYSTEM_IDENTITY)).toBe('packbot');
    expect(displayIdentity('alice')).toBe('@alice');
    expect(displayIdentity('console:alice', 'bare')).toBe('alice');
    expect(displayIdentity('github:octocat', 'bare')).toBe('octocat');
  });
});
