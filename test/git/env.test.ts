import { describe, expect, it } from 'vitest';
import { invocation, layoutOf, shellQuote, sshCommand } from '../../src/domain/git/env.js';

describe('the environment of a git process', () => {
  const layout = layoutOf('/state');
  const remote = { name: 'r', url: 'https://example.com/r.git', token: 'tok-123456', username: 'bob' };

  it('is complete and explicit: nothing but PATH comes from packbot', () => {
    const { env, config } = invocation(layout, { protocol: 'https', timeoutMs: 60_000 });
    expect(env).toMatchObject({
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: '',
      SSH_ASKPASS: '',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_ALLOW_PROTOCOL: 'https',
      GIT_PROTOCOL_FROM_USER: '0',
      HOME: '/state/git/home',
    });
    expect(env['PATH']).toBe(process.env['PATH']);
    expect(Object.keys(env).filter((k) => /^GIT_(DIR|WORK_TREE|INDEX_FILE|TRACE|SSH|CONFIG_COUNT)/.test(k))).toEqual([]);
    expect(config).toEqual(expect.arrayContaining(['core.hooksPath=/state/git/no-hooks', 'protocol.ext.allow=never', 'submodule.recurse=false', 'core.symlinks=false', 'advice.detachedHead=false']));
  });

  it('carries a token only for network commands, as an extra header', () => {
    expect(invocation(layout, { protocol: 'https', timeoutMs: 60_000 }).env['GIT_CONFIG_VALUE_0']).toBeUndefined();
    const { env, unsafe } = invocation(layout, { protocol: 'https', timeoutMs: 60_000, remote });
    expect(env).toMatchObject({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from('bob:tok-123456').toString('base64')}`,
    });
    expect(unsafe.allowUnsafeConfigEnvCount).toBe(true);
    expect(unsafe.allowUnsafePack).toBeUndefined();
  });

  it('uses x-access-token as the default user and never sends a token over ssh', () => {
    const https = invocation(layout, { protocol: 'https', timeoutMs: 60_000, remote: { ...remote, username: undefined } as never });
    expect(https.env['GIT_CONFIG_VALUE_0']).toBe(`Authorization: Basic ${Buffer.from('x-access-token:tok-123456').toString('base64')}`);
    const ssh = invocation(layout, { protocol: 'ssh', timeoutMs: 60_000, remote: { ...remote, url: 'git@example.com:r.git', sshKeyFile: "/keys/it's key" } });
    expect(ssh.env['GIT_CONFIG_VALUE_0']).toBeUndefined();
    expect(ssh.env['GIT_SSH_COMMAND']).toBe(`ssh -i '/keys/it'\\''s key' -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=30 -o ServerAliveInterval=15 -o ServerAliveCountMax=4`);
  });

  it('shell-quotes key paths so they stay one word', () => {
    expect(shellQuote(`a b'; touch /tmp/x; '`)).toBe(`'a b'\\''; touch /tmp/x; '\\'''`);
    expect(sshCommand(undefined)).toMatch(/^ssh -o BatchMode=yes /);
  });
});
