/**
 * A command timed as a whole process, as a user runs it: wall time from spawn to exit and the
 * peak RSS the kernel recorded for it (wait4's rusage: the highest of the process and the
 * children it reaped). Node cannot wait4 a child, so a few lines of Python stand between:
 * they spawn the command, wait4 it, and write the figures to fd 3, keeping the command's own
 * stdout and stderr untouched. Python's own start-up falls outside the clock.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const WAIT4 = [
  'import json, os, subprocess, sys, time',
  't0 = time.monotonic()',
  'p = subprocess.Popen(sys.argv[1:])',
  '_, status, ru = os.wait4(p.pid, 0)',
  'wall = time.monotonic() - t0',
  'p.returncode = os.waitstatus_to_exitcode(status)',
  'with os.fdopen(3, "w") as f:',
  '    json.dump({"wall_ms": wall * 1000, "maxrss_kb": ru.ru_maxrss, "cpu_ms": (ru.ru_utime + ru.ru_stime) * 1000, "code": p.returncode}, f)',
].join('\n');

export interface ProcessRun {
  wall_ms: number;
  peak_rss_mb: number;
  cpu_ms: number;
  code: number;
  stdout: string;
  stderr: string;
}

export function timeProcess(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', WAIT4, ...argv], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const figures: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (b: Buffer) => figures.push(b));
    child.on('error', reject);
    child.on('close', (wrapperCode) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      const text = Buffer.concat(figures).toString();
      if (!text) return reject(new Error(`wait4 wrapper exited ${wrapperCode} without figures: ${stderr.slice(-2000)}`));
      const f = JSON.parse(text) as { wall_ms: number; maxrss_kb: number; cpu_ms: number; code: number };
      resolve({ wall_ms: Math.round(f.wall_ms), peak_rss_mb: Math.round(f.maxrss_kb / 1024), cpu_ms: Math.round(f.cpu_ms), code: f.code, stdout, stderr });
    });
  });
}

/** A shell command line through the same wrapper, so the floor is timed as packbot is. */
export const timeShell = (script: string, cwd?: string) => timeProcess(['sh', '-c', script], { cwd });

export interface CliDeploy extends ProcessRun {
  /** The deployer's own duration_ms (in-process: start-up and exit excluded). */
  in_process_ms: number;
  stages: Record<string, number>;
  statuses: Record<string, number>;
}

/** A packbot state dir and the packbot.yaml that points at it and the repository `url`. */
export async function cliState(stateDir: string, url: string): Promise<string> {
  await mkdir(stateDir, { recursive: true });
  const file = path.join(stateDir, 'packbot.yaml');
  await writeFile(file, `state_dir: ${stateDir}\nlog: {level: silent}\nrepositories:\n  bench: {repo: "${url}", branch: main}\n`);
  return file;
}

/**
 * `node <checkout>/dist/bin/packbot.js -c <config> deploy bench <packs> --json`: this checkout
 * or an older build (PACKBOT_BENCH_AGAINST), run the same way. `expect` says which pack
 * statuses the run must end with; anything else fails the bench rather than timing a failure.
 */
export async function cliDeploy(checkout: string, config: string, packs: string, expect: Record<string, number>): Promise<CliDeploy> {
  const bin = path.join(checkout, 'dist', 'bin', 'packbot.js');
  const r = await timeProcess([process.execPath, bin, '-c', config, 'deploy', 'bench', packs, '--json', '--user', 'cli:bench']);
  let result: { duration_ms: number; stages: Record<string, number>; packs: Array<{ status: string; pack?: string; error?: unknown }> };
  try {
    result = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as typeof result;
  } catch {
    throw new Error(`packbot deploy ${packs} (${checkout}) exited ${r.code} without a JSON result: ${r.stderr.slice(-2000)}`);
  }
  const statuses: Record<string, number> = {};
  for (const p of result.packs) statuses[p.status] = (statuses[p.status] ?? 0) + 1;
  if (JSON.stringify(Object.entries(statuses).sort()) !== JSON.stringify(Object.entries(expect).sort())) {
    const odd = result.packs.find((p) => !(p.status in expect));
    throw new Error(`packbot deploy ${packs} (${checkout}): expected ${JSON.stringify(expect)}, got ${JSON.stringify(statuses)}${odd ? `: ${JSON.stringify(odd).slice(0, 1000)}` : ''}`);
  }
  return { ...r, in_process_ms: result.duration_ms, stages: result.stages, statuses };
}
