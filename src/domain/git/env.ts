/**
 * The complete environment and `-c` settings of one git process. Nothing is inherited from
 * packbot's own environment except what is named here, so a stray GIT_DIR, GIT_TRACE,
 * GIT_SSH_COMMAND or ~/.gitconfig on the host cannot redirect, log or reconfigure git.
 */
import path from 'node:path';
import type { SimpleGitOptions } from 'simple-git';
import type { GitProtocol } from './protocol.js';
import type { GitRemote } from './types.js';

export interface Layout {
  mirrorsDir: string;
  /** HOME for git: nothing of the service user's dotfiles applies. */
  homeDir: string;
  /** core.hooksPath: an empty directory, so no hook in any repository runs. */
  hooksDir: string;
  /** Scratch space for git; empty, since materialize writes blobs itself rather than through a temporary index. */
  tmpDir: string;
}

export function layoutOf(stateDir: string): Layout {
  const gitDir = path.join(path.resolve(stateDir), 'git');
  return {
    mirrorsDir: path.join(path.resolve(stateDir), 'mirrors'),
    homeDir: path.join(gitDir, 'home'),
    hooksDir: path.join(gitDir, 'no-hooks'),
    tmpDir: path.join(gitDir, 'tmp'),
  };
}

export interface InvocationSpec {
  protocol: GitProtocol;
  /** Present only for commands that talk to the remote: credentials go nowhere else. */
  remote?: GitRemote;
  gitDir?: string;
  workTree?: string;
  indexFile?: string;
  /** The per-process time limit; also bounds how long a stalled transfer may hang. */
  timeoutMs: number;
}

export interface Invocation {
  env: Record<string, string>;
  config: string[];
  /** simple-git's switches, opened only for what this invocation itself sets. */
  unsafe: NonNullable<SimpleGitOptions['unsafe']>;
}

// Proxies, CA bundles and the ssh agent are host plumbing that a fetch legitimately needs.
const PASSTHROUGH = ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY', 'ALL_PROXY', 'all_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'SSH_AUTH_SOCK'];

export function basicAuthValue(remote: GitRemote): string | undefined {
  if (!remote.token) return undefined;
  return Buffer.from(`${remote.username || 'x-access-token'}:${remote.token}`, 'utf8').toString('base64');
}

/** POSIX shell single-quoting: git runs GIT_SSH_COMMAND through `sh -c`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function sshCommand(keyFile: string | undefined): string {
  const identity = keyFile ? `-i ${shellQuote(keyFile)} -o IdentitiesOnly=yes ` : '';
  // BatchMode: a passphrase or host-key question fails instead of waiting on a terminal.
  // The keep-alives end an ssh orphaned by a timeout kill once the server stops answering.
  return `ssh ${identity}-o BatchMode=yes -o ConnectTimeout=30 -o ServerAliveInterval=15 -o ServerAliveCountMax=4`;
}

export function invocation(layout: Layout, spec: InvocationSpec): Invocation {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: layout.homeDir,
    XDG_CONFIG_HOME: path.join(layout.homeDir, '.config'),
    // English messages, so failures can be classified (auth, protocol, corruption).
    LC_ALL: 'C',
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_ALLOW_PROTOCOL: spec.protocol,
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_LITERAL_PATHSPECS: '1',
  };
  for (const name of PASSTHROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  if (spec.gitDir) env['GIT_DIR'] = spec.gitDir;
  if (spec.workTree) env['GIT_WORK_TREE'] = spec.workTree;
  if (spec.indexFile) env['GIT_INDEX_FILE'] = spec.indexFile;

  const unsafe: Invocation['unsafe'] = {
    allowUnsafeHooksPath: true, // core.hooksPath below points at an empty directory
    allowUnsafeProtocolOverride: true, // protocol.ext.allow=never below only narrows
    allowUnsafeAskPass: true, // GIT_ASKPASS/SSH_ASKPASS are set empty, disabling prompts
    allowUnsafeConfigPaths: true, // GIT_CONFIG_GLOBAL=/dev/null
    allowUnsafeFsMonitor: true, // core.fsmonitor=false below
    allowUnsafeCredentialHelper: true, // credential.helper= below empties the list
  };
  const remote = spec.remote;
  const auth = remote && (spec.protocol === 'https' || spec.protocol === 'http') ? basicAuthValue(remote) : undefined;
  if (auth) {
    // Per process only: never in a URL, the mirror's config or any file.
    env['GIT_CONFIG_COUNT'] = '1';
    env['GIT_CONFIG_KEY_0'] = 'http.extraHeader';
    env['GIT_CONFIG_VALUE_0'] = `Authorization: Basic ${auth}`;
    unsafe.allowUnsafeConfigEnvCount = true;
  }
  if (remote && spec.protocol === 'ssh') {
    env['GIT_SSH_COMMAND'] = sshCommand(remote.sshKeyFile);
    env['GIT_SSH_VARIANT'] = 'ssh';
    unsafe.allowUnsafeSshCommand = true;
  }

  const config = [
    `core.hooksPath=${layout.hooksDir}`,
    'protocol.ext.allow=never',
    'submodule.recurse=false',
    'fetch.recurseSubmodules=false',
    'core.symlinks=false',
    'advice.detachedHead=false',
    // Both run programs named in config; the mirror's own config is audited at sync, this covers reads in between.
    'core.fsmonitor=false',
    'credential.helper=',
    // Housekeeping after a fetch runs inside the fetch (under its lock and time limit), not detached.
    'gc.autoDetach=false',
    'maintenance.autoDetach=false',
    // Killing git on timeout orphans its git-remote-http child; this makes curl give up on its own.
    'http.lowSpeedLimit=1',
    `http.lowSpeedTime=${Math.max(1, Math.ceil(spec.timeoutMs / 1000))}`,
  ];
  return { env, config, unsafe };
}
