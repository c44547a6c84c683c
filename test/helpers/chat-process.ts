import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { scaled } from './budget.js';
import { BIN } from './cli.js';

/**
 * One line of `packbot chat --json` output. Bot messages are printed as-is; an
 * `{"error": "..."}` line (a bad event line, a failed handler) and any stdout line that
 * isn't JSON become `{channel: '', thread: null, text: <the error or line>, mentions: [],
 * error: true}`, so a RegExp in waitFor can match them like any message.
 */
export interface ChatMsg {
  channel: string;
  thread: string | null;
  text: string;
  mentions: string[];
  error?: true;
}

export type ChatPredicate = RegExp | ((m: ChatMsg) => boolean);

export interface ChatProcess {
  /** Writes `line` + '\n' to stdin. */
  say(line: string): void;
  /**
   * Resolves with the first message at index >= `from` (default: just after the last message
   * a previous waitFor returned) matching `pred` (a RegExp is tested against `text`). Rejects
   * after `timeoutMs` (default 30000 × PACKBOT_TEST_TIME_SCALE), or as soon as the process exits without a match, with an
   * error listing every message seen and the tail of stderr.
   */
  waitFor(pred: ChatPredicate, opts?: { timeoutMs?: number; from?: number }): Promise<ChatMsg & { index: number }>;
  /** Everything printed so far, parsed. */
  messages(): ChatMsg[];
  stderr(): string;
  /** Closes stdin and waits for exit; after `timeoutMs` (default 30000 × PACKBOT_TEST_TIME_SCALE) SIGKILLs it and rejects. */
  end(opts?: { timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Sends `signal` (default SIGTERM) and waits for exit, SIGKILLing after 10s. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  pid: number;
}

export interface StartChatOptions {
  /** Path to packbot.yaml. */
  config: string;
  /** Default: the config file's directory, so relative state dirs stay in the test's temp dir. */
  cwd?: string;
  env?: Record<string, string>;
  /** Speaker for lines without @user (default alice, not $USER, so runs are reproducible). */
  user?: string;
  /** Channel for lines without #channel (default general). */
  channel?: string;
  /** More `packbot chat` options, e.g. `--no-wait`. */
  args?: string[];
}

interface Waiter {
  pred: ChatPredicate;
  from: number;
  settle: (m: (ChatMsg & { index: number }) | Error) => void;
}

const STDERR_TAIL = 2000;
const running = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;


function parseLine(line: string): ChatMsg {
  const asError = (text: string): ChatMsg => ({ channel: '', thread: null, text, mentions: [], error: true });
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return asError(line);
  }
  if (v === null || typeof v !== 'object') return asError(line);
  const o = v as Record<string, unknown>;
  if (typeof o['error'] === 'string') return asError(o['error']);
  if (typeof o['channel'] === 'string' && typeof o['text'] === 'string') {
    return {
      channel: o['channel'],
      thread: typeof o['thread'] === 'string' ? o['thread'] : null,
      text: o['text'],
      mentions: Array.isArray(o['mentions']) ? o['mentions'].map(String) : [],
    };
  }
  return asError(line);
}

function describePred(pred: ChatPredicate): string {
  const s = pred instanceof RegExp ? String(pred) : pred.toString().replace(/\s+/g, ' ');
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

function matches(pred: ChatPredicate, m: ChatMsg): boolean {
  if (pred instanceof RegExp) {
    // A /g or /y RegExp keeps lastIndex between tests; each message deserves a fresh look.
    pred.lastIndex = 0;
    return pred.test(m.text);
  }
  return pred(m);
}

/**
 * Starts a real `packbot chat --json` child and lets a test talk to it line by line and
 * wait for particular replies, like `expect`. Call stopAllChats() in afterEach so a failed
 * test doesn't leave processes behind.
 */
export function startChat(opts: StartChatOptions): ChatProcess {
  if (!existsSync(BIN)) throw new Error(`${BIN} does not exist; run \`npm run build\` first`);
  const args = [BIN, '--config', opts.config, 'chat', '--json', '--user', opts.user ?? 'alice', '--channel', opts.channel ?? 'general', ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd ?? path.dirname(path.resolve(opts.config)),
    env: { ...process.env, CI: 'true', NO_COLOR: '1', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${process.execPath} ${args.join(' ')}`);
  running.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last resort if a test file dies without its afterEach: don't leave orphans behind.
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }

  const msgs: ChatMsg[] = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  let waiters: Waiter[] = [];
  let cursor = 0;
  let exitInfo: string | null = null;
  let spawnError: Error | null = null;

  const report = (why: string): string => {
    const listing = msgs.length === 0 ? '  (none)' : msgs.map((m, i) => `  [${i}] ${m.error ? 'ERROR' : `#${m.channel}${m.thread ? ` thread ${m.thread}` : ''}`}: ${m.text.replace(/\n/g, '\n      ')}`).join('\n');
    const tail = stderr.length > STDERR_TAIL ? `...${stderr.slice(-STDERR_TAIL)}` : stderr;
    return `${why}\nmessages seen:\n${listing}\nstderr (tail):\n${tail === '' ? '  (empty)' : tail}`;
  };

  const check = (w: Waiter): boolean => {
    for (let i = w.from; i < msgs.length; i++) {
      const m = msgs[i]!;
      if (matches(w.pred, m)) {
        w.settle({ ...m, index: i });
        return true;
      }
    }
    return false;
  };

  const push = (line: string) => {
    if (line.trim() === '') return;
    msgs.push(parseLine(line));
    waiters = waiters.filter((w) => !check(w));
  };

  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) push(l);
  });
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  // Writing to a child that already exited raises EPIPE here; the exit itself is what tests see.
  child.stdin.on('error', () => undefined);
  child.on('error', (err) => (spawnError = err));

  // 'close' rather than 'exit': by then stdout is fully read, so no late message is missed.
  const closed = new Promise<void>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      if (partial !== '') push(partial);
      partial = '';
      exitInfo = spawnError ? `failed to run: ${spawnError.message}` : signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
      for (const w of waiters) w.settle(new Error(report(`packbot chat (pid ${child.pid}) ${exitInfo} before a message matching ${describePred(w.pred)} at index >= ${w.from}`)));
      waiters = [];
      resolve();
    });
  });

  /** Waits until the child is gone; past the timeout SIGKILLs it, resolving true if it had to. */
  const gone = (timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        void closed.then(() => resolve(true));
      }, timeoutMs);
      void closed.then(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });

  return {
    pid: child.pid,
    say(line) {
      if (exitInfo !== null) throw new Error(report(`cannot say ${JSON.stringify(line)}: packbot chat ${exitInfo}`));
      child.stdin.write(`${line}\n`);
    },
    waitFor(pred, o = {}) {
      const from = o.from ?? cursor;
      // A hang guard, not a speed test: a reply waited for arrives, or the process's exit rejects at once.
      const timeoutMs = o.timeoutMs ?? scaled(30_000);
      return new Promise((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const w: Waiter = {
          pred,
          from,
          settle: (r) => {
            clearTimeout(timer);
            if (r instanceof Error) return reject(r);
            cursor = r.index + 1;
            resolve(r);
          },
        };
        if (check(w)) return;
        if (exitInfo !== null) return reject(new Error(report(`packbot chat ${exitInfo}; no message matching ${describePred(pred)} at index >= ${from}`)));
        timer = setTimeout(() => {
          waiters = waiters.filter((x) => x !== w);
          reject(new Error(report(`no message matching ${describePred(pred)} at index >= ${from} within ${timeoutMs}ms`)));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    messages: () => msgs.map((m) => ({ ...m })),
    stderr: () => stderr,
    async end(o = {}) {
      child.stdin.end();
      const timeoutMs = o.timeoutMs ?? scaled(30_000);
      if (await gone(timeoutMs)) throw new Error(report(`packbot chat did not exit within ${timeoutMs}ms of end of input; killed it`));
      return { code: child.exitCode, stdout, stderr };
    },
    async kill(signal = 'SIGTERM') {
      if (exitInfo === null) child.kill(signal);
      await gone(scaled(10_000));
    },
  };
}

/** Kills every chat process still running and waits for them; safe to call in any afterEach. */
export async function stopAllChats(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (c) =>
        // Still in `running` means 'close' hasn't fired yet, so this listener will see it.
        new Promise<void>((resolve) => {
          c.once('close', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}
