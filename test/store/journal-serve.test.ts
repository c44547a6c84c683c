/**
 * `packbot serve` with its state_dir on a disk that fills up (a 1 MiB tmpfs): once a journal
 * write fails, /readyz is 503 saying why; when space returns the store comes back without a
 * restart (/readyz 200); and a graceful stop while the disk is full exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { tempDir, writeConfig } from '../helpers/config.js';
import { fillDisk, smallDisk, type SmallDisk } from '../helpers/small-disk.js';

const SECRET = 'journal-serve-secret';
const disks: SmallDisk[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL'); // a serve that never stopped
  for (const disk of disks.splice(0)) await disk.unmount();
});

/** Resolves once serve's log (stderr) matches; rejects if it exits first. */
function logged(child: ChildProcess, log: { text: string }, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = pattern.exec(log.text);
      if (!m) return;
      child.stderr!.off('data', check);
      resolve(m);
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`serve exited ${code} before logging ${pattern}: ${log.text}`)));
    setImmediate(check);
  });
}

/** A signed GitHub ping: the delivery ledger writes a journal line for each. */
async function ping(url: string): Promise<number> {
  const body = JSON.stringify({ zen: randomUUID(), hook_id: 1 });
  const res = await fetch(`${url}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** Pings until one is refused: the first journal write the full disk cannot take. */
async function untilRefused(url: string): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const status = await ping(url);
    if (status >= 500) return status;
  }
  throw new Error('the full disk never refused a write');
}

async function readyz(url: string): Promise<{ status: number; store: string }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, store: ((await res.json()) as { store: string }).store };
}

describe('packbot serve on a disk that fills up (spawned CLI)', () => {
  it('/readyz is 503 with the reason, back to 200 when space returns, and a stop while full exits 0', async () => {
    const disk = await smallDisk();
    disks.push(disk);
    const dir = await tempDir();
    const file = await writeConfig(`state_dir: ${disk.dir}\nlog: {level: info}\nserver: {port: 0, webhooks: {github: {secret: ${SECRET}}}}\n`, dir);
    const child = spawn(process.execPath, [BIN, '--config', file, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const log = { text: '' };
    child.stderr.on('data', (d: Buffer) => (log.text += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const url = (await logged(child, log, /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"HTTP server listening"/))[1]!;
    await logged(child, log, /packbot is running/);
    expect(await ping(url)).toBe(200);
    expect((await readyz(url)).status).toBe(200);

    const filler = await fillDisk(disk.dir);
    await untilRefused(url);
    const down = await readyz(url);
    expect(down.status).toBe(503);
    expect(down.store).toContain(`state store unavailable (disk full at ${path.join(disk.dir, 'state')})`);
    expect(log.text).toContain('"msg":"state store unavailable"');

    await rm(filler);
    await logged(child, log, /state store writable again/);
    expect(await readyz(url)).toEqual({ status: 200, store: 'ok' });
    expect(await ping(url)).toBe(200);

    // Full again, and stopped while it is.
    await fillDisk(disk.dir);
    await untilRefused(url);
    expect((await readyz(url)).status).toBe(503);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
