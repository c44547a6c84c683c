import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { checkGitUrl } from '../../src/domain/config/git-url.js';
import { rejectedConfig } from '../helpers/config.js';
import type { PackbotError } from '../../src/core/errors.js';

const file = '/srv/packbot/packbot.yaml';

function repoConfig(url: string): string {
  return `repositories:\n  st2contrib:\n    repo: ${JSON.stringify(url)}\n`;
}

const problems = (text: string): PackbotError => rejectedConfig(text, file);

describe('repository URLs', () => {
  it.each([
    ['https://github.com/StackStorm/st2contrib.git', 'https://github.com/StackStorm/st2contrib.git'],
    ['http://git.internal/packs.git', 'http://git.internal/packs.git'],
    ['ssh://git@github.com/StackStorm/st2contrib.git', 'ssh://git@github.com/StackStorm/st2contrib.git'],
    ['ssh://git@host:2222/repo.git', 'ssh://git@host:2222/repo.git'],
    ['git://example.org/repo.git', 'git://example.org/repo.git'],
    ['file:///srv/git/packs.git', 'file:///srv/git/packs.git'],
    ['git@github.com:StackStorm/st2contrib.git', 'git@github.com:StackStorm/st2contrib.git'],
    ['/srv/git/packs', 'file:///srv/git/packs'],
    ['./git/packs', 'file:///srv/packbot/git/packs'],
    ['../shared/packs', 'file:///srv/shared/packs'],
  ])('accepts %s', (url, normalized) => {
    const { config } = parseConfig(repoConfig(url), { file, env: {} });
    expect(config.repositories['st2contrib']?.repo).toBe(normalized);
  });

  it.each([
    ['--upload-pack=x', 'leading "-"'],
    ['-u x', 'leading "-"'],
    ['ext::sh -c x', 'remote helpers'],
    ['fd::3', 'remote helpers'],
    ['git-remote-foo::bar', 'remote helpers'],
    ['https://github.com/a b.git', 'whitespace'],
    ['https://github.com/a\tb.git', 'whitespace'],
    ['git@github.com:a\u0007b.git', 'control'],
    ['ftp://example.org/repo.git', 'scheme is not allowed'],
    ['github.com/StackStorm/st2contrib', 'local path'],
    ['git@-oProxyCommand=x:repo', 'ssh option'],
    ['ssh://-oProxyCommand=x/repo', 'ssh option'],
    ['', 'empty'],
  ])('rejects %j (%s)', (url, reason) => {
    const err = problems(repoConfig(url));
    expect(err.details).toHaveLength(1);
    const line = err.details[0] ?? '';
    expect(line).toContain(
      `repositories.st2contrib.repo: expected a git URL (https://, ssh://, git@host:path or a local path), got ${JSON.stringify(url)}`,
    );
    expect(line).toContain(reason);
  });

  it.each([
    ['https://user:ghp_SuperSecret123@github.com/o/r.git', 'ghp_SuperSecret123'],
    ['https://ghp_SuperSecret123@github.com/o/r.git', 'ghp_SuperSecret123'],
    ['ssh://git:hunter2pass@github.com/o/r.git', 'hunter2pass'],
    ['x-access-token:ghp_SuperSecret123@github.com:o/r.git', 'ghp_SuperSecret123'],
    ['https://user:ghp_SuperSecret123@bad host/o/r.git', 'ghp_SuperSecret123'],
  ])('rejects credentials in %s without echoing them', (url, secret) => {
    const err = problems(repoConfig(url));
    expect(err.details).toEqual([
      'line 3:11 repositories.st2contrib.repo: remove the credentials: put the token in repositories.st2contrib.token, not in the URL',
    ]);
    expect(err.describe()).not.toContain(secret);
  });

  it('classifies without a config', () => {
    expect(checkGitUrl('git@github.com:o/r.git')).toEqual({ ok: true, kind: 'scp' });
    expect(checkGitUrl('./x')).toEqual({ ok: true, kind: 'local' });
    expect(checkGitUrl('https://h/x')).toEqual({ ok: true, kind: 'url' });
  });
});
