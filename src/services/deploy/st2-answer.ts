/**
 * What StackStorm's pack register endpoint answers, read at the boundary and put in one line
 * a person can act on. No I/O here (register-st2.ts asks; this reads).
 *
 * StackStorm's side (st2api): a success is `PackRegisterController`'s counts per resource type,
 * `{"runners": 14, "actions": 12, "rules": 2, ...}`; every error is `{"faultstring": "..."}`
 * (openapi.yaml's `Error`, error_handling.py). A resource it cannot register (with
 * fail_on_failure) is a ValueError, so a 400: `Failed to register action "<path on the server>"
 * from pack "<pack>": <why>`; a pack missing from its disk is a 400 too; credentials are 401
 * (`Unauthorized - ...`), RBAC's pack_register a 403.
 */
import { z } from 'zod';

/** The counts per resource type; keys StackStorm adds later ("actions(overridden)") are kept. */
export const registerCountsSchema = z.record(z.string(), z.number().int().nonnegative());

const faultSchema = z.object({ faultstring: z.string() });

/** How a failure is worded: which credential, where. */
export interface AnswerContext {
  /** register.st2.url as shown: no query, no userinfo. */
  base: string;
  /** The endpoint as shown. */
  endpoint: string;
  credential: 'api_key' | 'auth_token';
  packs: readonly string[];
}

/** The reason StackStorm gave, or null when the body is not its error shape. */
export function faultOf(body: string): string | null {
  try {
    const parsed = faultSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.faultstring : null;
  } catch {
    return null;
  }
}

const MAX_REASON = 300;

/**
 * A message from StackStorm made fit for chat: jsonschema's schema-and-instance dump (after the
 * first blank line) dropped, lines joined, server paths made relative to their pack (or cut to
 * the file name), clipped.
 */
export function oneLine(text: string, packs: readonly string[]): string {
  const head = text.split(/\r?\n\s*\r?\n/)[0] ?? '';
  const flat = relativePaths(head, packs).replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_REASON ? flat : `${flat.slice(0, MAX_REASON - 1).replace(/\s+\S*$/, '')}…`;
}

// A path starts a token: not inside a URL (`https://h/x`) or a word.
const NOT_IN_URL = String.raw`(?<![\w:/.-])`;
const SEGMENT = String.raw`/[^\s"'/]+`;

/** `/opt/stackstorm/packs/alpha/actions/x.yaml` → `actions/x.yaml`; other absolute paths → their file name. */
export function relativePaths(text: string, packs: readonly string[]): string {
  let out = text;
  for (const pack of packs) {
    // Pack refs are [a-z0-9_]; escaped all the same, as any text going into a RegExp.
    out = out.replace(new RegExp(`${NOT_IN_URL}(?:${SEGMENT})*/${pack.replace(/[^\w]/g, '\\$&')}/`, 'g'), '');
  }
  // A pack's config lives in StackStorm's configs dir, not in the pack.
  out = out.replace(new RegExp(`${NOT_IN_URL}(?:${SEGMENT})*/configs/`, 'g'), 'configs/');
  return out.replace(new RegExp(`${NOT_IN_URL}(?:${SEGMENT})+/(?=[^\\s"'/])`, 'g'), '');
}

const REGISTER_FAILED = /^Failed to register (\w+) "([^"]*)" (?:from|for) pack "([^"]*)": ([\s\S]*)$/;
const PACK_NOT_FOUND = /^Pack "([^"]*)" not found on disk/;

/** A 400: the resource StackStorm refused, named by its file in the pack. */
function refused(fault: string, ctx: AnswerContext): string {
  const failed = REGISTER_FAILED.exec(fault.trim());
  if (failed) {
    const [, kind = 'resource', file = '', pack = '', why = ''] = failed;
    const packs = [...ctx.packs, pack];
    return `StackStorm refused ${kind} ${relativePaths(file, packs)} of pack ${pack}: ${oneLine(why, packs)}`;
  }
  const missing = PACK_NOT_FOUND.exec(fault.trim());
  if (missing) {
    return `StackStorm has no pack ${missing[1] ?? ''} in its packs directory: packs_dir must be the directory StackStorm reads packs from `
      + '(content.packs_base_paths, /opt/stackstorm/packs by default), on its host or a volume it shares';
  }
  return `StackStorm refused the registration (400: ${oneLine(fault, ctx.packs)})`;
}

/** One line for any answer that is not a 2xx, naming what to check. */
export function failureMessage(status: number, body: string, ctx: AnswerContext): string {
  const fault = faultOf(body);
  const said = fault === null ? '' : oneLine(fault, ctx.packs);
  const key = `register.st2.${ctx.credential}`;
  if (status === 400 && fault !== null) return refused(fault, ctx);
  if (status === 401) {
    const fix = ctx.credential === 'api_key'
      ? 'check that the key exists and is enabled (`st2 apikey list`)'
      : 'auth tokens expire; get a new one, or use an api_key, which does not';
    return `StackStorm refused ${key} (401 ${said || 'Unauthorized'}): ${fix}`;
  }
  if (status === 403) {
    return `StackStorm refused ${key}'s user the pack_register permission (403${said ? `: ${said}` : ''}): grant it through an RBAC role, or use another user's credential`;
  }
  if (status === 404) {
    return `StackStorm answered 404 at ${ctx.endpoint}: register.st2.url must be StackStorm's API base, like https://st2.example.com/api (behind nginx) or http://st2api:9101`;
  }
  if (status >= 500) return `StackStorm failed to register ${ctx.packs.join(', ')} (${status}${said ? `: ${said}` : ''}); st2api's log has the cause`;
  return `StackStorm at ${ctx.base} answered ${status}${said ? `: ${said}` : ''}`;
}

/** A 2xx body that is not the counts: a login page, a proxy, some other service at that URL. */
export function notCountsMessage(status: number, contentType: string | null, ctx: AnswerContext): string {
  const what = contentType ? contentType.split(';')[0]?.trim() : 'no content type';
  return `StackStorm at ${ctx.base} answered ${status} without StackStorm's register counts (${what}): register.st2.url must be StackStorm's API base, like https://st2.example.com/api`;
}
