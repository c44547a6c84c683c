import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import type { PackbotError } from '../../src/core/errors.js';
import { rejectedConfig } from '../helpers/config.js';

const file = '/srv/packbot/packbot.yaml';

const rejected = (text: string, env: Record<string, string> = {}): PackbotError => rejectedConfig(text, file, env);

describe('defaults and paths', () => {
  it('fills every default for an empty file, with absolute paths under the config dir', () => {
    const { config, file: loadedFrom, secrets } = parseConfig('', { file, env: {} });
    expect(loadedFrom).toBe(file);
    expect(secrets).toEqual([]);
    expect(config).toEqual({
      bot: { name: 'packbot', prefix: '!' },
      state_dir: '/srv/packbot/var',
      packs_dir: '/srv/packbot/var/packs',
      configs_dir: '/srv/packbot/var/configs',
      store: { kind: 'embedded' },
      adapters: {},
      repositories: {},
      locks: { revert_after: 3_600_000, warn_before: 600_000 },
      queue: { concurrency: 4, max_wait: 43_200_000, stall_timeout: 30_000 },
      confirm: { policy: 'when_queued', timeout: 300_000, phrases: [] },
      permissions: { admins: [] },
      releases_kept: 5,
      allow_urls: false,
      url_allowlist: [],
      envs: { python: 'off', node: 'off', virtualenvs_dir: '/srv/packbot/var/virtualenvs', python_binary: 'python3' },
      pack_code: { source_builds: false },
      sandbox: { mode: 'auto', user: 'nobody' },
      register: { env: {} },
      registry: {
        indexes: [], allowed_urls: [], timeout: 30_000, archive_timeout: 120_000, max_index_bytes: 50 * 1024 * 1024,
        max_archive_bytes: 100 * 1024 * 1024, max_extracted_bytes: 500 * 1024 * 1024, max_entries: 20_000, max_depth: 10,
      },
      timeouts: { git: 300_000, env: 900_000, hook: 120_000 },
      log: { level: 'info' },
      templates: {},
    });
  });

  it('reads registry indexes in order, resolving files against the config dir, and refuses bad sources all at once', () => {
    const { config } = parseConfig([
      'registry:',
      '  indexes: [{name: internal, file: ./index.json, fail_closed: true}, {url: "https://index.stackstorm.org/v1/index.json"}]',
      '  allowed_urls: ["https://github.com/StackStorm-Exchange/"]',
      '  timeout: 10s',
    ].join('\n'), { file, env: {} });
    expect(config.registry.indexes).toEqual([
      { name: 'internal', file: '/srv/packbot/index.json', fail_closed: true },
      { url: 'https://index.stackstorm.org/v1/index.json', fail_closed: false },
    ]);
    expect(config.registry.timeout).toBe(10_000);
    const err = rejected([
      'registry:',
      '  indexes: [{url: "ftp://x/index.json"}, {url: "https://u:p@x.example/i.json"}, {}, {url: "https://a/i.json", file: ./i.json}]',
      '  allowed_urls: [github.com]',
      '  max_depth: 0',
    ].join('\n'));
    const paths = err.details.map((d) => d.split(' ')[2]);
    expect(paths).toEqual(expect.arrayContaining([
      'registry.indexes[0].url:', 'registry.indexes[1].url:', 'registry.indexes[2]:', 'registry.indexes[3]:', 'registry.allowed_urls[0]:', 'registry.max_depth:',
    ]));
    expect(err.describe()).not.toContain('u:p@');
  });

  it('reads the deploy settings: envs (YAML 1.1 off too), register hooks with secret headers, timeouts', () => {
    const text = [
      'envs: {python: venv, node: false}',
      'register:',
      '  command: [st2, pack, register, "{packs}"]',
      '  http: {url: "https://st2.example.com/api/v1/packs/register", headers: {St2-Api-Key: "${ST2_KEY}"}}',
      'timeouts: {git: 30s}',
      'releases_kept: 3',
    ].join('\n');
    const { config, secrets } = parseConfig(text, { file, env: { ST2_KEY: 'st2-api-key-value' } });
    expect(config.envs).toEqual({ python: 'venv', node: 'off', virtualenvs_dir: '/srv/packbot/var/virtualenvs', python_binary: 'python3' });
    expect(config.register.command).toEqual(['st2', 'pack', 'register', '{packs}']);
    expect(config.register.http?.headers).toEqual({ 'St2-Api-Key': 'st2-api-key-value' });
    expect(secrets).toContain('st2-api-key-value');
    expect(config.timeouts).toEqual({ git: 30_000, env: 900_000, hook: 120_000 });
    expect(config.releases_kept).toBe(3);
  });

  it('puts envs where StackStorm looks: virtualenvs/ beside packs_dir, or envs.virtualenvs_dir relative to the file', () => {
    expect(parseConfig('packs_dir: /opt/stackstorm/packs', { file, env: {} }).config.envs.virtualenvs_dir).toBe('/opt/stackstorm/virtualenvs');
    expect(parseConfig('packs_dir: ../st2/packs/', { file, env: {} }).config.envs.virtualenvs_dir).toBe('/srv/st2/virtualenvs');
    const custom = parseConfig('envs: {virtualenvs_dir: venvs, python_binary: /opt/stackstorm/st2/bin/python}', { file, env: {} }).config.envs;
    expect(custom).toMatchObject({ virtualenvs_dir: '/srv/packbot/venvs', python_binary: '/opt/stackstorm/st2/bin/python' });
    // The layout before virtualenvs_dir, a dot-directory StackStorm skips, is still allowed.
    expect(parseConfig('envs: {virtualenvs_dir: var/packs/.virtualenvs}', { file, env: {} }).config.envs.virtualenvs_dir).toBe('/srv/packbot/var/packs/.virtualenvs');
  });

  it('refuses a virtualenvs_dir that is, holds or sits visibly inside packs_dir, and a relative python_binary', () => {
    const details = (text: string) => rejected(text).details;
    expect(details('packs_dir: /opt/st2/packs\nenvs: {virtualenvs_dir: /opt/st2/packs/}')).toEqual([
      expect.stringMatching(/envs\.virtualenvs_dir: must not be packs_dir itself/),
    ]);
    expect(details('packs_dir: /opt/st2/packs\nenvs: {virtualenvs_dir: /opt/st2}')).toEqual([expect.stringMatching(/envs\.virtualenvs_dir: must not contain packs_dir/)]);
    expect(details('envs: {virtualenvs_dir: ./var/packs/venvs}')).toEqual([expect.stringMatching(/envs\.virtualenvs_dir: must not be inside packs_dir/)]);
    expect(details('envs: {python_binary: bin/python3}')).toEqual([expect.stringMatching(/envs\.python_binary: expected a python interpreter/)]);
  });

  it('refuses a register command given as a shell string', () => {
    expect(() => parseConfig('register: {command: "st2 pack register"}', { file, env: {} })).toThrow(
      expect.objectContaining({ details: [expect.stringMatching(/register\.command: expected a list of arguments \(no shell\)/)] }),
    );
  });

  it('resolves relative paths against the config file, and defaults under a custom state_dir', () => {
    const text = [
      'state_dir: ../state',
      'templates: {dir: ./templates}',
      'repositories:',
      '  local:',
      '    repo: git@github.com:o/r.git',
      '    ssh_key_file: keys/deploy',
    ].join('\n');
    const { config } = parseConfig(text, { file, env: {} });
    expect(config.state_dir).toBe('/srv/state');
    expect(config.packs_dir).toBe('/srv/state/packs');
    expect(config.configs_dir).toBe('/srv/state/configs');
    expect(config.templates.dir).toBe('/srv/packbot/templates');
    expect(config.repositories['local']?.ssh_key_file).toBe('/srv/packbot/keys/deploy');
  });

  it('applies repository defaults and lets auto_deployment follow the branch', () => {
    const text = [
      'repositories:',
      '  st2contrib:',
      '    repo: https://github.com/StackStorm/st2contrib.git',
      '    branch: release/1.x',
      '    auto_deployment: {notify_channel: chatops}',
      '    locks: {revert_after: 2h}',
      '    confirm: {policy: always}',
    ].join('\n');
    const { config } = parseConfig(text, { file, env: {} });
    expect(config.repositories['st2contrib']).toEqual({
      repo: 'https://github.com/StackStorm/st2contrib.git',
      subtree: true,
      branch: 'release/1.x',
      auto_deployment: { branch: 'release/1.x', notify_channel: 'chatops', confirm: false },
      locks: { revert_after: 7_200_000 },
      confirm: { policy: 'always' },
    });
  });

  it('parses a full configuration and returns its secrets', () => {
    const text = [
      'bot: {name: deploybot, prefix: "?"}',
      'store: {kind: redis, url: "redis://:${REDIS_PASSWORD}@127.0.0.1:6379"}',
      'adapters:',
      '  console: {color: false}',
      '  slack: {bot_token: "${SLACK_BOT_TOKEN}", signing_secret: s3cret-signing, mode: http}',
      '  discord: {token: discord-token-value, application_id: "80351110224678912"}',
      'repositories:',
      '  st2contrib:',
      '    repo: https://github.com/StackStorm/st2contrib.git',
      '    token: ${GITHUB_TOKEN}',
      '    username: x-access-token',
      '    allowed_users: ["slack:U1"]',
      '  other:',
      '    repo: https://example.org/other.git',
      '    notify_channel: "#ops"',
      '    announce_channel: ${ANNOUNCE}',
      'locks: {revert_after: 1h30m, warn_before: 15m}',
      'queue: {concurrency: 8, max_wait: 1d}',
      'confirm: {policy: never, timeout: 90s, phrases: ["ship it"]}',
      'permissions: {admins: ["console:alice", "slack:U024BE7LH"], deployers: []}',
      'log: {level: debug}',
    ].join('\n');
    const env = { SLACK_BOT_TOKEN: 'xoxb-abc', GITHUB_TOKEN: 'ghp_1234567', REDIS_PASSWORD: 'redis-pw', ANNOUNCE: 'announcements' };
    const { config, secrets } = parseConfig(text, { file, env });
    expect(config.store).toEqual({ kind: 'redis', url: 'redis://:redis-pw@127.0.0.1:6379', prefix: 'packbot:' });
    expect(config.adapters.slack).toEqual({ bot_token: 'xoxb-abc', signing_secret: 's3cret-signing', mode: 'http' });
    expect(config.locks).toEqual({ revert_after: 5_400_000, warn_before: 900_000 });
    expect(config.queue).toEqual({ concurrency: 8, max_wait: 86_400_000, stall_timeout: 30_000 });
    expect(config.confirm).toEqual({ policy: 'never', timeout: 90_000, phrases: ['ship it'] });
    expect(config.permissions).toEqual({ admins: ['console:alice', 'slack:U024BE7LH'], deployers: [] });
    expect(config.repositories['other']?.announce_channel).toBe('announcements');
    expect([...secrets].sort()).toEqual(['discord-token-value', 'ghp_1234567', 'redis-pw', 's3cret-signing', 'xoxb-abc']);
  });

  it('lets repositories share settings through YAML merge keys', () => {
    const text = [
      'x-defaults: &defaults',
      '  branch: main',
    ].join('\n');
    // Unknown top-level keys are errors even when only used as anchors…
    expect(rejected(text).details[0]).toContain('unknown key "x-defaults"');
    const ok = ['repositories:', '  a: &a {repo: ./a, branch: main}', '  b: {<<: *a, repo: ./b}'].join('\n');
    const { config } = parseConfig(ok, { file, env: {} });
    expect(config.repositories['b']).toMatchObject({ repo: 'file:///srv/packbot/b', branch: 'main' });
  });
});

