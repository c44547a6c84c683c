/**
 * Which git transport a remote may use. The config already validated the URL, but this layer
 * re-checks it (config can be bypassed by callers building a GitRemote themselves) and its
 * answer becomes GIT_ALLOW_PROTOCOL, so git refuses any other transport even when a rewrite
 * (`url.*.insteadOf`), a redirect or a submodule tries to switch.
 */
import { isAbsolute } from 'node:path';
import { PackbotError } from '../../core/errors.js';
import { checkGitUrl } from '../config/git-url.js';
import type { GitRemote } from './types.js';

export type GitProtocol = 'https' | 'http' | 'ssh' | 'git' | 'file';

const SCHEMES: Record<string, GitProtocol> = { https: 'https', http: 'http', ssh: 'ssh', git: 'git', file: 'file' };
// transport.c: "<scheme>::<address>" selects a remote helper (ext:: runs a command).
const HELPER = /^[A-Za-z][A-Za-z0-9+.-]*::/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** The single protocol git may speak for this remote; throws before anything runs. */
export function protocolOf(remote: GitRemote): GitProtocol {
  const url = remote.url;
  const where = `repository "${remote.name}"`;
  if (typeof url !== 'string' || url === '') {
    throw new PackbotError('git_remote_invalid', `The URL of ${where} is empty.`);
  }
  if (HELPER.test(url)) {
    throw new PackbotError('git_protocol_refused', `The URL of ${where} uses a "<transport>::" remote helper, which can run commands; use https, ssh or git.`);
  }
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined && SCHEMES[scheme] === undefined) {
    throw new PackbotError('git_protocol_refused', `The URL of ${where} uses the ${scheme}:// scheme; only https, http, ssh, git and file are allowed.`);
  }
  const check = checkGitUrl(url);
  if (!check.ok) {
    const hint = check.credentials ? `; put the token in repositories.${remote.name}.token instead` : '';
    throw new PackbotError('git_remote_invalid', `The URL of ${where} is refused: ${check.reason}${hint}.`);
  }
  if (check.kind === 'scp') return 'ssh';
  if (check.kind === 'local') {
    // A relative path would depend on the process cwd; the config turns paths into file:// URLs.
    if (!isAbsolute(url)) throw new PackbotError('git_remote_invalid', `The URL of ${where} is a relative path; use a file:// URL.`);
    return 'file';
  }
  return SCHEMES[scheme ?? ''] ?? refuse(where);
}

function refuse(where: string): never {
  throw new PackbotError('git_protocol_refused', `The URL of ${where} has no recognised protocol.`);
}
