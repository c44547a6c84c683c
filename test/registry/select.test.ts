import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPackbotError, type PackbotError } from '../../src/core/errors.js';
import { parseIndex } from '../../src/domain/registry/index-format.js';
import { parseRequest, selectVersion } from '../../src/domain/registry/select.js';
import { loadIndexes, type LoadedIndex } from '../../src/domain/registry/sources.js';
import { fixture, startIndexServer, type IndexServer } from './server.js';

let server: IndexServer;
let exchangeFirst: LoadedIndex[];
let attuneFirst: LoadedIndex[];

beforeAll(async () => {
  server = await startIndexServer();
  const exchange = { name: 'exchange', url: `${server.url}/exchange/v1/index.json` };
  const internal = { name: 'internal', url: `${server.url}/attune/index.json` };
  const opts = { timeoutMs: 2_000, maxBytes: 1_000_000 };
  exchangeFirst = (await loadIndexes([exchange, internal], opts)).indexes;
  attuneFirst = (await loadIndexes([internal, exchange], opts)).indexes;
});
afterAll(async () => {
  await server.close();
});

function thrown(fn: () => unknown): PackbotError {
  try {
    fn();
  } catch (err) {
    if (isPackbotError(err)) return err;
    throw err;
  }
  throw new Error('expected a throw');
}

describe('parseRequest', () => {
  it.each<[string, string, string]>([
    ['aws', 'aws', '*'],
    ['aws=1.2.3', 'aws', '=1.2.3'],
    ['aws=v1.2.3', 'aws', '=1.2.3'],
    ['aws=1.2', 'aws', '=1.2.0'],
    ['aws@1.2.3', 'aws', '1.2.3'],
    ['aws@^1.2', 'aws', '^1.2'],
    ['aws=^1.2', 'aws', '^1.2'],
    ['aws=~1.2.0', 'aws', '~1.2.0'],
    ['aws=1.x', 'aws', '1.x'],
    ['aws=>=1.0 <2.0', 'aws', '>=1.0 <2.0'],
    ['aws=>=1.0, <2.0', 'aws', '>=1.0 <2.0'],
    ['aws>=1.0 <2', 'aws', '>=1.0 <2'],
    ['aws^1.2', 'aws', '^1.2'],
  ])('%s → %s %s', (raw, name, range) => {
    expect(parseRequest(raw)).toEqual({ name, range, raw });
  });

  it.each<[string, string]>([
    ['aws=master', 'cannot read "aws=master": "master" is not a version (packbot pins dependencies by version, not by git ref)'],
    ['aws==1.0', 'cannot read "aws==1.0": "==" is pip\'s syntax'],
    ['AWS', 'cannot read "AWS": "AWS" is not a pack ref'],
    ['aws@latest', 'cannot read "aws@latest": "latest" is not a semver range'],
    ['https://u:pw@github.com/x/stackstorm-aws.git?t=1', '"https://github.com/x/stackstorm-aws.git" is a URL, not a pack name; install from an index by pack name'],
  ])('refuses %s', (raw, message) => {
    const err = thrown(() => parseRequest(raw));
    expect(err.code).toBe('registry_request_invalid');
    expect(err.message.startsWith(message)).toBe(true);
  });

  it('accepts st2 URL dependencies when asked to, keeping the URL', () => {
    expect(parseRequest('https://github.com/x/stackstorm-lib_b.git=1.0.0', { allowUrl: true })).toMatchObject({ name: 'lib_b', range: '=1.0.0', url: 'https://github.com/x/stackstorm-lib_b.git' });
  });
});

