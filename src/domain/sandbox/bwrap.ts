/**
 * bubblewrap: a fresh mount, pid, ipc and (unless pip needs it) network namespace in which
 * only the system's read-only directories, the interpreter, a private /tmp and the directories
 * the run may write exist. packbot's state_dir, config file and HOME are simply not there,
 * and the fresh /proc shows only the sandbox's own processes, so no environ to read.
 */
import { readdir } from 'node:fs/promises';
import { lstatOrNull } from './fs.js';
import type { SandboxRun } from './types.js';

/** Read-only, whole: programs and libraries. */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/**
 * Not /etc wholesale: it may hold packbot's own config (/etc/packbot) and, for a root
 * packbot, /etc/shadow and ssh host keys. Only what name resolution, TLS and Python read.
 */
const ETC_ENTRIES = [
  'alternatives', 'ca-certificates', 'ca-certificates.conf', 'crypto-policies', 'gai.conf', 'group', 'host.conf',
  'hostname', 'hosts', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'mime.types', 'nsswitch.conf',
  'passwd', 'pip.conf', 'pki', 'protocols', 'resolv.conf', 'services', 'ssl', 'timezone',
];
const PROBE_TIMEOUT_MS = 60_000;
/**
 * Files and directories the operator pointed package tools at (a wheelhouse, CA bundles, a
 * pip config): shown read-only so pip inside works as it would outside.
 */
const PATH_VARS = ['PIP_FIND_LINKS', 'PIP_CERT', 'PIP_CLIENT_CERT', 'PIP_CONFIG_FILE', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'NODE_EXTRA_CA_CERTS'];

function envPaths(env: Record<string, string>): string[] {
  return PATH_VARS.flatMap((name) => (env[name] ?? '').split(/\s+/)).filter((p) => p.startsWith('/'));
}

/** Whether bwrap exists and can make the namespaces we ask for (unprivileged user namespaces may be off). */
export async function probeBwrap(): Promise<{ ok: true } | { ok: false; why: string }> {
  // Loaded here, not at start-up: execa is ~100 modules, ~0.1 s of every CLI command.
  const { execa } = await import('execa');
  const result = await execa('bwrap', [
    '--unshare-all', '--share-net', '--die-with-parent', '--new-session',
    '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--', 'true',
  ], { reject: false, timeout: PROBE_TIMEOUT_MS, stdin: 'ignore', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, extendEnv: false });
  if (!result.failed) return { ok: true };
  const why = result.code === 'ENOENT' ? 'bwrap is not installed' : `bwrap does not work here: ${String(result.stderr || result.shortMessage).split('\n')[0]}`;
  return { ok: false, why };
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

async function etcEntries(): Promise<string[]> {
  // Debian keeps python's own configuration in /etc/python3.11 and the like.
  const python = (await readdir('/etc').catch(() => [] as string[])).filter((n) => /^python3(\.\d+)?$/.test(n));
  return [...ETC_ENTRIES, ...python].map((n) => `/etc/${n}`);
}

/**
 * bwrap's argv for a run. The environment is not passed as --setenv (bwrap's command line is
 * readable by every user in /proc): bwrap hands its own, already allow-listed, environment on.
 */
export async function bwrapArgs(run: SandboxRun, privateTmp: string, hidden: readonly string[]): Promise<string[]> {
  const args = ['--unshare-all', ...(run.network ? ['--share-net'] : []), '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
  const readOnly = [...SYSTEM_DIRS, ...(await etcEntries()), ...envPaths(run.env), ...(run.readable ?? [])];
  // The private /tmp first: what is bound later (a venv, a release under the host's /tmp) shows through it.
  args.push('--bind', privateTmp, '/tmp');
  for (const dir of readOnly) args.push('--ro-bind-try', dir, dir);
  // A hidden path inside something bound read-only (a config under /etc, a state_dir under an
  // interpreter's prefix) is covered: an empty tmpfs for a directory, /dev/null for a file.
  for (const path of hidden) {
    if (!readOnly.some((dir) => under(path, dir))) continue;
    const st = await lstatOrNull(path);
    if (st?.isDirectory()) args.push('--tmpfs', path);
    else if (st) args.push('--ro-bind', '/dev/null', path);
  }
  args.push('--proc', '/proc', '--dev', '/dev');
  for (const dir of run.writable) args.push('--bind', dir, dir);
  args.push('--chdir', run.cwd, '--', run.file, ...run.args);
  return args;
}
