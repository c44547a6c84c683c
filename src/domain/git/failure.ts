/**
 * Turns a failed git process into the one line a chat user sees. git's stderr is long,
 * localised noise around one useful line; that line is kept, masked (a URL or header could
 * carry a secret) and paired with the fix when the cause is recognisable.
 */
import { GitPluginError } from 'simple-git';
import { errorMessage } from '../../core/caught.js';
import { formatLimit } from '../../core/duration.js';
import { PackbotError } from '../../core/errors.js';
import type { Masker } from '../../core/masking/masker.js';
import type { GitProtocol } from './protocol.js';
import type { GitRemote } from './types.js';

export interface FailureContext {
  /** What was being done, as a gerund phrase: "fetching", "reading the tree". */
  what: string;
  remote: GitRemote;
  protocol: GitProtocol;
  masker: Masker;
  timeoutMs: number;
  timedOut: boolean;
}

const MAX_LINE = 240;
const NOISE = /^(hint:|remote: (counting|compressing|enumerating|total)|cloning into|from |receiving objects|resolving deltas|warning: redirecting)/i;
const AUTH = /authentication failed|could not read (username|password)|terminal prompts disabled|returned error: 40[13]|http 40[13]|permission denied \(publickey|host key verification failed|invalid username or password/i;
const PROTOCOL = /transport '([^']+)' not allowed/i;

/** git's most useful stderr line: the first fatal/error line, else the first non-noise line. */
export function firstMeaningfulLine(stderr: string): string {
  const lines = stderr.split(/[\r\n]+/).map((l) => l.trim()).filter((l) => l !== '' && !NOISE.test(l));
  const line = lines.find((l) => /^(fatal|error):/i.test(l)) ?? lines[0] ?? 'git exited with an error';
  const text = line.replace(/^(fatal|error):\s*/i, '');
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}…` : text;
}

function authHint(remote: GitRemote, protocol: GitProtocol): string {
  if (protocol === 'ssh') {
    return `check repositories.${remote.name}.ssh_key_file and that the host key is in the service user's known_hosts`;
  }
  return remote.token
    ? `check repositories.${remote.name}.token (and username); the server refused it`
    : `check repositories.${remote.name}.token: the server asks for credentials and none is configured`;
}

export function gitFailure(err: unknown, ctx: FailureContext): PackbotError {
  const where = `repository "${ctx.remote.name}"`;
  const one = (code: 'git_failed' | 'git_timeout' | 'git_protocol_refused', text: string) =>
    new PackbotError(code, ctx.masker.mask(text.replace(/[\r\n]+/g, ' ')));
  const plugin = err instanceof GitPluginError ? err.plugin : undefined;
  if (ctx.timedOut || plugin === 'timeout' || plugin === 'abort') {
    return one('git_timeout', `${capitalise(ctx.what)} timed out for ${where} after ${formatLimit(ctx.timeoutMs)} (the git time limit).`);
  }
  const message = errorMessage(err);
  if (plugin === 'unsafe') {
    return one('git_failed', `${capitalise(ctx.what)} for ${where} was refused by simple-git's safety check: ${firstMeaningfulLine(message)}.`);
  }
  const protocol = PROTOCOL.exec(message);
  if (protocol) {
    return one('git_protocol_refused', `${capitalise(ctx.what)} for ${where} was refused: transport '${protocol[1]}' is not allowed (this repository may only use ${ctx.protocol}).`);
  }
  if (AUTH.test(message)) {
    return one('git_failed', `${capitalise(ctx.what)} failed for ${where}: authentication failed; ${authHint(ctx.remote, ctx.protocol)}.`);
  }
  return one('git_failed', `${capitalise(ctx.what)} failed for ${where}: ${firstMeaningfulLine(message)}`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
