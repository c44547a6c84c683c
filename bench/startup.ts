/**
 * CLI start-up: how long `packbot --version`, `packbot --help` and `packbot config check` take,
 * each process from spawn to exit, against bare node (`node -e ''`) measured in the same run
 * on the same machine. What packbot adds is `median_ms - baseline.median_ms` (`over_node_ms`):
 * the modules a command loads. A command must not pay for chat SDKs, BullMQ or fastify it
 * does not use (test/cli/startup-modules.test.ts holds that without timing).
 *
 * Runs are interleaved (one of each command per round), so a burst of load on the machine
 * lands on every command alike. PACKBOT_BENCH_STARTUP_RUNS sets the rounds (default 20).
 * With PACKBOT_BENCH_AGAINST=<checkout> (made by bench/baseline.sh <git-ref>), that checkout's
 * built CLI runs the same commands in the same rounds, reported as each command's `against`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The built bin: dist/bench/startup.js → dist/bin/packbot.js. */
const BIN = fileURLToPath(new URL('../bin/packbot.js', import.meta.url));

interface Timing {
  median_ms: number;
  p90_ms: number;
  min_ms: number;
  runs: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median_ms: round(percentile(sorted, 50)), p90_ms: round(percentile(sorted, 90)), min_ms: round(sorted[0] ?? 0), runs: sorted.length };
}

/** One process, spawn to exit; a failing command is a broken bench, not a fast one. */
async function once(args: string[], cwd: string): Promise<number> {
  const t0 = performance.now();
  await run(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return performance.now() - t0;
}

/** A valid config whose one repository is a local directory that exists (config check looks). */
async function writeConfig(dir: string): Promise<string> {
  const repo = path.join(dir, 'packs-repo');
  await mkdir(repo, { recursive: true });
  const file = path.join(dir, 'packbot.yaml');
  await writeFile(file, `state_dir: ./var\nrepositories:\n  local:\n    repo: ${JSON.stringify(repo)}\n`);
  return file;
}

export async function benchStartup(options: { runs?: number } = {}): Promise<object> {
  const rounds = options.runs ?? Number(process.env['PACKBOT_BENCH_STARTUP_RUNS'] ?? 20);
  const against = process.env['PACKBOT_BENCH_AGAINST'] || undefined;
  const againstBin = against ? path.join(against, 'dist', 'bin', 'packbot.js') : undefined;
  if (againstBin && !existsSync(againstBin)) {
    throw new Error(`PACKBOT_BENCH_AGAINST=${against} has no dist/bin/packbot.js; make it with bench/baseline.sh <git-ref>`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'packbot-bench-startup-'));
  try {
    const config = await writeConfig(dir);
    const commands: Record<string, string[]> = {
      node_baseline: ['-e', ''],
      version: [BIN, '--version'],
      help: [BIN, '--help'],
      config_check: [BIN, 'config', 'check', '-c', config],
    };
    const measured = Object.keys(commands).filter((n) => n !== 'node_baseline');
    if (againstBin) for (const name of measured) commands[`against_${name}`] = [againstBin, ...commands[name]!.slice(1)];
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
    // One warm-up round: the first spawn pays for a cold file cache.
    for (const args of Object.values(commands)) await once(args, dir);
    for (let r = 0; r < rounds; r++) {
      for (const [name, args] of Object.entries(commands)) samples[name]!.push(await once(args, dir));
    }
    const baseline = timing(samples['node_baseline']!);
    const result: Record<string, unknown> = { runs: rounds, baseline };
    const overNode = (t: Timing) => ({ ...t, over_node_ms: round(t.median_ms - baseline.median_ms) });
    for (const name of measured) {
      const other = samples[`against_${name}`];
      result[name] = { ...overNode(timing(samples[name]!)), ...(other ? { against: overNode(timing(other)) } : {}) };
    }
    if (against) result['against'] = against;
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// `node dist/bench/startup.js`: this bench alone (bench/run.ts runs every bench).
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.stdout.write(`${JSON.stringify(await benchStartup(), null, 2)}\n`);
}
