/**
 * A redis-server of a test's own, on a free loopback port, that the test can kill and start
 * again on the same port: a store outage in the middle of something, then its recovery. By
 * default it keeps its data (append-only file, fsynced on every write, so a SIGKILL loses
 * nothing); `persist: false`, or restartEmpty(), gives a Redis that came back empty (a restart
 * without persistence, a failover to an empty replica).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { scaled } from './budget.js';
import { tempDir } from './git-repo.js';

export interface OwnRedis {
  url: string;
  /** SIGKILL: the server is gone at once, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port (and data, if it persists); resolves once it accepts connections. */
  restart(): Promise<void>;
  /** Starts it again on the same port with no data at all. */
  restartEmpty(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const children = new Set<ChildProcess>();
const running = new Set<() => Promise<void>>();
let exitHookInstalled = false;

/** Resolves once the server says it accepts connections (its own log line, not a timer). */
function launch(port: number, dir: string, persist: boolean): Promise<ChildProcess> {
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    ...(persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last resort if a test dies without its cleanup (a hook that timed out): no orphans.
    process.once('exit', () => {
      for (const c of children) c.kill('SIGKILL');
    });
  }
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server on ${port} did not start:\n${out}`)), scaled(20_000));
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on ${port} exited (${String(code)}):\n${out}`));
    });
  });
}

function gone(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export async function startOwnRedis(opts: { persist?: boolean } = {}): Promise<OwnRedis> {
  const persist = opts.persist ?? true;
  const port = await freePort();
  let dir = await tempDir('packbot-redis-');
  let child: ChildProcess | null = await launch(port, dir, persist);
  const kill = async () => {
    await gone(child);
    child = null;
  };
  running.add(kill);
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    async restart() {
      await kill();
      child = await launch(port, dir, persist);
    },
    async restartEmpty() {
      await kill();
      await rm(dir, { recursive: true, force: true });
      dir = await tempDir('packbot-redis-');
      child = await launch(port, dir, persist);
    },
    stop: kill,
  };
}

/** Stops every Redis of a test's own still running (an afterEach). */
export async function stopOwnRedises(): Promise<void> {
  for (const kill of [...running]) await kill();
  running.clear();
}
