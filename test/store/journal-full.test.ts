/**
 * A failed journal write on a real full disk (a 1 MiB tmpfs: mounting needs root, as CI runs)
 * and under a real file size limit (`ulimit -f` in a child: EFBIG). The store refuses with
 * store_unavailable meanwhile, keeps nothing half-written, and comes back by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { openEmbeddedStore } from '../../src/domain/store/embedded.js';
import { outage } from '../../src/domain/store/journal-errors.js';
import { createQueue } from '../../src/services/coord/queue.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/git-repo.js';
import { fillDisk, smallDisk, type SmallDisk } from '../helpers/small-disk.js';

const disks: SmallDisk[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL'); // a store that never came back
  for (const disk of disks.splice(0)) await disk.unmount();
});

describe('journal on a full disk', () => {
  it('refuses with store_unavailable naming the disk, keeps nothing half-done, and recovers when space returns', async () => {
    const disk = await smallDisk();
    disks.push(disk);
    const stateDir = disk.dir;
    const health: Array<string | null> = [];
    let back!: () => void;
    const recovered = new Promise<void>((resolve) => (back = resolve));
    const store = await openEmbeddedStore({ stateDir, onHealth: (p) => {
      health.push(p);
      if (p === null) back();
    } });
    const big = 'x'.repeat(16 * 1024);
    await store.set('before', 'kept');
    const filler = await fillDisk(stateDir);

    const err = await store.set('during', big).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(PackbotError);
    expect((err as PackbotError).code).toBe('store_unavailable');
    expect((err as PackbotError).message).toContain(`disk full at ${path.join(stateDir, 'state')}`);
    expect((err as PackbotError).message).toContain('try again in a minute');
    // Everything is refused meanwhile, with the same reason.
    await expect(store.get('before')).rejects.toMatchObject({ code: 'store_unavailable' });
    await expect(store.setIfAbsent('other', '1')).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(health[0]).toContain('disk full');

    await rm(filler);
    await recovered;
    expect(await store.get('before')).toBe('kept');
    expect(await store.get('during')).toBeNull(); // refused, so never kept
    await store.set('after', big);
    await store.close();

    const again = await openEmbeddedStore({ stateDir });
    expect(await again.getMany(['before', 'during', 'after'])).toEqual(['kept', null, big]);
    await again.close();
  });
});

describe('the deploy queue on a full disk', () => {
  it('answers store_unavailable with the reason, not "too busy", once its patience runs out', async () => {
    const disk = await smallDisk();
    disks.push(disk);
    const store = await openEmbeddedStore({ stateDir: disk.dir });
    const queue = createQueue(store, { concurrency: 1, patienceMs: 200 });
    await queue.enqueue({ id: 'first', packs: ['a'], requester: 'slack:A', summary: 'a' });
    await fillDisk(disk.dir);
    const err = await queue.enqueue({ id: 'second', packs: ['b'], requester: 'slack:A', summary: 'x'.repeat(16 * 1024) }).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'store_unavailable' });
    expect((err as Error).message).toContain('disk full');
    await store.close();
  });
});

describe('which write failures pass', () => {
  // A real EROFS needs the journal's fd closed before a remount (EBUSY otherwise), so the
  // errno a failed write carries is classified directly here.
  const failure = (code: string) => Object.assign(new Error(`${code}: failed`), { code });
  it.each(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO'])('%s: store_unavailable, retried in the background', (code) => {
    expect(outage('/srv/state', failure(code))).toMatchObject({ transient: true, error: { code: 'store_unavailable' } });
  });
  it.each(['EROFS', 'EACCES', 'EPERM', 'ENOENT'])('%s: store_failed, never retried (the queue gives up at once)', (code) => {
    const o = outage('/srv/state', failure(code));
    expect(o).toMatchObject({ transient: false, error: { code: 'store_failed' } });
    expect(o.error.message).toContain('restart packbot');
  });
});

describe('journal under a file size limit (EFBIG)', () => {
  it('refuses with store_unavailable, compacts under the limit by itself, and loses no acknowledged write', async () => {
    const stateDir = await tempDir('packbot-efbig-');
    const module = JSON.stringify(path.join(ROOT, 'dist/src/domain/store/embedded.js'));
    // One key rewritten: the journal grows past the limit, a snapshot of the state stays small.
    const script = `
      let back; const recovered = new Promise((r) => (back = r));
      const store = await (await import(${module})).openEmbeddedStore({ stateDir: ${JSON.stringify(stateDir)},
        compactAt: { entries: 1e9, bytes: 1e12 }, onHealth: (p) => { if (p === null) back(); } });
      const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
      let acked = -1;
      for (let i = 0; ; i++) {
        try { await store.set('k', String(i).padEnd(2000, '.')); acked = i; }
        catch (err) { say({ refused: err.code, message: err.message, acked }); break; }
      }
      // The store's retry timer is unref'd (it must not hold a stopping process): this script waits for it.
      const alive = setInterval(() => undefined, 1000);
      await recovered;
      clearInterval(alive);
      await store.set('after', 'ok');
      say({ back: (await store.get('k')).split('.')[0] });
      await store.close();
    `;
    const child = spawn('bash', ['-c', `ulimit -S -f 64 && exec "${process.execPath}" --input-type=module -e "$0"`, script], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const [refused, back] = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(refused).toMatchObject({ refused: 'store_unavailable' });
    expect(refused!['message']).toContain('file size limit reached');
    expect(back).toEqual({ back: String(refused!['acked']) });

    const store = await openEmbeddedStore({ stateDir });
    expect((await store.get('k'))?.split('.')[0]).toBe(String(refused!['acked']));
    expect(await store.get('after')).toBe('ok');
    await store.close();
  });
});
