import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { createRepo, listFiles, tempDir, type FileSpec } from '../helpers/git-repo.js';
import { deployConfigYaml, pack } from '../helpers/deploy.js';
import { seededRandom, testSeed } from '../helpers/seed.js';
import { perRunBudget, runsFromEnv, scaled, within } from '../helpers/budget.js';
import { writeFile } from 'node:fs/promises';

const PACKS = ['p1', 'p2', 'p3', 'p4'];
// PACKBOT_CRASH_RUNS sizes the loop (12 in CI); each run's budget comes from a measured deploy.
const KILLS = runsFromEnv('PACKBOT_CRASH_RUNS', 12);
// The kill moments (as fractions of a whole deploy) come from this seed: PACKBOT_TEST_SEED
// replays a failed run's moments, PACKBOT_TEST_SEED=random explores new ones.
const SEED = testSeed(20_250_601);

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A pack whose MANIFEST lists every other file with its hash, so a release can be checked whole. */
function version(name: string, generation: number): Record<string, FileSpec> {
  const files = pack(name, { version: `1.0.${generation}`, actions: Array.from({ length: 15 }, (_, i) => `a${i}`) });
  for (let i = 0; i < 20; i++) files[`packs/${name}/data/blob${i}.txt`] = `${name} generation ${generation} blob ${i}\n`.repeat(200);
  const manifest = Object.entries(files)
    .map(([p, c]) => `${p.slice(`packs/${name}/`.length)} ${sha(String(c))}`)
    .sort()
    .join('\n');
  return { ...files, [`packs/${name}/MANIFEST`]: `${manifest}\n` };
}

function allVersions(generation: number): Record<string, FileSpec> {
  return Object.assign({}, ...PACKS.map((p) => version(p, generation))) as Record<string, FileSpec>;
}

/** Every pack link that exists resolves to a release whose files match its MANIFEST exactly. */
async function assertConsistent(packsDir: string): Promise<number> {
  let checked = 0;
  for (const name of PACKS) {
    const link = path.join(packsDir, name);
    if (!existsSync(link)) continue;
    const dir = await realpath(link);
    const manifest = (await readFile(path.join(dir, 'MANIFEST'), 'utf8')).trim().split('\n');
    const expected = new Map(manifest.map((l) => l.split(' ') as [string, string]));
    const present = (await listFiles(dir)).filter((f) => f !== 'MANIFEST' && f !== '.packbot.json');
    expect(present.sort()).toEqual([...expected.keys()].sort());
    for (const [file, hash] of expected) expect(sha(await readFile(path.join(dir, file), 'utf8')), `${name}/${file}`).toBe(hash);
    expect(JSON.parse(await readFile(path.join(dir, '.packbot.json'), 'utf8')).pack).toBe(name);
    checked++;
  }
  return checked;
}

/** Resolves with how the deploy ended (SIGKILL, or `exit <code>` if it ended first) and after how long. */
function deployAndKill(config: string, delayMs: number): Promise<{ outcome: string; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, '--config', config, 'deploy', 'demo', 'all', '--force'], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ outcome: signal ?? `exit ${code}`, ms: performance.now() - started });
    });
  });
}

