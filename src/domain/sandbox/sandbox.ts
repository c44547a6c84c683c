/**
 * One sandbox per app: which kind works here is found out once (the bwrap probe spawns a
 * process), then every run of pack code is wrapped by it. Callers that run pack code ask
 * `confine` first, which refuses with a one-line fix when nothing can confine it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PackbotError, type ErrorCode } from '../../core/errors.js';
import { bwrapArgs, probeBwrap } from './bwrap.js';
import type { SandboxKind, SandboxRun, SandboxSettings, WrappedRun } from './types.js';
import { configProblem, giveBack, lend, lookupAccount, privateStateDir, unreachable, type Account } from './user.js';

export interface Resolved {
  kind: SandboxKind;
  /** Why nothing confines pack code here (kind 'unavailable'). */
  why?: string;
  /** The configured mode asked for this kind explicitly: failing it stops even pip. */
  explicit: boolean;
}

export interface Sandbox {
  readonly settings: SandboxSettings;
  resolve(): Promise<Resolved>;
  /**
   * The run as it will be spawned: inside bwrap, as the sandbox account, or (kind none or
   * unavailable) as is. Call `done()` after it ends, whatever happened.
   */
  wrap(run: SandboxRun): Promise<WrappedRun>;
}

const FIX = 'install bubblewrap (apt-get install bubblewrap), run packbot as root for sandbox: user, or set sandbox: none (unsafe: pack code then runs with packbot\'s rights)';

/**
 * Throws unless pack code can be confined (or the operator chose `sandbox: none`): `what` is
 * the step, e.g. "demo: building from source".
 */
export async function confine(sandbox: Sandbox, code: ErrorCode, what: string): Promise<SandboxKind> {
  const r = await sandbox.resolve();
  if (r.kind !== 'unavailable') return r.kind;
  throw new PackbotError(code, `${what} runs pack code and needs a sandbox, but ${r.why ?? 'none works here'}; ${FIX}`);
}

/** For pip without source builds: no pack code runs, so a missing sandbox is fine unless one was asked for by name. */
export async function confineIfExplicit(sandbox: Sandbox, code: ErrorCode, what: string): Promise<void> {
  const r = await sandbox.resolve();
  if (r.kind === 'unavailable' && r.explicit) throw new PackbotError(code, `${what}: ${r.why ?? 'the sandbox does not work'}; ${FIX}`);
}

export function createSandbox(settings: SandboxSettings): Sandbox {
  let resolved: Promise<Resolved & { account?: Account }> | null = null;
  const isRoot = (process.getuid?.() ?? -1) === 0;

  const asUser = async (explicit: boolean): Promise<Resolved & { account?: Account }> => {
    if (!isRoot) return { kind: 'unavailable', why: 'sandbox: user needs packbot to run as root', explicit };
    const account = await lookupAccount(settings.user);
    if (typeof account === 'string') return { kind: 'unavailable', why: account, explicit };
    return { kind: 'user', explicit, account };
  };

  const find = async (): Promise<Resolved & { account?: Account }> => {
    switch (settings.mode) {
      case 'none': return { kind: 'none', explicit: true };
      case 'user': return asUser(true);
      case 'bwrap': {
        const probe = await probeBwrap();
        return probe.ok ? { kind: 'bwrap', explicit: true } : { kind: 'unavailable', why: `sandbox: bwrap is set but ${probe.why}`, explicit: true };
      }
      default: {
        const probe = await probeBwrap();
        if (probe.ok) return { kind: 'bwrap', explicit: false };
        const user = await asUser(false);
        return user.kind === 'user' ? user : { kind: 'unavailable', why: `${probe.why} and packbot does not run as root`, explicit: false };
      }
    }
  };

  const resolve = () => (resolved ??= find());

  return {
    settings,
    async resolve() {
      const { kind, why, explicit } = await resolve();
      return why === undefined ? { kind, explicit } : { kind, why, explicit };
    },
    async wrap(run) {
      const r = await resolve();
      if (r.kind !== 'bwrap' && r.kind !== 'user') return { file: run.file, args: [...run.args], env: run.env, done: async () => undefined };
      const tmp = await mkdtemp(join(tmpdir(), 'packbot-sandbox-'));
      const env = { ...run.env, HOME: tmp, TMPDIR: tmp };
      if (r.kind === 'bwrap') {
        const args = await bwrapArgs(run, tmp, settings.hidden);
        return { file: 'bwrap', args, env: { ...env, HOME: '/tmp', TMPDIR: '/tmp' }, done: () => rm(tmp, { recursive: true, force: true }) };
      }
      const account = r.account!;
      try {
        const problem = await configProblem(settings.configFile);
        if (problem) throw new PackbotError('env_failed', problem);
        for (const dir of [...run.writable, ...(run.readable ?? [])]) {
          const blocked = await unreachable(dir);
          if (blocked) throw new PackbotError('env_failed', `sandbox user ${account.name} cannot reach ${dir} (${blocked} is not searchable by other users); chmod o+x it or install bubblewrap`);
        }
        await privateStateDir(settings);
        await lend([...run.writable, tmp], account);
      } catch (err) {
        await rm(tmp, { recursive: true, force: true });
        throw err;
      }
      return {
        file: run.file, args: [...run.args], env, uid: account.uid, gid: account.gid,
        done: async () => {
          try {
            await giveBack(run.writable);
          } finally {
            await rm(tmp, { recursive: true, force: true });
          }
        },
      };
    },
  };
}

/** For callers given no sandbox: nothing confines pack code, so code-running steps refuse. */
export function noSandbox(): Sandbox {
  const settings: SandboxSettings = { mode: 'auto', user: 'nobody', hidden: [], stateDir: '', packsDir: '' };
  return {
    settings,
    resolve: async () => ({ kind: 'unavailable', why: 'no sandbox was set up for this run', explicit: false }),
    wrap: async (run) => ({ file: run.file, args: [...run.args], env: run.env, done: async () => undefined }),
  };
}
