/**
 * A deploy as a chat user waits for it: a long-running packbot (the real `packbot chat --json`
 * process, the console adapter on pipes) is asked `!pack deploy bench all`, and the clock runs
 * from the line written to the deploy's summary printed: the request's checks (fetch, refs,
 * locks), the queue, the turn's plan and the deploy itself, and the chat messages on the way.
 * Start-up is not in it: a chat bot is already running when someone asks.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export interface ServedBot {
  /** Asks for a deploy of every pack; resolves with the wait (ms) and the summary's text. */
  deployAll(): Promise<{ wall_ms: number; summary: string }>;
  stop(): Promise<void>;
}

/** `packbot chat --json` of `checkout` on `config` (its state dir must not be in use). */
export function startServed(checkout: string, config: string): ServedBot {
  const bin = path.join(checkout, 'dist', 'bin', 'packbot.js');
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [bin, '-c', config, 'chat', '--json', '--user', 'bench'], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  let waiting: { resolve: (text: string) => void; reject: (err: Error) => void } | null = null;
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    let text = '';
    try {
      text = String((JSON.parse(line) as { text?: unknown }).text ?? '');
    } catch {
      return;
    }
    // The summary: "Deploy `<id>` from `bench` main at `<sha>`: N ok, M failed (…)".
    if (waiting && /^Deploy `[0-9a-f]{8}`/.test(text)) {
      const w = waiting;
      waiting = null;
      w.resolve(text);
    }
  });
  child.on('exit', (code) => waiting?.reject(new Error(`packbot chat exited (${code}) before a summary: ${stderr}`)));
  return {
    async deployAll() {
      const summary = new Promise<string>((resolve, reject) => (waiting = { resolve, reject }));
      const started = performance.now();
      child.stdin.write('!pack deploy bench all\n');
      const text = await summary;
      return { wall_ms: Math.round(performance.now() - started), summary: text };
    },
    async stop() {
      child.stdin.end();
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
