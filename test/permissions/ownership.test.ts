/**
 * Who owns an installed pack, read from its release metadata, old releases (no `origin`)
 * included, and the policy's check on that owner. Pure: no I/O.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { createPolicy, originOfRelease, type Actor } from '../../src/domain/permissions/index.js';

const configOf = (yaml: string) => parseConfig(yaml, { file: '/srv/packbot/packbot.yaml', env: {} }).config;
const actor = (identity: string): Actor => ({ identity, groups: [], channel: { id: 'ops', name: 'ops' } });

const CONFIG = configOf(`
repositories:
  prod: {repo: "https://git.example.com/prod.git", allowed_users: ["slack:U0DAVE"]}
permissions:
  admins: ["slack:U0ROOT"]
  commands: {install: ["slack:U0DAVE"]}
`);

describe('the owner of an installed pack', () => {
  it('reads the recorded origin, and older releases by their repo name', () => {
    expect(originOfRelease({ repo: 'prod', origin: 'repository' }, CONFIG)).toEqual({ kind: 'repository', name: 'prod' });
    expect(originOfRelease({ repo: 'prod' }, CONFIG)).toEqual({ kind: 'repository', name: 'prod' });
    expect(originOfRelease({ repo: 'registry', origin: 'registry' }, CONFIG)).toEqual({ kind: 'registry' });
    expect(originOfRelease({ repo: 'registry' }, CONFIG)).toEqual({ kind: 'registry' });
    expect(originOfRelease({ repo: 'url-0123456789ab' }, CONFIG)).toEqual({ kind: 'url', name: 'url-0123456789ab' });
    // A repository that left the config: nobody's permission on it can be checked.
    expect(originOfRelease({ repo: 'gone' }, CONFIG)).toEqual({ kind: 'unknown', name: 'gone' });
    expect(originOfRelease({ repo: 'gone', origin: 'repository' }, CONFIG)).toEqual({ kind: 'unknown', name: 'gone' });
  });

  it('reads an old `registry` release as unknown while a repository is also named registry', () => {
    const config = configOf('repositories:\n  registry: {repo: "https://git.example.com/r.git"}\n');
    expect(originOfRelease({ repo: 'registry' }, config)).toEqual({ kind: 'unknown', name: 'registry' });
    expect(originOfRelease({ repo: 'registry', origin: 'registry' }, config)).toEqual({ kind: 'registry' });
    expect(originOfRelease({ repo: 'registry', origin: 'repository' }, config)).toEqual({ kind: 'repository', name: 'registry' });
  });

  it('checks the owner: its repository, the right to install, or admins only when unknown', () => {
    const policy = createPolicy(CONFIG);
    const bob = actor('slack:U0BOB');
    expect(policy.origin(bob, 'replace', { kind: 'repository', name: 'prod' }, 'alpha')).toEqual({
      ok: false, reason: 'Replacing alpha (from prod) needs being in repositories.prod.allowed_users (slack:U0DAVE); ask an admin (@U0ROOT) to add slack:U0BOB there.',
    });
    expect(policy.origin(bob, 'uninstall', { kind: 'registry' }, 'alpha')).toEqual({
      ok: false, reason: 'Uninstalling alpha (from the registry) needs one of slack:U0DAVE (permissions.commands.install); ask an admin (@U0ROOT) to add slack:U0BOB there.',
    });
    expect(policy.origin(bob, 'rollback', { kind: 'unknown', name: 'gone' }, 'alpha')).toEqual({
      ok: false,
      reason: 'Rolling back alpha (from gone (no longer configured)) is for admins only: gone is not a configured repository, so nobody else\'s permission on it can be checked; ask an admin (@U0ROOT).',
    });
    expect(policy.origin(actor('slack:U0DAVE'), 'replace', { kind: 'registry' }, 'alpha')).toEqual({ ok: true });
    expect(policy.origin(actor('slack:U0ROOT'), 'replace', { kind: 'unknown', name: 'gone' }, 'alpha')).toEqual({ ok: true });
  });
});
