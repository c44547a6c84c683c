/**
 * `packbot deploy` pays for every module it loads on every run, before any deploy starts
 * (issue 19). What its app never uses on a plain run must not be loaded: the pretty log
 * printer, which only a terminal's log needs (stderr is a pipe here, as in CI and the bench),
 * and the Prometheus client, which only an app that serves /metrics needs. Held without timing: the built CLI runs with the preload test/cli/startup-modules
 * uses, which records every module the process loaded.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, run } from '../helpers/cli.js';
import { tempDir, writeConfig } from '../helpers/config.js';

const RECORDER = fileURLToPath(new URL('./fixtures/load-recorder.mjs', import.meta.url));

async function loaded(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string; lines: string[] }> {
  const record = path.join(await tempDir('packbot-loads-'), 'loaded.txt');
  const r = await run(process.execPath, ['--import', RECORDER, ...args], { cwd, env: { PACKBOT_LOAD_RECORD: record } });
  return { ...r, lines: (await readFile(record, 'utf8').catch(() => '')).split('\n').map((l) => decodeURIComponent(l)) };
}

describe('packbot deploy loads what a deploy uses (spawned CLI)', () => {
  it('a deploy with its log on a pipe and no server loads no pretty printer and no metrics library', async () => {
    const dir = await tempDir();
    // Not a git repository: the deploy fails at its first look at the repository, after the app started.
    await mkdir(path.join(dir, 'packs'), { recursive: true });
    const file = await writeConfig(`state_dir: ./var\nlog: {level: info}\nrepositories:\n  local:\n    repo: ${JSON.stringify(path.join(dir, 'packs'))}\n`, dir);
    const r = await loaded([BIN, 'deploy', 'local', 'all', '--json', '-c', file], dir);
    expect(r.code).toBe(1);
    // The app did start (its git layer loaded simple-git) and log (JSON lines on stderr), so the logger was built.
    expect(r.lines.some((l) => l.includes('node_modules/simple-git/'))).toBe(true);
    expect(r.stderr).toMatch(/^\{"level":/m);
    expect(r.lines.filter((l) => l.includes('node_modules/pino-pretty/'))).toEqual([]);
    // Nothing serves /metrics here: the metrics library is not loaded to count into nowhere.
    expect(r.lines.filter((l) => l.includes('node_modules/prom-client/'))).toEqual([]);
  });
});
