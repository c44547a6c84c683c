import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { parsePackList, resolveRepository } from '../../src/services/deploy/resolve.js';

const config = (extra = '') =>
  parseConfig(`repositories:\n  st2contrib: {repo: "https://github.com/StackStorm/st2contrib.git", token: "t0ken-value"}\n${extra}`, {
    file: path.join('/srv/packbot', 'packbot.yaml'),
    env: {},
  }).config;

describe('resolveRepository', () => {
  it('maps a configured name to its remote, credentials kept out of the URL', () => {
    const r = resolveRepository(config(), 'st2contrib');
    expect(r).toMatchObject({ name: 'st2contrib', subtree: true, defaultBranch: 'master' });
    expect(r.remote).toEqual({ name: 'st2contrib', url: 'https://github.com/StackStorm/st2contrib.git', token: 't0ken-value' });
  });

  it.each([
    ['an unknown name', 'docker', /Unknown repository "docker" \(configured: st2contrib\)/],
    ['a URL while allow_urls is off', 'https://github.com/StackStorm-Exchange/stackstorm-docker.git', /Deploying from a URL is turned off/],
  ])('refuses %s', (_what, repo, message) => {
    expect(() => resolveRepository(config(), repo)).toThrow(message);
  });

  it('takes a URL only with allow_urls and a matching https prefix', () => {
    const allowed = config('allow_urls: true\nurl_allowlist: ["https://github.com/StackStorm-Exchange/"]\n');
    const r = resolveRepository(allowed, 'https://github.com/StackStorm-Exchange/stackstorm-docker.git');
    expect(r.name).toMatch(/^url-[0-9a-f]{12}$/);
    expect(r.subtree).toBeNull();
    for (const bad of ['https://github.com/evil/stackstorm-docker.git', 'http://github.com/StackStorm-Exchange/x.git', 'ext::sh -c touch% /tmp/x']) {
      expect(() => resolveRepository(allowed, bad), bad).toThrow(/not allowed|Unknown repository/);
    }
  });
});

describe('parsePackList', () => {
  it.each([
    ['', null], ['all', null], ['*', null], ['ALL', null],
    ['docker', ['docker']], ['docker, sensu,docker', ['docker', 'sensu']],
  ])('%j → %j', (input, expected) => {
    expect(parsePackList(input)).toEqual(expected);
  });

  it.each(['../../etc', '--upload-pack=x', 'a b', '.hidden', 'x/y'])('refuses %j', (input) => {
    expect(() => parsePackList(input)).toThrow(/Invalid pack name/);
  });
});
