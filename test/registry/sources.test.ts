import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPackbotError, PackbotError } from '../../src/core/errors.js';
import { loadIndexes, type IndexSource } from '../../src/domain/registry/sources.js';
import { BASIC, FIXTURES, startIndexServer, type IndexServer } from './server.js';

const OPTS = { timeoutMs: 2_000, maxBytes: 1_000_000 };
let server: IndexServer;

beforeAll(async () => {
  server = await startIndexServer();
});
afterAll(async () => {
  await server.close();
});

const at = (path: string): string => `${server.url}${path}`;

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<PackbotError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPackbotError(err)) throw new Error(`expected a PackbotError, got ${String(err)}`);
  return err;
}

describe('loadIndexes', () => {
  it('reads an Exchange index and an Attune index over HTTP and a file: source, in priority order', async () => {
    const { indexes, problems, warnings } = await loadIndexes(
      [
        { name: 'exchange', url: at('/exchange/v1/index.json') },
        { name: 'internal', url: at('/attune/index.json') },
        { file: join(FIXTURES, 'exchange-index.json') },
      ],
      OPTS,
    );
    expect(problems).toEqual([]);
    expect(indexes.map((i) => [i.label, i.priority, i.format])).toEqual([
      ['"exchange"', 1, 'exchange'],
      ['"internal"', 2, 'attune'],
      [join(FIXTURES, 'exchange-index.json'), 3, 'exchange'],
    ]);
    expect(indexes[0]?.packs.get('aws')?.versions.map((v) => v.version)).toEqual(['2.0.0-rc.1', '1.9.0', '1.2.0', '1.10.0', '1.1.0', '1.0.0', '0.9.0']);
    expect(indexes[1]?.packs.get('slack')?.versions.map((v) => v.version)).toEqual(['2.1.0', '2.0.0']);
    expect(warnings).toContain('"exchange": packs.aws: version "next" is not semver; skipped');
    expect(warnings).toContain('"internal": packs[5] (my-pack): "my-pack" is not a StackStorm pack ref (lowercase letters, digits and _); skipped');
  });

  it('reads a file: URL like a file path', async () => {
    const url = pathToFileURL(join(FIXTURES, 'attune-index.json')).href;
    const { indexes } = await loadIndexes([{ url }], OPTS);
    expect(indexes[0]?.format).toBe('attune');
    expect(indexes[0]?.packs.has('chatkit')).toBe(true);
  });

  it('uses an injected readFile and still applies the size cap to it', async () => {
    const big = JSON.stringify({ packs: {}, padding: 'x'.repeat(2_000) });
    const { indexes, problems } = await loadIndexes([{ file: '/virtual/index.json' }], { ...OPTS, maxBytes: 1_000, readFile: async () => big });
    expect(indexes).toEqual([]);
    expect(problems).toEqual([`the index /virtual/index.json (priority 1) could not be read and was skipped: larger than the 1000-byte limit (${big.length} bytes)`]);
  });

  it('skips an unreachable index that is not fail_closed and keeps the rest', async () => {
    const { indexes, problems } = await loadIndexes(
      [
        { name: 'broken', url: at('/broken/index.json') },
        { name: 'missing', file: join(FIXTURES, 'no-such-index.json') },
        { name: 'exchange', url: at('/exchange/v1/index.json') },
      ],
      OPTS,
    );
    expect(indexes.map((i) => i.label)).toEqual(['"exchange"']);
    expect(problems).toEqual([
      'the index "broken" (priority 1) could not be read and was skipped: HTTP 500 Internal Server Error',
      'the index "missing" (priority 2) could not be read and was skipped: no such file',
    ]);
  });

  it('stops everything when a fail_closed index cannot be read', async () => {
    const err = await rejection(
      loadIndexes(
        [
          { name: 'internal', url: at('/broken/index.json'), fail_closed: true },
          { name: 'exchange', url: at('/exchange/v1/index.json') },
        ],
        OPTS,
      ),
    );
    expect(err.code).toBe('registry_unreachable');
    expect(err.message).toBe('the index "internal" (priority 1, fail_closed) could not be read: HTTP 500 Internal Server Error; fix it or set fail_closed: false');
  });

  it('reports a connection failure by its code', async () => {
    const port = await closedPort();
    const { problems } = await loadIndexes([{ url: `http://127.0.0.1:${port}/index.json` }], OPTS);
    expect(problems).toEqual([`the index http://127.0.0.1:${port}/index.json (priority 1) could not be read and was skipped: network error (ECONNREFUSED)`]);
  });

  it('times out on a server that never finishes the body', async () => {
    const { problems } = await loadIndexes([{ name: 'slow', url: at('/slow/index.json') }], { ...OPTS, timeoutMs: 300 });
    expect(problems).toEqual(['the index "slow" (priority 1) could not be read and was skipped: no complete answer within 300 ms']);
  });

  it('refuses an oversized index, whether Content-Length says so or the body just keeps coming', async () => {
    const { problems } = await loadIndexes(
      [
        { name: 'declared', url: at('/big-declared/index.json') },
        { name: 'chunked', url: at('/big-chunked/index.json') },
      ],
      OPTS,
    );
    expect(problems).toEqual([
      'the index "declared" (priority 1) could not be read and was skipped: larger than the 1000000-byte limit (50000000 bytes)',
      'the index "chunked" (priority 2) could not be read and was skipped: larger than the 1000000-byte limit',
    ]);
  });

  it('reports every problem of a malformed index at once', async () => {
    const source: IndexSource = { name: 'bad', url: at('/malformed/index.json'), fail_closed: true };
    const err = await rejection(loadIndexes([source], OPTS));
    expect(err.message).toBe('the index "bad" (priority 1, fail_closed) could not be read: it is not a valid index (3 problems, listed below); fix it or set fail_closed: false');
    expect(err.details).toHaveLength(3);
    expect(err.details[0]).toMatch(/^packs\.one\.versions: /);
    expect(err.details[1]).toMatch(/^packs\.two\.repo_url: /);
    expect(err.details[2]).toMatch(/^packs\.three\.dependencies: /);

    const { problems } = await loadIndexes([{ ...source, fail_closed: false }], OPTS);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('packs.one.versions');
    expect(problems[0]).toContain('packs.two.repo_url');
    expect(problems[0]).toContain('packs.three.dependencies');
  });

  it('says what is wrong with a body that is not JSON or not an index', async () => {
    const { problems } = await loadIndexes([{ url: at('/not-json/index.json') }, { file: join(FIXTURES, '..', '..', '..', 'package.json') }], OPTS);
    expect(problems[0]).toMatch(/^the index http:\/\/127\.0\.0\.1:\d+\/not-json\/index\.json \(priority 1\) could not be read and was skipped: not valid JSON \(/);
    expect(problems[1]).toMatch(/has no "packs" field/);
  });

  it('refuses other schemes and sources that give both or neither of url and file', async () => {
    const { problems } = await loadIndexes([{ url: 'ftp://example.com/index.json' }, { url: 'https://x.example/i.json', file: '/tmp/i.json' }, {}], OPTS);
    expect(problems).toEqual([
      'the index ftp://example.com/index.json (priority 1) could not be read and was skipped: ftp:// URLs are not allowed; use https, http or file',
      'the index https://x.example/i.json (priority 2) could not be read and was skipped: give exactly one of url and file',
      'the index <no url or file> (priority 3) could not be read and was skipped: give exactly one of url and file',
    ]);
  });

  it('sends URL credentials as Basic auth and never shows credentials or the query in messages', async () => {
    const secretUrl = at('/private/index.json?token=q-s3cr3t-tok').replace('http://', 'http://ci:s3cr3t-pass@');
    const ok = await loadIndexes([{ url: secretUrl }], OPTS);
    expect(ok.indexes[0]?.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/private\/index\.json$/);
    const sent = server.requests.filter((r) => r.url.startsWith('/private/')).at(-1);
    expect(sent?.headers.authorization).toBe(BASIC);

    const wrong = at('/broken/index.json?token=q-s3cr3t-tok').replace('http://', 'http://ci:s3cr3t-pass@');
    const refused = `http://ci:s3cr3t-pass@127.0.0.1:${await closedPort()}/index.json?api_key=q-s3cr3t-tok`;
    const { problems } = await loadIndexes([{ url: wrong }, { url: refused }, { url: 'ftp://ci:s3cr3t-pass@x.example/i?token=q-s3cr3t-tok' }], OPTS);
    const err = await rejection(loadIndexes([{ url: wrong, fail_closed: true }], OPTS));
    const everything = [...problems, err.message, ...err.details, ok.indexes[0]?.label ?? ''].join('\n');
    expect(problems).toHaveLength(3);
    expect(everything).not.toMatch(/s3cr3t|token=|api_key|ci:/);
  });
});
