/**
 * The embedded store's journal refuses to start on damaged files (issue 20, item 9): a
 * sequence gap, a missing or corrupt snapshot, a `null` line or any bad line is named (file
 * and line) with the recovery command, never loaded as if nothing happened. The recovery
 * keeps what is intact, writes a fresh snapshot and keeps the damaged files aside.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { openEmbeddedStore } from '../../src/domain/store/embedded.js';
import { checkStateDir, recoverStateDir } from '../../src/domain/store/journal-recover.js';
import { tempDir } from '../helpers/git-repo.js';

const files = (stateDir: string) => ({
  journal: path.join(stateDir, 'state', 'journal.jsonl'),
  snapshot: path.join(stateDir, 'state', 'snapshot.json'),
});

async function seeded(n: number, compactEvery?: number): Promise<string> {
  const stateDir = await tempDir('packbot-journal-');
  const store = await openEmbeddedStore({ stateDir, ...(compactEvery ? { compactAt: { entries: compactEvery } } : {}) });
  for (let i = 1; i <= n; i++) await store.set(`lock:${i}`, `holder-${i}`);
  await store.append('history', 'deploy-1');
  await store.close();
  return stateDir;
}

async function editLines(file: string, edit: (lines: string[]) => string[]): Promise<void> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
  await writeFile(file, `${edit(lines).join('\n')}\n`);
}

async function refusal(stateDir: string): Promise<PackbotError> {
  const err = await openEmbeddedStore({ stateDir }).then(async (s) => {
    await s.close();
    return null;
  }, (e: unknown) => e);
  expect(err).toBeInstanceOf(PackbotError);
  const e = err as PackbotError;
  expect(e.code).toBe('store_corrupt');
  // Every refusal says how to get going again.
  expect(e.message).toContain('packbot store check');
  expect(e.message).toContain('packbot store recover --accept-loss');
  return e;
}

describe('journal: damaged files stop start-up, naming the file and line', () => {
  it('a deleted line (a sequence gap)', async () => {
    const stateDir = await seeded(5);
    await editLines(files(stateDir).journal, (lines) => lines.filter((_, i) => i !== 2));
    const err = await refusal(stateDir);
    expect(err.message).toContain(`${files(stateDir).journal} line 3`);
    expect(err.message).toMatch(/missing/);
  });

  it('a deleted snapshot (the journal says one should exist)', async () => {
    const stateDir = await seeded(12, 5);
    await rm(files(stateDir).snapshot);
    const err = await refusal(stateDir);
    expect(err.message).toContain(files(stateDir).snapshot);
    expect(err.message).toMatch(/missing/);
  });

  it('a deleted snapshot right after compaction, with no journal line since', async () => {
    const stateDir = await seeded(4, 5);
    await rm(files(stateDir).snapshot);
    const err = await refusal(stateDir);
    expect(err.message).toContain(files(stateDir).snapshot);
  });

  it('a null line', async () => {
    const stateDir = await seeded(3);
    await editLines(files(stateDir).journal, (lines) => [...lines.slice(0, 1), 'null', ...lines.slice(1)]);
    const err = await refusal(stateDir);
    expect(err.message).toContain(`${files(stateDir).journal} line 2`);
  });

  it('a bad snapshot: a changed byte, or cut short', async () => {
    const stateDir = await seeded(12, 5);
    const text = await readFile(files(stateDir).snapshot, 'utf8');
    await writeFile(files(stateDir).snapshot, text.replace('holder-2', 'holder-9'));
    expect((await refusal(stateDir)).message).toContain(files(stateDir).snapshot);
    await writeFile(files(stateDir).snapshot, text.slice(0, text.length - 20));
    expect((await refusal(stateDir)).message).toContain(files(stateDir).snapshot);
  });

  it('a bad middle line: edited, or garbage', async () => {
    const stateDir = await seeded(5);
    const original = await readFile(files(stateDir).journal, 'utf8');
    await writeFile(files(stateDir).journal, original.replace('holder-2', 'holder-7'));
    expect((await refusal(stateDir)).message).toContain(`${files(stateDir).journal} line 2`);
    await editLines(files(stateDir).journal, (lines) => [lines[0]!, '{"s":', ...lines.slice(1)]);
    expect((await refusal(stateDir)).message).toContain(`${files(stateDir).journal} line 2`);
  });

  it('still tolerates a torn final line (never acknowledged), and cuts it off', async () => {
    const stateDir = await seeded(3);
    const original = await readFile(files(stateDir).journal, 'utf8');
    await writeFile(files(stateDir).journal, `${original}0badc0de {"s":5,"o":"set","k":"x","v":"to`);
    const store = await openEmbeddedStore({ stateDir });
    expect(await store.get('lock:3')).toBe('holder-3');
    expect(await store.get('x')).toBeNull();
    await store.set('after', 'ok');
    await store.close();
    const again = await openEmbeddedStore({ stateDir });
    expect(await again.get('after')).toBe('ok');
    await again.close();
  });
});

describe('journal: upgrade from the unchecksummed format', () => {
  it('reads an old state dir, keeps everything, writes the new format from then on', async () => {
    const stateDir = await tempDir('packbot-journal-');
    const { journal, snapshot } = files(stateDir);
    await openEmbeddedStore({ stateDir }).then((s) => s.close()); // creates state/
    await writeFile(snapshot, JSON.stringify({ seq: 2, kv: [['a', '1', null], ['b', '2', null]], lists: [['h', ['x']]] }));
    // Line 1 is already in the snapshot (a crash between snapshot and truncation).
    await writeFile(journal, ['{"o":"set","k":"b","v":"2","s":2}', '{"o":"set","k":"c","v":"3","s":3}', '{"o":"push","k":"h","v":"y","m":10,"s":4}', ''].join('\n'));
    const store = await openEmbeddedStore({ stateDir });
    expect(await store.getMany(['a', 'b', 'c'])).toEqual(['1', '2', '3']);
    await store.set('d', '4');
    await store.close();
    const last = (await readFile(journal, 'utf8')).trim().split('\n').at(-1)!;
    expect(last).toMatch(/^[0-9a-f]{8} \{/);
    const again = await openEmbeddedStore({ stateDir });
    expect(await again.getMany(['a', 'b', 'c', 'd'])).toEqual(['1', '2', '3', '4']);
    expect(await again.recent('h', 10)).toEqual(['y', 'x']);
    await again.close();
  });

  it('names the file and line of an old-format null line instead of a TypeError', async () => {
    const stateDir = await tempDir('packbot-journal-');
    await openEmbeddedStore({ stateDir }).then((s) => s.close());
    await writeFile(files(stateDir).journal, '{"o":"set","k":"a","v":"1","s":1}\nnull\n');
    expect((await refusal(stateDir)).message).toContain(`${files(stateDir).journal} line 2`);
  });
});

describe('journal: check and recover', () => {
  it('check reports the damage; recover keeps what is intact, snapshots it, and moves the damaged files aside', async () => {
    const stateDir = await seeded(6);
    const { journal } = files(stateDir);
    const original = await readFile(journal, 'utf8');
    await editLines(journal, (lines) => lines.filter((_, i) => i !== 2)); // lock:3 lost
    const report = await checkStateDir(stateDir);
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toContain(`${journal} line 3`);

    // Without accepting the loss nothing changes.
    await expect(recoverStateDir(stateDir, { acceptLoss: false })).rejects.toThrow(/--accept-loss/);
    expect((await readFile(journal, 'utf8')).length).toBeLessThan(original.length);
    await refusal(stateDir);

    const done = await recoverStateDir(stateDir, { acceptLoss: true });
    expect(done.movedAside.length).toBeGreaterThan(0);
    for (const f of done.movedAside) expect(path.dirname(f)).toBe(path.join(stateDir, 'state'));
    expect((await readdir(path.join(stateDir, 'state'))).some((f) => f.startsWith('journal.jsonl.damaged-'))).toBe(true);

    const store = await openEmbeddedStore({ stateDir });
    expect(await store.getMany(['lock:1', 'lock:2', 'lock:3', 'lock:4', 'lock:6'])).toEqual(['holder-1', 'holder-2', null, 'holder-4', 'holder-6']);
    expect(await store.recent('history', 5)).toEqual(['deploy-1']);
    await store.set('after', 'recovery');
    await store.close();
    expect((await checkStateDir(stateDir)).ok).toBe(true);
    const again = await openEmbeddedStore({ stateDir });
    expect(await again.get('after')).toBe('recovery');
    await again.close();
  });

  it('recover after a deleted snapshot keeps the journal lines that are intact', async () => {
    const stateDir = await seeded(11, 5); // snapshots at entries 5 and 9; 10–12 in the journal
    await rm(files(stateDir).snapshot);
    const report = await checkStateDir(stateDir);
    expect(report.ok).toBe(false);
    await recoverStateDir(stateDir, { acceptLoss: true });
    const store = await openEmbeddedStore({ stateDir });
    expect(await store.get('lock:11')).toBe('holder-11');
    expect(await store.get('lock:1')).toBeNull(); // it was only in the snapshot
    await store.close();
  });
});
