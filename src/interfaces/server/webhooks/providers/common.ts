/**
 * What the three provider parsers share: zod pieces with short messages, the one-line error
 * for a malformed payload, and the ref/sha rules every provider's push must meet.
 */
import { z } from 'zod';
import { branchProblem } from '../../../../domain/config/schema.js';
import { quoteForMessage } from '../../../../core/quote.js';
import { PackbotError } from '../../../../core/errors.js';
import type { Provider } from '../../../../services/autodeploy/push-event.js';

type RawIssue = z.core.$ZodRawIssue;

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ZERO_SHA = /^(?:0{40}|0{64})$/;

/** "is missing" when absent, else "expected <what>": payload values are not echoed back. */
function wanted(what: string): (iss: RawIssue) => string {
  return (iss) => (iss.input === undefined ? 'is missing' : `expected ${what}`);
}

export const str = () => z.string({ error: wanted('a string') });
export const bool = () => z.boolean({ error: wanted('true or false') });
export const count = () => z.number({ error: wanted('a number') }).int('expected a whole number').nonnegative('expected a count');
export const sha = () => z.string({ error: wanted('a 40-hex sha') }).regex(SHA, 'expected a 40-hex sha');

/**
 * Providers add fields over time, so objects are loose: only what packbot reads is checked,
 * and an unknown field is never an error.
 */
export function obj<T extends z.ZodRawShape>(shape: T) {
  return z.looseObject(shape, { error: wanted('an object') });
}

export function list<T extends z.ZodType>(item: T) {
  return z.array(item, { error: wanted('a list') });
}

/** Parses or throws webhook_payload naming every problem at once, on one line. */
export function parsePayload<T extends z.ZodType>(provider: Provider, schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = [...new Set(result.error.issues.map((i) => (i.path.length ? `${pathOf(i.path)}: ${i.message}` : i.message)))];
  const shown = problems.length > 6 ? [...problems.slice(0, 6), `${problems.length - 6} more`] : problems;
  throw payloadError(provider, shown.join('; '));
}

export function payloadError(provider: Provider, problem: string): PackbotError {
  return new PackbotError('webhook_payload', `${provider} push payload: ${problem}`);
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

/** A sha, or null for the all-zero sha providers send for "no commit" (created or deleted). */
export function shaOrNull(value: string): string | null {
  return ZERO_SHA.test(value) ? null : value;
}

/**
 * The branch a full ref names, or null for tags and other refs. A branch name packbot could
 * not configure is an error rather than null: null means "not a branch", and a mistyped
 * branch silently treated as a tag would hide a push that should have deployed.
 */
export function branchOfRef(provider: Provider, ref: string): string | null {
  if (!ref.startsWith('refs/heads/')) return null;
  return checkedBranch(provider, ref.slice('refs/heads/'.length), ref);
}

export function checkedBranch(provider: Provider, branch: string, ref = branch): string {
  const problem = branchProblem(branch);
  if (problem) throw payloadError(provider, `ref ${quoteForMessage(ref)} is not a branch name packbot accepts (${problem})`);
  return branch;
}

/** Every distinct, non-empty URL, in the order given. */
export function urls(...candidates: (string | undefined | null)[]): string[] {
  return [...new Set(candidates.filter((u): u is string => typeof u === 'string' && u !== ''))];
}

/** "Jane Doe <jane@example.com>" → "Jane Doe": a name for chat, without the address. */
export function nameOnly(raw: string): string {
  return raw.replace(/\s*<[^<>]*>\s*$/, '').trim() || raw.trim();
}

/** The ignored-event reason, with the provider's event name quoted and cut short. */
export function ignored(provider: Provider, what: string | undefined, header: string) {
  return {
    kind: 'ignored' as const,
    reason: what === undefined ? `no ${header} header` : `${provider} event ${quoteForMessage(what, 60)} is not acted on`,
  };
}

/** A commit as GitHub's head_commit and GitLab's commits[] both give it. */
export const pushCommit = obj({
  id: sha(),
  message: str(),
  author: obj({ name: str() }),
});
