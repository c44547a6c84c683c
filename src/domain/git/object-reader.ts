/**
 * One long-lived `git cat-file --batch` per mirror, instead of a git process per read: a
 * deploy of hundreds of packs would otherwise start hundreds of processes, and each spawn
 * blocks the event loop. Requests are written one id a line and answered in order.
 *
 * The process gets exactly the environment and `-c` settings of every other git (env.ts).
 * It is closed when its owner says so (a deploy's end, a sync), after an idle spell, or when
 * packbot exits (its stdin closes, and cat-file stops at end of input). A reader that dies
 * fails what it was asked with git_failed and is started again by the next read.
 */
import type { TreeObjectEntry } from './tree-object.js';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { PackbotError } from '../../core/errors.js';
import { BatchParser, BatchProtocolError, type BatchReply, type ObjectType } from './batch-parser.js';
import { invocation } from './env.js';
import { gitFailure } from './failure.js';
import type { Repo } from './repo.js';
import type { GitContext } from './run.js';

export interface GitObject {
  type: ObjectType;
  content: Buffer;
}

/** An object bigger than the read allowed: its bytes went by unread. */
export class ObjectTooBig extends Error {
  constructor(readonly oid: string, readonly size: number) {
    super(`object ${oid} is ${size} bytes, over the limit of the read`);
    this.name = 'ObjectTooBig';
  }
}

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const STDERR_KEPT = 4096;
const WHAT = 'reading objects';

interface Pending {
  oid: string;
  /** Bigger objects are skipped, not kept (Infinity: any size). */
  maxBytes: number;
  resolve(reply: BatchReply): void;
  reject(err: PackbotError): void;
}

type Handle = { ref(): void; unref(): void };

/** One cat-file process and the requests it owes answers to. */
class CatFile {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private readonly queue: Pending[] = [];
  private readonly parser = new BatchParser();
  private stderr = '';
  private failure: PackbotError | null = null;
  private ending = false;
  private timedOut = false;
  private corked = false;
  private readonly watchdog: NodeJS.Timeout;
  readonly closed: Promise<void>;

  constructor(private readonly ctx: GitContext, private readonly repo: Repo, private readonly onIdle: () => void) {
    const inv = invocation(ctx.layout, { protocol: repo.protocol, timeoutMs: ctx.timeoutMs, gitDir: repo.mirrorDir });
    const args = [...inv.config.flatMap((c) => ['-c', c]), 'cat-file', '--batch'];
    this.child = spawn('git', args, { cwd: repo.mirrorDir, env: inv.env, stdio: ['pipe', 'pipe', 'pipe'] });
    // No progress for a whole time limit while owing answers: the process is stuck.
    this.watchdog = setTimeout(() => this.abort(true, 'no answer'), ctx.timeoutMs);
    this.watchdog.unref();
    this.child.stdin.on('error', () => undefined); // EPIPE after a crash: 'close' reports it
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    this.closed = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.fail(`could not start git: ${err.message}`);
        if (this.child.pid === undefined) resolve(); // never started: no 'close' to wait for
      });
      this.child.on('close', (code, signal) => {
        clearTimeout(this.watchdog);
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        this.fail(this.ending && this.queue.length === 0 ? null : `the git object reader stopped (${how})`);
        ctx.logger.debug({ repo: repo.remote.name, git: 'cat-file', pid: this.child.pid, how }, 'git object reader closed');
        resolve();
      });
    });
    this.hold(false);
    ctx.logger.debug({ repo: repo.remote.name, git: 'cat-file', pid: this.child.pid }, 'git object reader started');
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get usable(): boolean {
    return this.failure === null && !this.ending && this.child.exitCode === null && this.child.signalCode === null;
  }

  read(oid: string, maxBytes = Infinity): Promise<BatchReply> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) {
        this.hold(true);
        this.watchdog.refresh();
      }
      this.queue.push({ oid, maxBytes, resolve, reject });
      // The ids asked for in one tick go to git in one write: a write per id woke git per id.
      if (!this.corked) {
        this.corked = true;
        this.child.stdin.cork();
        process.nextTick(() => {
          this.corked = false;
          this.child.stdin.uncork();
        });
      }
      this.child.stdin.write(`${oid}\n`);
    });
  }

  /** Stops after answering what it was already asked. */
  end(): Promise<void> {
    if (!this.ending) {
      this.ending = true;
      this.hold(true);
      this.child.stdin.end();
    }
    return this.closed;
  }

  /** Kills the process; its pending reads fail (a timeout says so). */
  abort(timedOut: boolean, why: string): void {
    if (timedOut && this.queue.length === 0) return;
    this.timedOut = timedOut;
    this.fail(why);
    this.child.kill('SIGKILL');
  }

  private receive(chunk: Buffer): void {
    this.watchdog.refresh();
    let replies: BatchReply[];
    try {
      // The k-th reply of this chunk answers queue[k]: replies are taken off the queue below.
      replies = this.parser.push(chunk, (k) => this.queue[k]?.maxBytes ?? Infinity);
    } catch (err) {
      if (!(err instanceof BatchProtocolError)) throw err;
      this.abort(false, `git cat-file sent ${err.message}`);
      return;
    }
    for (const reply of replies) {
      const next = this.queue.shift();
      if (!next || reply.oid !== next.oid) {
        if (next) this.queue.unshift(next);
        this.abort(false, `git cat-file answered ${reply.oid} out of turn`);
        return;
      }
      next.resolve(reply);
    }
    if (this.queue.length === 0 && !this.ending) {
      this.hold(false);
      this.onIdle();
    }
  }

  /** Pending reads fail with git's own complaint when it made one, else `why`; a clean end fails nothing. */
  private fail(why: string | null): void {
    if (why === null || this.failure !== null) return;
    const text = /^(fatal|error):/im.test(this.stderr) ? this.stderr : why;
    this.failure = gitFailure(new Error(this.ctx.masker.mask(text)), {
      what: WHAT, remote: this.repo.remote, protocol: this.repo.protocol, masker: this.ctx.masker, timeoutMs: this.ctx.timeoutMs, timedOut: this.timedOut,
    });
    for (const p of this.queue.splice(0)) p.reject(this.failure);
    this.hold(false);
  }

  /** Busy, the process and its pipes keep packbot alive (a read is awaited); idle, they do not. */
  private hold(busy: boolean): void {
    const handles: Array<Partial<Handle> | null> = [this.child, this.child.stdin as Partial<Handle>, this.child.stdout as Partial<Handle>, this.child.stderr as Partial<Handle>];
    for (const h of handles) (busy ? h?.ref : h?.unref)?.call(h);
  }
}

