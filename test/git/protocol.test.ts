import { describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { protocolOf } from '../../src/domain/git/protocol.js';

describe('protocolOf', () => {
  const remote = (url: string) => ({ name: 'r', url });
  it.each([
    ['https://github.com/StackStorm/st2contrib.git', 'https'],
    ['http://127.0.0.1:8080/repo', 'http'],
    ['ssh://git@github.com/org/repo.git', 'ssh'],
    ['git@github.com:org/repo.git', 'ssh'],
    ['git://example.com/repo.git', 'git'],
    ['file:///srv/git/repo.git', 'file'],
    ['/srv/git/repo.git', 'file'],
  ])('%s → %s', (url, protocol) => {
    expect(protocolOf(remote(url))).toBe(protocol);
  });

  it.each([
    ['ext::sh -c touch% /tmp/x', 'git_protocol_refused'],
    ['fd::17', 'git_protocol_refused'],
    ['ftp://example.com/repo.git', 'git_protocol_refused'],
    ['--upload-pack=touch /tmp/x', 'git_remote_invalid'],
    ['-u touch /tmp/x', 'git_remote_invalid'],
    ['https://user:ghp_secret@github.com/org/repo.git', 'git_remote_invalid'],
    ['relative/path', 'git_remote_invalid'],
    ['', 'git_remote_invalid'],
  ])('refuses %j (%s) without repeating it', (url, code) => {
    let error: unknown;
    try {
      protocolOf(remote(url));
    } catch (err) {
      error = err;
    }
    expect((error as PackbotError).code).toBe(code);
    if (url !== '') expect((error as PackbotError).message).not.toContain(url);
  });
});
