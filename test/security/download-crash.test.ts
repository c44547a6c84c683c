/**
 * Finding: one archive download crashed the whole process. The bin loads the Discord adapter,
 * whose @discordjs/rest brings its own undici and installs it as the process-wide fetch
 * dispatcher; Node's fetch then met a server that ends the body by closing the socket
 * (HTTP/1.0, no Content-Length) with an assertion nothing could catch, and packbot exited.
 *
 * Here the real `packbot install` (dist/, as shipped; `npm test` builds it first) runs in a
 * child process against an HTTP/1.0 server on 127.0.0.1 that closes every connection: a good
 * archive, one cut short of its Content-Length, and a zip-bomb-like one, 21 downloads in all
 * plus the index. Every run must end with a result, never an uncaught error, and each bad
 * download must be a one-line error naming what went wrong.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { downloadArchive } from '../../src/domain/archive/download.js';
import { buildTarGz } from '../helpers/archive-tar.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/git-repo.js';

const packYaml = (name: string) => `---\nref: ${name}\nname: ${name}\ndescription: ${name}\nversion: 1.0.0\nauthor: x\nemail: x@example.com\n`;
const KINDS = ['good', 'short', 'bomb'] as const;
const ROUNDS = 7;
const names = Array.from({ length: ROUNDS }, (_, i) => KINDS.map((k) => `${k}_${i}`)).flat();

/** Each pack's archive: its own ref, so 21 distinct packs go through one install. */
function archive(name: string): Buffer {
  const kind = name.replace(/_\d+$/, '');
  return buildTarGz([
    { name: `${name}-1.0.0/pack.yaml`, data: packYaml(name) },
    // Random bytes do not compress: the archive spans many TCP reads, as the crashing one did.
    // The bomb: 24 MB of zeros in a ~25 KB archive, over the 4 MB extraction cap configured below.
    { name: `${name}-1.0.0/blob.bin`, data: kind === 'bomb' ? Buffer.alloc(24 << 20) : randomBytes(200_000) },
  ]);
}

/** An HTTP/1.0 server: no Content-Length unless asked, the body ends when the socket closes. */
function startHttp10(routes: Record<string, () => { body: Buffer; declare?: number; type?: string; raw?: string }>): Promise<{ server: Server; origin: string; hits: string[] }> {
  const hits: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const target = head.split(' ')[1] ?? '/';
      head = '';
      hits.push(target);
      const route = routes[target];
      if (!route) return void socket.end('HTTP/1.0 404 Not Found\r\n\r\n');
      const { body, declare, type, raw } = route();
      if (raw !== undefined) return void socket.end(raw);
      socket.write(`HTTP/1.0 200 OK\r\nContent-Type: ${type ?? 'application/octet-stream'}\r\n${declare === undefined ? '' : `Content-Length: ${declare}\r\n`}\r\n`);
      socket.end(body);
    });
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits });
  }));
}

describe('archive downloads from a server that closes the socket (HTTP/1.0) never crash packbot', () => {
  let http: Awaited<ReturnType<typeof startHttp10>>;
  let config: string;

  beforeAll(async () => {
    let origin = '';
    const source = (ref: string) => ({
      ref, label: ref, description: ref, version: '1.0.0', author: 'x', license: 'MIT', keywords: [],
      install_sources: [{ type: 'archive', url: `${origin}/${ref}.tgz` }], dependencies: { packs: [] },
    });
    const routes: Parameters<typeof startHttp10>[0] = {
      '/index.json': () => ({
        type: 'application/json',
        body: Buffer.from(JSON.stringify({ registry_name: 'local', registry_url: origin, version: '1.0', last_updated: '2026-01-01T00:00:00Z', packs: names.map(source) })),
      }),
    };
    for (const name of names) {
      const bytes = archive(name);
      // `short`: promises all of it, sends half, closes — a premature close. The others end by closing.
      routes[`/${name}.tgz`] = name.startsWith('short') ? () => ({ body: bytes.subarray(0, bytes.length >> 1), declare: bytes.length }) : () => ({ body: bytes });
    }
    http = await startHttp10(routes);
    origin = http.origin;
    const dir = await tempDir('packbot-download-crash-');
    config = path.join(dir, 'packbot.yaml');
    await writeFile(config, [
      `state_dir: ${JSON.stringify(path.join(dir, 'var'))}`,
      'log: {level: warn}',
      'registry:',
      `  indexes: [{name: local, url: "${origin}/index.json"}]`,
      `  allowed_urls: ["${origin}/"]`,
      `  max_extracted_bytes: ${4 << 20}`,
    ].join('\n'));
  });
  afterAll(async () => {
    await new Promise((resolve) => http?.server.close(resolve));
  });

  it('21 downloads in one `packbot install` (the bin loads the Discord adapter): a result, and one-line errors', async () => {
    const cli = await runCli(['--config', config, 'install', ...names, '--json'], { timeoutMs: 300_000 });
    // An uncaught error prints a stack and leaves no result on stdout.
    expect(cli.stderr).not.toMatch(/AssertionError|ERR_ASSERTION|Uncaught|node:internal/);
    expect(cli.code, cli.stderr.slice(0, 400)).toBe(1);
    const result = JSON.parse(cli.stdout) as { packs: Array<{ pack: string; status: string; error: string | null }> };
    const byPack = new Map(result.packs.map((p) => [p.pack, p]));
    for (let i = 0; i < ROUNDS; i++) {
      expect(byPack.get(`good_${i}`)?.error ?? null).toBeNull();
      expect(byPack.get(`good_${i}`)?.status).toBe('deployed');
      const short = byPack.get(`short_${i}`)?.error ?? '';
      expect(short).toMatch(/^archive download from http:\/\/127\.0\.0\.1:\d+\/short_\d\.tgz failed \(the connection closed before the whole archive arrived/);
      const bomb = byPack.get(`bomb_${i}`)?.error ?? '';
      expect(bomb).toMatch(/extract|bytes|cap|limit/i);
      for (const error of [short, bomb]) expect(error).not.toContain('\n');
    }
    expect(http.hits.filter((h) => h.endsWith('.tgz'))).toHaveLength(21);
  }, 600_000);

  it('a malformed answer (no status line, broken chunking) is a one-line error for that download', async () => {
    const bad = await startHttp10({
      '/garbage.tgz': () => ({ body: Buffer.alloc(0), raw: 'HELLO THERE\r\n\r\nnot http at all' }),
      '/chunks.tgz': () => ({ body: Buffer.alloc(0), raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\nZZ\r\nnope' }),
    });
    try {
      const dir = await tempDir('packbot-download-malformed-');
      for (const name of ['garbage', 'chunks']) {
        const err = await downloadArchive(`${bad.origin}/${name}.tgz`, { allowedHosts: [bad.origin], maxBytes: 1 << 20, timeoutMs: 30_000, dest: path.join(dir, name) }).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(PackbotError);
        expect((err as PackbotError).message).toMatch(new RegExp(`^archive download from http://127\\.0\\.0\\.1:\\d+/${name}\\.tgz failed \\(`));
        expect((err as PackbotError).message).not.toContain('\n');
      }
    } finally {
      await new Promise((resolve) => bad.server.close(resolve));
    }
  });
});
