/**
 * A damaged journal through the real CLI: `packbot serve` refuses to start naming the file and
 * line, `packbot store check` says the same, `packbot store recover --accept-loss` fixes it,
 * and `packbot serve` starts on what was kept.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEmbeddedStore } from '../../src/domain/store/embedded.js';
import { BIN, runCli } from '../helpers/cli.js';
import { tempDir, writeConfig } from '../helpers/config.js';

/** Starts `packbot serve`; resolves once it says it is running, stops it, and gives back its exit code. */
async function serveStartsAndStops(file: string): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, '--config', file, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('packbot is running')) resolve();
    });
    void exited.then((code) => reject(new Error(`serve exited ${code} before running: ${stderr}`)));
  });
  child.kill('SIGTERM');
  return exited;
}

describe('packbot with a damaged state journal (spawned CLI)', () => {
  it('serve refuses naming the file and line; store recover --accept-loss lets it start', async () => {
    const dir = await tempDir();
    const stateDir = path.join(dir, 'var');
    const file = await writeConfig(`state_dir: ${stateDir}\nlog: {level: info}\n`, dir);
    const store = await openEmbeddedStore({ stateDir });
    for (let i = 1; i <= 5; i++) await store.set(`lock:${i}`, `holder-${i}`);
    await store.close();
    const journal = path.join(stateDir, 'state', 'journal.jsonl');
    const lines = (await readFile(journal, 'utf8')).split('\n');
    await writeFile(journal, [...lines.slice(0, 2), 'null', ...lines.slice(2)].join('\n'));

    const refused = await runCli(['--config', file, 'serve']);
    // EX_CONFIG: a supervisor does not restart into the same damage (RestartPreventExitStatus=78).
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain(`${journal} line 3`);
    expect(refused.stderr).toContain('packbot store recover --accept-loss');
    expect(refused.stderr).not.toContain('packbot is running');

    const check = await runCli(['--config', file, 'store', 'check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`${journal} line 3`);
    expect(check.stdout).toContain('5 keys');

    const unaccepted = await runCli(['--config', file, 'store', 'recover']);
    expect(unaccepted.code).not.toBe(0);
    expect(unaccepted.stderr).toContain('--accept-loss');

    const recovered = await runCli(['--config', file, 'store', 'recover', '--accept-loss']);
    expect(recovered.stderr).toBe('');
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toContain('recovered 5 keys');
    expect((await readdir(path.join(stateDir, 'state'))).filter((f) => f.includes('.damaged-'))).toHaveLength(1);
    expect((await runCli(['--config', file, 'store', 'check'])).code).toBe(0);

    expect(await serveStartsAndStops(file)).toBe(0);
    const after = await openEmbeddedStore({ stateDir });
    expect(await after.get('lock:5')).toBe('holder-5');
    await after.close();
  });
});
