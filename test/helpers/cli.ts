import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaled } from './budget.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built bin, as package.json's `bin` names it (`npm test` builds first). */
export const BIN = path.join(ROOT, 'dist', 'bin', 'packbot.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a real child process: the packbot bin, or any command (e.g. `npm start`). */
export function run(
  command: string,
  args: string[],
  opts: { input?: string; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A hang guard: a CLI start-up alone takes seconds on a loaded machine (PACKBOT_TEST_TIME_SCALE scales it).
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? scaled(60_000));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export function runCli(args: string[], opts: Parameters<typeof run>[2] = {}): Promise<CliResult> {
  return run(process.execPath, [BIN, ...args], opts);
}

/** JSON lines printed by `packbot chat --json`. */
export function jsonLines(stdout: string): Array<{ channel: string; thread: string | null; text: string; mentions: string[] }> {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as never);
}
