import { describe, expect, it } from 'vitest';
import { repositoriesFor } from '../../src/services/autodeploy/match.js';
import { repoIdentity } from '../../src/core/net/urls.js';
import { parseConfig } from '../../src/domain/config/index.js';

describe('which repositories a push names', () => {
  it('reduces every way of naming a repository to host/path', () => {
    const same = [
      'https://github.com/Acme/Packs.git',
      'https://github.com/acme/packs',
      'https://github.com/acme/packs/',
      'http://github.com:8080/acme/packs.git',
      'https://bot@github.com/acme/packs.git',
      'ssh://git@github.com/acme/packs.git',
      'ssh://git@github.com:22/acme/packs',
      'git@github.com:acme/packs.git',
      'github.com:acme/packs',
      'git://github.com/acme/packs.git',
    ];
    for (const url of same) expect(repoIdentity(url), url).toBe('github.com/acme/packs');
    expect(repoIdentity('file:///srv/git/packs.git')).toBe('file:/srv/git/packs');
    expect(repoIdentity('/srv/git/packs')).toBe('file:/srv/git/packs');
  });

  it('keeps different repositories apart and rejects what is not a URL', () => {
    expect(repoIdentity('https://github.com/acme/packs-extra')).not.toBe(repoIdentity('https://github.com/acme/packs'));
    expect(repoIdentity('https://gitlab.com/acme/packs')).not.toBe(repoIdentity('https://github.com/acme/packs'));
    for (const junk of ['', '   ', 'packs', 'https://', 'https://github.com/', 'not a url at all']) expect(repoIdentity(junk), junk).toBeNull();
  });

  it('finds every configured repository with that URL, whatever form the config uses', () => {
    const { config } = parseConfig([
      'repositories:',
      '  a: {repo: "git@github.com:acme/packs.git", branch: main, auto_deployment: {notify_channel: ops}}',
      '  b: {repo: "https://github.com/acme/packs", branch: dev, notify_channel: ops}',
      '  c: {repo: "https://github.com/acme/other.git"}',
    ].join('\n'), { file: '/srv/packbot/packbot.yaml', env: {} });
    expect(repositoriesFor(config, ['https://github.com/ACME/packs.git', 'git@github.com:acme/packs.git']).map((r) => r.name)).toEqual(['a', 'b']);
    expect(repositoriesFor(config, ['https://github.com/acme/nothing'])).toEqual([]);
  });
});