/** The object reader of one mirror: a CatFile started on demand, and again after it died. */
export class ObjectReader {
  private proc: CatFile | null = null;
  private idle: NodeJS.Timeout | undefined;
  /**
   * Parsed trees by id, newest last (objects.ts keeps them): a tree id names its content, so
   * an entry never goes stale, and a deploy reading each pack's files does not parse the
   * repository's packs/ tree once per pack.
   */
  readonly trees = new Map<string, Promise<readonly TreeObjectEntry[]>>();

  constructor(private readonly ctx: GitContext, private readonly repo: Repo, private readonly idleMs: number) {}

  /** The process id while one runs (tests, logs). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** The object, or null when the mirror does not have it; ObjectTooBig past `opts.maxBytes`. */
  async read(oid: string, opts: { maxBytes?: number } = {}): Promise<GitObject | null> {
    if (!OID.test(oid)) throw new PackbotError('internal', `Not an object id: ${JSON.stringify(oid.slice(0, 80))}.`);
    clearTimeout(this.idle);
    if (!this.proc?.usable) this.proc = this.start();
    const reply = await this.proc.read(oid, opts.maxBytes);
    if (reply.missing) return null;
    if (reply.content === null) throw new ObjectTooBig(oid, reply.size);
    return { type: reply.type, content: reply.content };
  }

  /** Closes the process once it has answered what it was asked; the next read starts another. */
  async close(): Promise<void> {
    clearTimeout(this.idle);
    const proc = this.proc;
    this.proc = null;
    await proc?.end();
  }

  private start(): CatFile {
    const proc: CatFile = new CatFile(this.ctx, this.repo, () => {
      clearTimeout(this.idle);
      this.idle = setTimeout(() => {
        if (this.proc === proc) void this.close();
      }, this.idleMs);
      this.idle.unref();
    });
    return proc;
  }
}

export const READER_IDLE_MS = 10_000;

/** The readers of one Git instance, one per mirror. */
export class ObjectReaders {
  private readonly readers = new Map<string, ObjectReader>();

  constructor(private readonly ctx: GitContext, private readonly idleMs = READER_IDLE_MS) {}

  of(repo: Repo): ObjectReader {
    let reader = this.readers.get(repo.mirrorDir);
    if (!reader) {
      reader = new ObjectReader(this.ctx, repo, this.idleMs);
      this.readers.set(repo.mirrorDir, reader);
    }
    return reader;
  }

  async close(mirrorDir?: string): Promise<void> {
    const dirs = mirrorDir === undefined ? [...this.readers.keys()] : [mirrorDir];
    await Promise.all(dirs.map((d) => this.readers.get(d)?.close()));
  }
}
