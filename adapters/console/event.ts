import { z } from 'zod';

/** The most text one event may carry: the console adapter's own message limit. */
export const MAX_EVENT_TEXT = 4000;

/**
 * Names end up in message ids, dedupe keys, identities (`console:<user>`) and printed
 * output; a narrow charset keeps them from smuggling spaces, sigils or control characters.
 */
const NAME_RE = /^[\w.:-]{1,100}$/;
const NAME_RULE = '1-100 characters from A-Z a-z 0-9 _ . : -';

const name = z.string().regex(NAME_RE);

const EventSchema = z.strictObject({
  id: name.optional(),
  user: name.optional(),
  channel: name.optional(),
  thread: name.optional(),
  direct: z.boolean().optional(),
  // Blank text would be dropped as a line and ignored by the bot; a script that sent it meant something else.
  text: z.string().max(MAX_EVENT_TEXT).refine((t) => t.trim() !== '', { message: 'must not be blank' }),
});

export type ConsoleEvent = z.output<typeof EventSchema>;

export const EVENT_SHAPE =
  '{"id"?: string, "user"?: string, "channel"?: string, "thread"?: string, "direct"?: boolean, "text": string}';

export type EventParse = { ok: true; event: ConsoleEvent } | { ok: false; error: string };

/** Lines starting with `{` are events; anything else is the `@user #channel text` form. */
export function isEventLine(line: string): boolean {
  return line.trimStart().startsWith('{');
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** Echoes a rejected name back, short and quoted, so a typo is easy to spot. */
function shown(v: unknown): string {
  if (typeof v !== 'string') return typeName(v);
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
}

function describeIssue(iss: z.core.$ZodIssue): string {
  const field = iss.path.length > 0 ? `"${iss.path.map(String).join('.')}"` : 'the event';
  switch (iss.code) {
    case 'unrecognized_keys':
      return `unknown field${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map(shown).join(', ')}`;
    case 'invalid_type':
      if (iss.input === undefined) return `${field} is required`;
      return `${field} must be ${/^[aeiou]/.test(iss.expected) ? 'an' : 'a'} ${iss.expected}, got ${typeName(iss.input)}`;
    case 'invalid_format':
      return `${field} must be ${NAME_RULE}, got ${shown(iss.input)}`;
    case 'too_big':
      return `${field} is ${typeof iss.input === 'string' ? iss.input.length : '?'} characters; at most ${String(iss.maximum)} are allowed`;
    default:
      return `${field} ${iss.message}`;
  }
}

/**
 * One JSON event line → a validated event, or a single line of error that names every
 * problem and the expected shape. Pure: the adapter decides how to print it.
 */
export function parseConsoleEvent(line: string): EventParse {
  // V8's JSON messages quote the input; control characters must not reach a terminal or split the line.
  const fail = (problem: string): EventParse => ({
    ok: false,
    error: `bad event line: ${problem.replace(/[\x00-\x1f\x7f]+/g, ' ')}; expected ${EVENT_SHAPE}`,
  });
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail(`expected a JSON object, got ${typeName(raw)}`);
  const result = EventSchema.safeParse(raw, { reportInput: true });
  if (!result.success) return fail(result.error.issues.map(describeIssue).join('; '));
  return { ok: true, event: result.data };
}