describe('errors', () => {
  it('reports every mistake at once, each with its path and position', () => {
    const text = [
      'bot:',
      '  prefx: "!"', // unknown key
      'store: {kind: redis, url: http://localhost}', // wrong URL scheme
      'adapters:',
      '  slack:',
      '    bot_token: ${SLACK_BOT_TOKEN}', // unset
      'repositories:',
      '  st2contrib:',
      '    repo: --upload-pack=touch /tmp/pwned', // option injection
      '    branch: ../etc', // bad branch
      '    auto_deployment: {branch: "-f"}',
      '  "bad name": {repo: ./x}', // bad repository name
      'locks: {revert_after: 10m, warn_before: 10m}', // cross-field
      'queue: {concurrency: 100, max_wait: 90}', // range + bare number
      'confirm: {policy: sometimes}',
      'permissions: {admins: ["alice"]}',
      'log: {level: verbose}',
    ].join('\n');
    const err = rejected(text);
    expect(err.code).toBe('config_invalid');
    const expectedPaths = [
      'bot.prefx',
      'store.url',
      'adapters.slack.bot_token',
      'adapters.slack.app_token',
      'repositories.st2contrib.repo',
      'repositories.st2contrib.branch',
      'repositories.st2contrib.auto_deployment.branch',
      'repositories.st2contrib.auto_deployment.notify_channel',
      'repositories["bad name"]',
      'locks.warn_before',
      'queue.concurrency',
      'queue.max_wait',
      'confirm.policy',
      'permissions.admins[0]',
      'log.level',
    ];
    for (const path of expectedPaths) expect(err.details.some((d) => d.includes(` ${path}: `))).toBe(true);
    expect(err.details).toHaveLength(expectedPaths.length);
    expect(err.message).toBe(`${file}: ${expectedPaths.length} problems in the configuration`);
    for (const line of err.details) expect(line).toMatch(/^line \d+:\d+ /);
    expect(err.details).toContain('line 2:3 bot.prefx: unknown key "prefx" (did you mean "prefix"?)');
    expect(err.details).toContain('line 14:37 queue.max_wait: expected a duration like 90s, 10m or 1h, got 90');
    expect(err.details).toContain('line 13:41 locks.warn_before: must be shorter than locks.revert_after (10m)');
  });

  it('suggests the closest key for a misspelt top-level key', () => {
    const err = rejected('repositores:\n  x: {repo: ./x}\n');
    expect(err.details).toEqual(['line 1:1 repositores: unknown key "repositores" (did you mean "repositories"?)']);
    expect(err.message).toBe(`${file}: 1 problem in the configuration`);
  });

  it('lists the known keys when nothing is close', () => {
    const err = rejected('queue: {zzz: 1}');
    expect(err.details[0]).toContain('unknown key "zzz" (known keys: concurrency, max_wait, stall_timeout)');
  });

  it('reports malformed YAML as one-line errors with line numbers', () => {
    const err = rejected('bot:\n  name: packbot\n  prefix: "!\nlog: {level: info\n');
    expect(err.details.length).toBeGreaterThan(0);
    for (const line of err.details) {
      expect(line).toMatch(/^line \d+:\d+ YAML syntax error: /);
      expect(line).not.toContain('\n');
      expect(line).not.toMatch(/\bat .*\.js:\d+/);
    }
    const dup = rejected('log: {level: info}\nlog: {level: debug}\n');
    expect(dup.details[0]).toMatch(/^line 2:1 YAML syntax error: .*unique/i);
  });

  it('checks slack modes and per-repository lock overrides', () => {
    const text = [
      'adapters:',
      '  slack: {bot_token: xoxb-test-1, mode: http}',
      'repositories:',
      '  a: {repo: ./a, locks: {revert_after: 5m}}',
      '  b: {repo: git@host:b.git, token: t0k3n-value, username: u}',
      '  c: {repo: https://h/c.git, username: u, ssh_key_file: ./k}',
    ].join('\n');
    const err = rejected(text);
    const paths = err.details.map((d) => d.split(' ')[2]);
    expect(paths).toEqual([
      'adapters.slack.signing_secret:',
      'repositories.a.locks.revert_after:',
      'repositories.b.token:',
      'repositories.c.username:',
      'repositories.c.ssh_key_file:',
    ]);
    expect(err.describe()).not.toContain('t0k3n-value');
  });

  it('never echoes a secret that has the wrong type or shape', () => {
    const err = rejected('adapters:\n  discord: {token: 12345678901234}\nstore: {kind: redis, url: "http://:pw-secret@h"}\n');
    expect(err.describe()).not.toContain('12345678901234');
    expect(err.describe()).not.toContain('pw-secret');
    expect(err.details).toHaveLength(2);
  });

  it('asks for a quoted Discord application id', () => {
    const err = rejected('adapters:\n  discord: {token: discord-test-1, application_id: 80351110224678912}\n');
    expect(err.details[0]).toContain('quoted application id');
  });

  it('rejects a non-mapping document', () => {
    expect(rejected('- a\n- b\n').details).toEqual(['line 1:1 expected a mapping, got a list']);
  });
});
