/**
 * Running python/pip/npm for a pack: argv only (never a shell), a timeout, an environment
 * built from an allow-list rather than packbot's own (which holds chat and git tokens),
 * and every output line masked before anyone sees it.
 */
import { formatSeconds } from '../../core/duration.js';
import { PackbotError } from '../../core/errors.js';
import type { Masker } from '../../core/masking/masker.js';
import { maskedOutput } from '../../core/masking/stream.js';
import type { Sandbox, SandboxRun } from '../sandbox/index.js';

/** What package tools legitimately need: locale, HOME for caches, proxies, CA and index settings. */
const PASSED_ENV = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TZ',
  'http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'NODE_EXTRA_CA_CERTS',
  'PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_FIND_LINKS', 'PIP_NO_INDEX', 'PIP_TRUSTED_HOST',
  'PIP_CERT', 'PIP_CLIENT_CERT', 'PIP_PROXY', 'PIP_DEFAULT_TIMEOUT', 'PIP_RETRIES',
  'PIP_CONFIG_FILE', 'PIP_CACHE_DIR', 'PIP_NO_CACHE_DIR',
  // Not npm_config_* wholesale: inside `npm run` those include local_prefix and friends,
  // which would point a nested npm at packbot's own project.
  'npm_config_registry', 'NPM_CONFIG_REGISTRY', 'npm_config_cafile', 'NPM_CONFIG_CAFILE',
  'npm_config_cache', 'NPM_CONFIG_CACHE', 'npm_config_userconfig', 'NPM_CONFIG_USERCONFIG',
]);

const TAIL_LINES = 5;
const KEPT_LINES = 50;
const KILL_GRACE_MS = 5_000;

export function toolEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && PASSED_ENV.has(key)) env[key] = value;
  }
  return env;
}

export interface ToolRun {
  pack: string;
  /** How the step is named in errors, e.g. "pip install". */
  label: string;
  file: string;
  args: readonly string[];
  cwd: string;
  timeoutMs: number;
  masker: Masker;
  onOutput?: (line: string) => void;
  /** Added to the allow-listed environment (e.g. PYTHONDONTWRITEBYTECODE for test runs). */
  env?: Record<string, string>;
  /** Run inside the app's sandbox (pack code, or pip): what it may write, read, and whether it gets the network. */
  sandbox?: { box: Sandbox } & Pick<SandboxRun, 'writable' | 'readable' | 'network'>;
}

export interface ToolOutcome {
  /** The last output lines (stdout and stderr interleaved), masked. */
  lines: string[];
  failed: boolean;
  exitCode: number | undefined;
  /** Why it failed, for a message ("exit 1", "timed out after 600s"); '' when it did not. */
  why: string;
}

/** Runs the tool and reports how it went, never throwing for the tool's own failure. */
export async function execTool(run: ToolRun): Promise<ToolOutcome> {
  const lines: string[] = [];
  const keep = (masked: string) => {
    lines.push(masked);
    if (lines.length > KEPT_LINES) lines.shift();
    run.onOutput?.(masked);
  };
  // Streamed, not line by line: a secret can span lines (a PEM key) or arrive in pieces.
  const stdout = maskedOutput(run.masker, keep);
  const stderr = maskedOutput(run.masker, keep);
  const env = { ...toolEnv(), ...run.env };
  const spawn = run.sandbox
    ? await run.sandbox.box.wrap({ file: run.file, args: run.args, cwd: run.cwd, env, writable: run.sandbox.writable, readable: run.sandbox.readable ?? [], network: run.sandbox.network })
    : { file: run.file, args: [...run.args], env, done: async () => undefined };
  // Loaded here, not at start-up: execa is ~100 modules, ~0.1 s of every CLI command.
  const { execa } = await import('execa');
  const result = await execa(spawn.file, spawn.args, {
    cwd: run.cwd,
    env: spawn.env,
    extendEnv: false,
    ...(spawn.uid !== undefined ? { uid: spawn.uid, gid: spawn.gid } : {}),
    stdin: 'ignore',
    stdout: { transform: stdout.transform, final: stdout.final },
    stderr: { transform: stderr.transform, final: stderr.final },
    timeout: run.timeoutMs,
    forceKillAfterDelay: KILL_GRACE_MS,
    reject: false,
  }).finally(() => spawn.done());
  stdout.lines.end();
  stderr.lines.end();
  if (!result.failed) return { lines, failed: false, exitCode: result.exitCode, why: '' };

  let why: string;
  if (result.timedOut) why = `timed out after ${formatSeconds(run.timeoutMs)}`;
  else if (result.exitCode !== undefined) why = `exit ${result.exitCode}`;
  else if (result.signal) why = `killed by ${result.signal}`;
  else why = `could not start ${run.file}: ${run.masker.mask(result.originalMessage ?? result.shortMessage ?? 'unknown error')}`;
  return { lines, failed: true, exitCode: result.exitCode, why };
}

/** Runs the tool; resolves with its (masked) output lines, or throws env_failed quoting the last ones. */
export async function runTool(run: ToolRun): Promise<string[]> {
  const { lines, failed, why } = await execTool(run);
  if (!failed) return lines;
  const tail = lines.filter((l) => l.trim() !== '').slice(-TAIL_LINES);
  const quoted = tail.length > 0 ? `: ${tail.join('\n')}` : '';
  throw new PackbotError('env_failed', `${run.pack}: ${run.label} failed (${why})${quoted}`);
}