describe('selectVersion', () => {
  it('picks the highest release by semver from a string-sorted list', () => {
    // The Exchange lists ["next", "2.0.0-rc.1", "1.9.0", "1.2.0", "1.10.0", …].
    const s = selectVersion('aws', exchangeFirst);
    expect(s.version).toEqual({
      version: '1.10.0',
      repo_url: 'https://github.com/StackStorm-Exchange/stackstorm-aws',
      git_ref: 'v1.10.0',
      dependencies: [],
    });
    expect(s.index.label).toBe('"exchange"');
  });

  it.each<[string, string]>([
    ['aws=1.2.0', '1.2.0'],
    ['aws@1.9.0', '1.9.0'],
    ['aws=^1.2', '1.10.0'],
    ['aws=~1.2.0', '1.2.0'],
    ['aws=>=1.1 <1.10', '1.9.0'],
    ['aws<1', '0.9.0'],
    ['aws=1.x', '1.10.0'],
    ['aws=2.0.0-rc.1', '2.0.0-rc.1'],
    ['aws@^2.0.0-rc.0', '2.0.0-rc.1'],
    ['preview=1.0.0-rc.1', '1.0.0-rc.1'],
    ['jira', '0.3.0'],
  ])('%s → %s', (request, version) => {
    expect(selectVersion(request, exchangeFirst).version.version).toBe(version);
  });

  it('reads a float version as st2 does and keeps its tag spelling', () => {
    expect(selectVersion('jira', exchangeFirst).version.git_ref).toBe('v0.3');
  });

  it('does not hand out prereleases unless asked, and says how to ask', () => {
    expect(selectVersion('aws=>=1.10', exchangeFirst).version.version).toBe('1.10.0');
    const err = thrown(() => selectVersion('preview', exchangeFirst));
    expect(err.code).toBe('registry_version_unknown');
    expect(err.message).toBe(
      'no version of preview in the index "exchange" (priority 1) satisfies any release; available: 1.0.0-rc.2, 1.0.0-rc.1 — only prereleases match; ask for one exactly, e.g. preview=1.0.0-rc.2',
    );
  });

  it('lists the newest five available versions when none satisfies', () => {
    const err = thrown(() => selectVersion('aws=^3', exchangeFirst));
    expect(err.code).toBe('registry_version_unknown');
    expect(err.message).toBe('no version of aws in the index "exchange" (priority 1) satisfies ^3; available: 2.0.0-rc.1, 1.10.0, 1.9.0, 1.2.0, 1.1.0 (newest 5 of 7)');
    expect(thrown(() => selectVersion('aws=1.3.0', exchangeFirst)).message).toMatch(/satisfies =1\.3\.0; available: /);
  });

  it('suggests a close pack name when no index lists the pack', () => {
    const err = thrown(() => selectVersion('slak', exchangeFirst));
    expect(err.code).toBe('registry_pack_unknown');
    expect(err.message).toBe('no index lists a pack named "slak" (searched "exchange", "internal"); did you mean "slack"?');
    expect(thrown(() => selectVersion('zzzzzz', exchangeFirst)).message).not.toContain('did you mean');
  });

  it('lets the first index that lists a pack decide, even when a later one has a higher version', () => {
    expect(selectVersion('aws', exchangeFirst)).toMatchObject({ version: { version: '1.10.0' }, index: { priority: 1 } });
    expect(selectVersion('aws', attuneFirst)).toMatchObject({ version: { version: '9.9.9' }, index: { label: '"internal"', priority: 1 } });
    // No fallthrough for a version: the internal index owns aws, so the Exchange's 1.2.0 is not offered.
    expect(thrown(() => selectVersion('aws=1.2.0', attuneFirst)).message).toMatch(/^no version of aws in the index "internal" \(priority 1\)/);
    // A pack only a lower-priority index lists is still found there.
    expect(selectVersion('internal_only', exchangeFirst)).toMatchObject({ version: { version: '0.1.0', git_ref: 'v0.1.0' }, index: { priority: 2 } });
  });

  it('normalises Attune install sources', () => {
    expect(selectVersion('slack', exchangeFirst).version).toEqual({
      version: '2.1.0',
      repo_url: 'https://git.example.com/packs/pack-slack.git',
      git_ref: '0123456789abcdef0123456789abcdef01234567',
      archive: { url: 'https://files.example.com/packs/slack-2.1.0.zip', sha256: '1'.repeat(64) },
      dependencies: ['chatkit@^1.2.0'],
    });
    expect(selectVersion('chatkit', exchangeFirst).version).toEqual({
      version: '1.4.0',
      archive: { url: 'https://files.example.com/packs/chatkit-1.4.0.tar.gz', sha256: '3'.repeat(64) },
      dependencies: [],
    });
  });
});

describe('parseIndex', () => {
  it('collects warnings without failing the index', () => {
    const parsed = parseIndex(JSON.parse(fixture('exchange-index.json')));
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([
      'packs.aws: version "next" is not semver; skipped',
      'packs.Bad-Name: "Bad-Name" is not a pack ref (lowercase letters, digits and _); skipped',
    ]);
  });

  it('accepts a versions map, and refuses shapes that are neither format', () => {
    const parsed = parseIndex({ packs: { x: { repo_url: 'https://e.example/x', versions: { '1.0.0': {}, '1.1.0': {} } } } });
    expect(parsed.packs.get('x')?.versions.map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect(parseIndex([]).errors).toEqual(['expected a JSON object with "packs", got a list']);
    expect(parseIndex({ packs: 'x' }).errors).toEqual(['"packs" must be an object (StackStorm Exchange) or a list (Attune)']);
  });

  it('reports every Attune entry problem at once', () => {
    const parsed = parseIndex({ packs: [{ version: '1.0.0' }, { ref: 'ok', version: '1.0.0', install_sources: 'git' }, { ref: 'fine', version: 'banana', install_sources: [] }] });
    expect(parsed.errors.map((e) => e.split(':')[0])).toEqual(['packs[0].ref', 'packs[1].install_sources']);
    expect(parsed.warnings).toEqual(['packs[2] (fine): version "banana" is not semver; skipped']);
  });
});
