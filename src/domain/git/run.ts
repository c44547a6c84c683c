/**
 * Where git commands start (the other git process is object-reader.ts's long-lived cat-file,
 * with the same environment). Each call builds a fresh simple-git instance so its
 * environment (which may carry a token) belongs to that one process and nothing else.
 */
import { GitError, simpleGit } from 'simple-git';
import type { Logger } from '../../core/logging/logger.js';
import type { Masker } from '../../core/masking/masker.js';
import { deadline } from '../../core/timeout.js';
import { basicAuthValue, invocation, type Layout } from './env.js';
import { gitFailure } from './failure.js';
import type { GitProtocol } from './protocol.js';
import type { GitRemote } from './types.js';

export interface GitContext {
  layout: Layout;
  masker: Masker;
  logger: Logger;
  timeoutMs: number;
  /** Mirrors whose every branch and tag tip this process has read (see health.ts). */
  verified: Set<string>;
}

export interface RunSpec {
  /** For error messages: "fetching", "reading the tree". */
  what: string;
  remote: GitRemote;
  protocol: GitProtocol;
  /** Talks to the remote: only then are credentials handed to git. */
  network?: boolean;
  /** The process cwd (must exist). */
  cwd: string;
  gitDir?: string;
  workTree?: string;
  indexFile?: string;
  args: string[];
}

/** Exit 1 with nothing on stderr: how `--verify --quiet` says "no such object". */
class QuietMiss extends GitError {}

export async function runGit(ctx: GitContext, spec: RunSpec): Promise<string> {
  const out = await execute(ctx, spec, false);
  return out ?? '';
}

/** Like runGit, but a quiet "not found" (exit 1, empty stderr) returns null. */
export async function tryGit(ctx: GitContext, spec: RunSpec): Promise<string | null> {
  return execute(ctx, spec, true);
}

async function execute(ctx: GitContext, spec: RunSpec, quietMissOk: boolean): Promise<string | null> {
  const inv = invocation(ctx.layout, {
    protocol: spec.protocol,
    timeoutMs: ctx.timeoutMs,
    ...(spec.network ? { remote: spec.remote } : {}),
    ...(spec.gitDir ? { gitDir: spec.gitDir } : {}),
    ...(spec.workTree ? { workTree: spec.workTree } : {}),
    ...(spec.indexFile ? { indexFile: spec.indexFile } : {}),
  });
  if (spec.network && spec.remote.token) {
    // Before git runs, so even a message git prints about the header is masked.
    ctx.masker.add(spec.remote.token, basicAuthValue(spec.remote) ?? '');
  }
  // timeout.block only fires after a silence; this caps the whole process.
  const limit = deadline(ctx.timeoutMs);
  const started = Date.now();
  try {
    const git = simpleGit({
      baseDir: spec.cwd,
      binary: 'git',
      maxConcurrentProcesses: 1,
      trimmed: false,
      timeout: { block: ctx.timeoutMs },
      unsafe: inv.unsafe,
      config: inv.config,
      abort: limit.signal,
      errors(error, result) {
        if (error) return error;
        if (result.exitCode === 0) return undefined;
        // simple-git treats a non-zero exit with an empty stderr as success; packbot does not.
        if (quietMissOk && result.exitCode === 1 && Buffer.concat(result.stdErr).length === 0) return new QuietMiss(undefined, 'not found');
        return Buffer.from(`git exited with code ${result.exitCode}`);
      },
    }).env(inv.env);
    return await git.raw(spec.args);
  } catch (err) {
    if (err instanceof QuietMiss) return null;
    // git's output is collected whole (never streamed or logged): masked whole here, before any line is picked or cut.
    if (err instanceof Error) err.message = ctx.masker.mask(err.message);
    throw gitFailure(err, { what: spec.what, remote: spec.remote, protocol: spec.protocol, masker: ctx.masker, timeoutMs: ctx.timeoutMs, timedOut: limit.timedOut() });
  } finally {
    limit.clear();
    ctx.logger.debug({ repo: spec.remote.name, git: spec.args[0], ms: Date.now() - started }, `git ${spec.what}`);
  }
}