describe('crash safety', () => {
  // No overall clock (timeout 0): every run is bounded by its kill, and each run's budget is
  // derived from how long a deploy just took on this machine, so a loaded machine only runs longer.
  it(`leaves every pack on a complete release when a deploy is SIGKILLed at random moments (${KILLS} runs, PACKBOT_TEST_SEED=${SEED})`, { timeout: 0 }, async () => {
    console.log(`crash test: PACKBOT_TEST_SEED=${SEED}`);
    const random = seededRandom(SEED);
    const repo = await createRepo({ files: allVersions(0) });
    const root = await tempDir('packbot-crash-');
    const config = path.join(root, 'packbot.yaml');
    await writeFile(config, deployConfigYaml(root, { demo: { url: repo.url } }).replace('log: {level: debug}', 'log: {level: error}'));
    const packsDir = path.join(root, 'state', 'packs');
    // How long a whole deploy takes here (process start included), so the kills can be
    // spread across it on a fast machine and a loaded one alike.
    const t0 = performance.now();
    // The first deploy is the measurement, so its budget is only a hang guard.
    expect((await runCli(['--config', config, 'deploy', 'demo', 'all'], { timeoutMs: scaled(300_000) })).code).toBe(0);
    let full = performance.now() - t0;
    const budget = perRunBudget(full);
    const outcomes: string[] = [];
    for (let run = 0; run < KILLS; run++) {
      const where = `PACKBOT_TEST_SEED=${SEED}, run ${run + 1}/${KILLS}`;
      await within(budget, `${where}: committing the next generation`, repo.commit(`generation ${run + 1}`, allVersions(run + 1)));
      // From process start-up through fetch, staging and the symlink swaps.
      const delayMs = Math.floor(full * (0.1 + 0.85 * random()));
      const { outcome, ms } = await within(budget, `${where}: the deploy killed after ${delayMs} ms`, deployAndKill(config, delayMs));
      outcomes.push(outcome);
      // One that finished before its kill shows how long a deploy takes now (the first one was
      // cold, or slowed by a busy moment): spread the next kills over that.
      if (outcome === 'exit 0') full = Math.min(full, ms);
      try {
        await within(budget, `${where}: checking the releases`, assertConsistent(packsDir));
      } catch (err) {
        if (err instanceof Error) err.message = `${where}, killed after ${delayMs} of ~${Math.round(full)} ms: ${err.message}`;
        throw err;
      }
    }
    console.log(`crash test: ${outcomes.join(', ')}; a deploy took ~${Math.round(full)} ms`);
    expect(outcomes.filter((o) => o === 'SIGKILL').length, `PACKBOT_TEST_SEED=${SEED}, outcomes: ${outcomes.join(', ')}`).toBeGreaterThanOrEqual(KILLS / 2);

    const next = await runCli(['--config', config, 'deploy', 'demo', 'all', '--json'], { timeoutMs: budget });
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
    const result = JSON.parse(next.stdout);
    expect(result.failure_count).toBe(0);
    expect(await assertConsistent(packsDir)).toBe(PACKS.length);
    expect(await readdir(path.join(root, 'state', 'staging')).catch(() => [])).toEqual([]);
    for (const name of PACKS) {
      const leftovers = (await readdir(path.join(packsDir, '.releases', name))).filter((d) => d.startsWith('.'));
      expect(leftovers).toEqual([]);
    }
  });
});

describe('staging of another packbot process on the same state_dir', () => {
  it('survives this process starting up; a dead process\'s staging and this one\'s own are cleared', async () => {
    const { createDeployEnv } = await import('../helpers/deploy.js');
    const { mkdir } = await import('node:fs/promises');
    const repo = await createRepo({ files: pack('alpha') });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const staging = path.join(env.config.state_dir, 'staging');
    // A live "other packbot" mid-deploy, one that died mid-deploy, and an old layout leftover.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => dead.on('exit', r));
    try {
      for (const dir of [`${other.pid}/d1/alpha`, `${dead.pid}/d2/alpha`, `${process.pid}/d3/alpha`, 'deadbeef/alpha']) await mkdir(path.join(staging, dir), { recursive: true });
      await env.app.deployer.recover();
      expect((await readdir(staging)).sort()).toEqual([String(other.pid)]);
      expect(await readdir(path.join(staging, String(other.pid), 'd1'))).toEqual(['alpha']);
      // And a deploy of this process cleans up after itself, leaving the other's alone.
      expect((await env.deploy({ repo: 'demo', packs: 'alpha' })).success_count).toBe(1);
      expect(await readdir(staging)).toEqual([String(other.pid)]);
    } finally {
      other.kill();
      await env.app.stop();
    }
  });
});
