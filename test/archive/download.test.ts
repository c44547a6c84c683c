import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadArchive, type DownloadOptions } from '../../src/domain/archive/download.js';
import { extractArchive } from '../../src/domain/archive/extract.js';
import { PackbotError } from '../../src/core/errors.js';
import { buildTarGz } from '../helpers/archive-tar.js';
import { buildZip } from '../helpers/archive-zip.js';
import { redirectTo, serveBytes, startArchiveServer, type ArchiveServer } from '../helpers/archive-server.js';

const body = Buffer.from('pretend this is a tarball '.repeat(200));
const bodySha = createHash('sha256').update(body).digest('hex');
const tarball = buildTarGz([
  { name: 'demo-1.0.0/', type: '5', mode: 0o755 },
  { name: 'demo-1.0.0/pack.yaml', data: 'name: demo\n' },
]);
const zipball = buildZip([{ name: 'pack.yaml', data: 'name: demo\n' }]);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

let server: ArchiveServer;
let dir: string;

beforeAll(async () => {
  server = await startArchiveServer({
    '/good.tgz': serveBytes(body),
    '/hop': redirectTo('/good.tgz'),
    '/demo-1.0.0.tar.gz': serveBytes(tarball),
    '/demo.zip': serveBytes(zipball),
    '/away': redirectTo('https://evil.example/x.tgz'),
    '/loop': redirectTo('/loop'),
    '/big': serveBytes(Buffer.alloc(5000)),
    '/chunked': (_req, res) => {
      res.writeHead(200);
      let sent = 0;
      const more = (): void => {
        if (sent >= 64 || res.destroyed) return void res.end();
        sent += 1;
        res.write(Buffer.alloc(1024), () => setImmediate(more));
      };
      more();
    },
    '/stall': (_req, res) => {
      res.writeHead(200);
      res.write('partial');
    },
  });
});
afterAll(() => server.close());
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'packbot-dl-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function opts(over: Partial<DownloadOptions> = {}): DownloadOptions {
  return { allowedHosts: [server.origin], maxBytes: 1 << 20, timeoutMs: 5_000, dest: path.join(dir, 'a.tgz'), ...over };
}

async function refused(url: string, o: DownloadOptions): Promise<PackbotError> {
  const err = await downloadArchive(url, o).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PackbotError);
  expect(existsSync(o.dest)).toBe(false);
  return err as PackbotError;
}

