import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { acquireFileLock, LockTimeoutError, withFileLock } from '../../src/core/fs/file-lock.js';
import { tempDir } from '../helpers/git-repo.js';
import { ROOT } from '../helpers/cli.js';
import { scaled } from '../helpers/budget.js';
import { seededRandom, testSeed } from '../helpers/seed.js';

const OPTS = { staleMs: 60_000, waitMs: 5_000, pollMs: 10 };

/** A child process holding the lock at `dir` (the compiled module: `npm test` builds first). */
function holder(dir: string, staleMs: number) {
  return spawn(process.execPath, ['--input-type=module', '-e', `
    const { acquireFileLock } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/core/fs/file-lock.js'))});
    await acquireFileLock(${JSON.stringify(dir)}, { staleMs: ${staleMs}, waitMs: 1000 });
    process.stdout.write('held\\n');
    setInterval(() => {}, 1000);
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
}

describe('cross-process file lock', () => {
  it('serialises holders and removes itself on release', async () => {
    const dir = path.join(await tempDir(), 'x.lock');
    const order: string[] = [];
    await Promise.all(['a', 'b', 'c'].map((name) => withFileLock(dir, OPTS, async () => {
      order.push(`${name}+`);
      await new Promise((r) => setTimeout(r, 20));
      order.push(`${name}-`);
    })));
    for (let i = 0; i < order.length; i += 2) expect(order[i]?.[0]).toBe(order[i + 1]?.[0]);
    expect(existsSync(dir)).toBe(false);
  });

  it('makes a missing parent directory, and leaves nothing beside itself once released', async () => {
    // The fast path skips both (a deploy takes a lock per pack): a missing parent is made on demand.
    const parent = path.join(await tempDir(), 'a', 'b');
    const dir = path.join(parent, 'x.lock');
    await withFileLock(dir, OPTS, async () => {
      expect(JSON.parse(await readFile(path.join(dir, 'owner.json'), 'utf8'))).toMatchObject({ pid: process.pid });
    });
    await withFileLock(dir, OPTS, async () => undefined);
    expect(await readdir(parent)).toEqual([]);
  });

  it('takes over at once from a holder process that was killed', async () => {
    const dir = path.join(await tempDir(), 'x.lock');
    // A real child process takes the lock (same code, compiled) and is SIGKILLed holding it.
    const child = holder(dir, 600_000);
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    const owner = JSON.parse(await readFile(path.join(dir, 'owner.json'), 'utf8'));
    expect(owner.pid).toBe(child.pid);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const held = await acquireFileLock(dir, { staleMs: 600_000, waitMs: 2_000, pollMs: 10 });
    expect(JSON.parse(await readFile(path.join(dir, 'owner.json'), 'utf8')).pid).toBe(process.pid);
    await held.release();
  });

  it('waits for a live holder and gives up after waitMs', async () => {
    const dir = path.join(await tempDir(), 'x.lock');
    const held = await acquireFileLock(dir, OPTS);
    await expect(acquireFileLock(dir, { ...OPTS, waitMs: 100 })).rejects.toBeInstanceOf(LockTimeoutError);
    await held.release();
    const again = await acquireFileLock(dir, { ...OPTS, waitMs: 100 });
    await again.release();
  });

  it('takes over from a hung holder once its heartbeat is older than staleMs', async () => {
    const dir = path.join(await tempDir(), 'x.lock');
    const child = holder(dir, 500);
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    child.kill('SIGSTOP'); // alive, but its heartbeat stops
    try {
      const held = await acquireFileLock(dir, { staleMs: 500, waitMs: 10_000, pollMs: 20 });
      expect(JSON.parse(await readFile(path.join(dir, 'owner.json'), 'utf8')).pid).toBe(process.pid);
      await held.release();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('tells a holder that lost its lock, and then leaves the new holder alone', async () => {
    const dir = path.join(await tempDir(), 'x.lock');
    const lostSeen: Error[] = [];
    const held = await acquireFileLock(dir, { staleMs: 400, waitMs: 1000, onLost: (e) => lostSeen.push(e) });
    // Another process took it over: the owner file now carries someone else's token.
    await writeFile(path.join(dir, 'owner.json'), JSON.stringify({ pid: 1, host: 'elsewhere', token: 'theirs', since: '' }));
    // Noticed at the next heartbeat (every 100 ms here), however busy the machine.
    await vi.waitFor(() => expect(held.lost()).toBeInstanceOf(Error), { timeout: scaled(15_000), interval: 20 });
    // Two more heartbeats' time: the loss is reported once, not at every beat.
    await new Promise((r) => setTimeout(r, 250));
    expect(lostSeen).toHaveLength(1);
    await held.release();
    expect(JSON.parse(await readFile(path.join(dir, 'owner.json'), 'utf8')).token).toBe('theirs');
  });
  it('is never left ownerless by a process killed while taking or releasing it (30 kills at random moments)', async () => {
    const base = await tempDir();
    const seed = testSeed(20251203);
    console.log(`lock kill test: PACKBOT_TEST_SEED=${seed}`);
    const random = seededRandom(seed);
    const blocked: string[] = [];
    for (let trial = 0; trial < 30; trial++) {
      const dir = path.join(base, `t${trial}.lock`);
      // A child that takes and releases the lock as fast as it can, killed at a random moment.
      const child = spawn(process.execPath, ['--input-type=module', '-e', `
        const { acquireFileLock } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/core/fs/file-lock.js'))});
        process.stdout.write('go\\n');
        for (;;) { const held = await acquireFileLock(${JSON.stringify(dir)}, { staleMs: 600000, waitMs: 1000 }); await held.release(); }
      `], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      setTimeout(() => child.kill('SIGKILL'), Math.floor(random() * 40));
      await exited;
      // The holder is dead: whatever it left must not hold the next one back (waitMs 0).
      try {
        const held = await acquireFileLock(dir, { staleMs: 600_000, waitMs: 0 });
        await held.release();
      } catch (err) {
        blocked.push(`PACKBOT_TEST_SEED=${seed} trial ${trial}: ${(err as Error).message}`);
      }
    }
    expect(blocked).toEqual([]);
  });

  it('treats a lock directory without a readable owner (what an older packbot killed mid-way left) as abandoned', async () => {
    const base = await tempDir();
    const { mkdir } = await import('node:fs/promises');
    const empty = path.join(base, 'empty.lock');
    await mkdir(empty);
    const truncated = path.join(base, 'truncated.lock');
    await mkdir(truncated);
    await writeFile(path.join(truncated, 'owner.json'), '{"pid": 12');
    for (const dir of [empty, truncated]) {
      const held = await acquireFileLock(dir, { staleMs: 600_000, waitMs: 0 });
      expect(JSON.parse(await readFile(path.join(dir, 'owner.json'), 'utf8')).pid).toBe(process.pid);
      await held.release();
      expect(existsSync(dir)).toBe(false);
    }
  });
});
