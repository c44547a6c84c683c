/**
 * What a sandbox is asked to run, and how it runs it. Pack-provided code (a build backend,
 * a conftest.py, a tests.command) must not see packbot's credentials: its environment,
 * its config file, its state_dir, or other processes' /proc entries.
 */

/** How pack code is confined: `auto` picks bwrap, else a separate user when root, else none is available. */
export type SandboxMode = 'auto' | 'bwrap' | 'user' | 'none';

/** What `auto` (or the configured mode) resolved to on this machine. */
export type SandboxKind = 'bwrap' | 'user' | 'none' | 'unavailable';

export interface SandboxSettings {
  mode: SandboxMode;
  /** The account `user` mode switches to (default nobody). */
  user: string;
  /** Never visible inside: state_dir, configs_dir, the config file, HOME, key files. */
  hidden: readonly string[];
  /** state_dir: made private (0700, or 0711 when packs_dir lies inside it) in `user` mode. */
  stateDir: string;
  /** packs_dir: where the directories a run may write live. */
  packsDir: string;
  /** envs.virtualenvs_dir: where pip writes a pack's env (default beside packs_dir, so also inside state_dir). */
  virtualenvsDir?: string;
  /** The config file, refused in `user` mode when other users can read it. */
  configFile?: string | undefined;
}

export interface SandboxRun {
  file: string;
  args: readonly string[];
  cwd: string;
  /** The whole environment of the run (already allow-listed): nothing else is passed. */
  env: Record<string, string>;
  /** Directories the run may write (the staged release, the env being built); bound at the same path. */
  writable: readonly string[];
  /** Extra directories it may read (an interpreter outside the system dirs, a finished venv). */
  readable?: readonly string[];
  /** pip needs the network; a test run does not get it (nor packbot's loopback services). */
  network: boolean;
}

/** A run ready for spawn: argv, env, maybe a uid/gid, and what to undo afterwards. */
export interface WrappedRun {
  file: string;
  args: string[];
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  /** Removes the private tmp and gives written files back to packbot's user. */
  done(): Promise<void>;
}