describe('downloadArchive', () => {
  it('downloads from an allow-listed origin and reports size and sha256', async () => {
    const got = await downloadArchive(`${server.origin}/good.tgz`, opts({ sha256: bodySha.toUpperCase() }));
    expect(got).toEqual({ path: path.join(dir, 'a.tgz'), bytes: body.length, sha256: bodySha });
    expect(await readFile(got.path)).toEqual(body);
  });

  it('downloads and extracts a .tar.gz and a .zip served over http on 127.0.0.1', async () => {
    const limits = { maxEntries: 100, maxBytes: 1 << 20, maxEntryBytes: 1 << 20 };
    const tgz = await downloadArchive(`${server.origin}/demo-1.0.0.tar.gz?token=t`, opts({ sha256: sha(tarball) }));
    const fromTar = await extractArchive(tgz.path, path.join(dir, 'tar'), limits);
    expect(await readFile(path.join(fromTar.root, 'pack.yaml'), 'utf8')).toBe('name: demo\n');
    expect(fromTar.root).toBe(path.join(dir, 'tar', 'demo-1.0.0'));

    const zip = await downloadArchive(`${server.origin}/demo.zip`, opts({ dest: path.join(dir, 'b.zip'), sha256: sha(zipball) }));
    const fromZip = await extractArchive(zip.path, path.join(dir, 'zip'), { ...limits, kind: 'zip' });
    expect(fromZip).toEqual({ files: 1, bytes: 11, root: path.join(dir, 'zip') });
  });

  it('follows a same-origin redirect', async () => {
    const got = await downloadArchive(`${server.origin}/hop`, opts());
    expect(got.sha256).toBe(bodySha);
  });

  it('removes the file when the sha256 does not match', async () => {
    const err = await refused(`${server.origin}/good.tgz`, opts({ sha256: 'a'.repeat(64) }));
    expect(err.code).toBe('archive_invalid');
    expect(err.message).toContain(`has sha256 ${bodySha}, not the expected ${'a'.repeat(64)}`);
  });

  it('refuses a malformed sha256 before fetching', async () => {
    const before = server.requests.length;
    const err = await refused(`${server.origin}/good.tgz`, opts({ sha256: 'abc123' }));
    expect(err.message).toMatch(/sha256 must be 64 hexadecimal characters/);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a host that is not allow-listed, without connecting', async () => {
    const before = server.requests.length;
    const err = await refused(`${server.origin}/good.tgz`, opts({ allowedHosts: ['github.com', 'http://localhost'] }));
    expect(err.code).toBe('archive_download');
    expect(err.message).toMatch(/^archive host 127\.0\.0\.1:\d+ is not allow-listed/);
    expect(server.requests.length).toBe(before);
  });

  it('matches hosts exactly: no suffix or prefix tricks', async () => {
    const evil = new URL(server.origin);
    await refused(`http://127.0.0.1.nip.io:${evil.port}/x`, opts());
    await refused(`http://localhost:${evil.port}/good.tgz`, opts());
  });

  it('refuses a redirect to a host that is not allow-listed', async () => {
    const err = await refused(`${server.origin}/away`, opts());
    expect(err.message).toMatch(/^archive host evil\.example is not allow-listed \(https:\/\/evil\.example\/x\.tgz\)/);
  });

  it('stops after five redirects', async () => {
    const err = await refused(`${server.origin}/loop`, opts());
    expect(err.message).toMatch(/redirected more than 5 times/);
    expect(server.requests.filter((p) => p === '/loop').length).toBe(6);
  });

  it('refuses plain http when only https is allowed for the host', async () => {
    const host = new URL(server.origin).host;
    const before = server.requests.length;
    const err = await refused(`${server.origin}/good.tgz`, opts({ allowedHosts: [host] }));
    expect(err.message).toMatch(/uses plain http; use https, or allow-list "http:\/\/127\.0\.0\.1:\d+" explicitly/);
    expect(server.requests.length).toBe(before);
  });

  it('refuses credentials in the URL and never echoes them or a query token', async () => {
    const o = opts();
    const withCreds = await refused(`http://user:hunter2@${new URL(server.origin).host}/good.tgz`, o);
    expect(withCreds.message).toMatch(/carries credentials/);
    expect(withCreds.message).not.toContain('hunter2');
    const missing = await refused(`${server.origin}/missing.tgz?token=s3cr3t`, o);
    expect(missing.message).toMatch(/answered 404 for http:\/\/127\.0\.0\.1:\d+\/missing\.tgz; check the URL/);
    expect(missing.message).not.toContain('s3cr3t');
  });

  it('refuses a Content-Length over the cap before reading the body', async () => {
    const err = await refused(`${server.origin}/big`, opts({ maxBytes: 4096 }));
    expect(err.message).toMatch(/is 5000 bytes, over the 4096-byte download cap/);
  });

  it('aborts a chunked body once it passes the cap', async () => {
    const err = await refused(`${server.origin}/chunked`, opts({ maxBytes: 10_000 }));
    expect(err.message).toMatch(/is over the 10000-byte download cap/);
  });

  it('times out a download that never finishes', async () => {
    const err = await refused(`${server.origin}/stall`, opts({ timeoutMs: 300 }));
    expect(err.message).toMatch(/took longer than 300 ms; retry, or raise the download timeout/);
  });

  it('never overwrites an existing file', async () => {
    const o = opts();
    await writeFile(o.dest, 'mine');
    const err = await downloadArchive(`${server.origin}/good.tgz`, o).then(
      () => undefined,
      (e: unknown) => e as PackbotError,
    );
    expect(err?.message).toMatch(/cannot be created \(EEXIST\); download into a fresh staging directory/);
    expect(await readFile(o.dest, 'utf8')).toBe('mine');
  });

  it('rejects allow-list entries with paths or credentials', async () => {
    await expect(downloadArchive(`${server.origin}/good.tgz`, opts({ allowedHosts: [`${server.origin}/releases`] }))).rejects.toThrow(
      /must be a host or an http\(s\) origin/,
    );
  });
});
