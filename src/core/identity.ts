/**
 * Who did something: a chat user (`slack:U024BE7LH`, `discord:8035…`, `console:alice`), a
 * pusher at a git host (`github:octocat`), or packbot itself. An identity is kept, stored and
 * compared as this one string, `<platform>:<id>`, so records written by any version read the
 * same; it is built only by `identityOf` and shown only by `displayIdentity`.
 */
export type Identity = string;

/** Platforms whose identities are chat users (anyone else is a pusher, or packbot). */
const CHAT_PLATFORMS = ['console', 'slack', 'discord'];

/** The one constructor: a platform and that platform's user id (or login). */
export function identityOf(platform: string, id: string): Identity {
  return `${platform}:${id}`;
}

/** Who packbot deploys as when it reverts an expired lock. */
export const SYSTEM_IDENTITY: Identity = identityOf('packbot', 'auto-revert');

/** `slack:U123` → its platform and id (an identity without a platform has platform ''). */
export function parseIdentity(identity: Identity): { platform: string; id: string } {
  const i = identity.indexOf(':');
  return i < 0 ? { platform: '', id: identity } : { platform: identity.slice(0, i), id: identity.slice(i + 1) };
}

/**
 * Whether an identity is a chat user. Deploys requested by a push (`github:alice`) are not:
 * nobody can answer for their requester, so anyone allowed to deploy the repository may confirm them.
 */
export function isChatIdentity(identity: Identity): boolean {
  return CHAT_PLATFORMS.includes(parseIdentity(identity).platform);
}

/**
 * How a person is named in a message (never a mention: no ping). `name`: `@alice` for a chat
 * user, `alice (github)` for a pusher, `packbot` for packbot itself. `bare`: the id alone, for
 * the columns of a table (`pack history`, `pack list`).
 */
export function displayIdentity(identity: Identity, style: 'name' | 'bare' = 'name'): string {
  const { platform, id } = parseIdentity(identity);
  if (style === 'bare') return id;
  if (identity === SYSTEM_IDENTITY) return 'packbot';
  // A pusher is a name at a git host, not a chat user: "@alice" would read as a mention.
  return isChatIdentity(identity) || platform === '' ? `@${id}` : `${id} (${platform})`;
}

/**
 * How a message shows a person: `name` names them (no ping), `mention` notifies them (their
 * turn, their result). Which text that becomes is the platform's business, so views carry a
 * mark (personMark) and the responder resolves it for the adapter the message goes to.
 */
export type PersonHow = 'name' | 'mention';

/**
 * A mark is `MARK_OPEN` + a flag + the identity + `MARK_CLOSE`, in private-use characters:
 * nothing a person types or a template writes contains them, so a mark passes through
 * handlebars, masking of its neighbours and string concatenation intact.
 */
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const MARK = /\uE000([nbm])([^\uE000\uE001]*)\uE001/g;
/** Flag → how, and the plain text a mark falls back to (displayIdentity's style). */
const FLAGS = { n: ['name', 'name'], b: ['name', 'bare'], m: ['mention', 'name'] } as const;

/**
 * A person in a view: resolved per platform (a Slack or Discord display name, or a mention),
 * or, where nothing resolves it (the CLI, the console, a failed lookup), displayIdentity's
 * text in the `plain` style — `@alice`, or `alice` in a table's column.
 */
export function personMark(identity: Identity, how: PersonHow, plain: 'name' | 'bare' = 'name'): string {
  const flag = how === 'mention' ? 'm' : plain === 'bare' ? 'b' : 'n';
  return `${MARK_OPEN}${flag}${identity.replace(/[\uE000\uE001]/g, '')}${MARK_CLOSE}`;
}

/** Whether `text` holds any person mark. */
export function hasPeople(text: string): boolean {
  return text.includes(MARK_OPEN);
}

/**
 * `resolve(identity, how, plain)` → the text each mark stands for (`plain`: its fallback, as
 * stripPeople renders it). Each distinct mark is resolved once, all at once.
 */
export async function resolvePeople(
  text: string,
  resolve: (identity: Identity, how: PersonHow, plain: string) => Promise<string> | string,
): Promise<string> {
  if (!hasPeople(text)) return text;
  const marks = [...new Set(Array.from(text.matchAll(MARK), (m) => m[0]))];
  const shown = new Map<string, string>();
  await Promise.all(marks.map(async (mark) => {
    const { identity, how, plain } = readMark(mark);
    // A person is never worth failing a message over: an unresolved one reads as plain text.
    shown.set(mark, await (async () => resolve(identity, how, plain))().catch(() => plain));
  }));
  return text.replace(MARK, (mark) => shown.get(mark) ?? readMark(mark).plain);
}

/** Every mark as its plain text (`@U0ALICE01`): for the CLI, logs and anything stored. */
export function stripPeople(text: string): string {
  return hasPeople(text) ? text.replace(MARK, (mark) => readMark(mark).plain) : text;
}

function readMark(mark: string): { identity: Identity; how: PersonHow; plain: string } {
  const flag = mark.charAt(1) as keyof typeof FLAGS;
  const [how, style] = FLAGS[flag];
  const identity = mark.slice(2, -1);
  return { identity, how, plain: displayIdentity(identity, style) };
}

/**
 * A display name as fetched from a platform, fit to stand inside a message: one line, no
 * control or mark characters, no `<`/`>` (so a name can never form a ping such as `<@U…>`),
 * at most 80 characters. Empty when nothing is left.
 */
export function cleanDisplayName(name: string): string {
  const line = name
    .replace(/[\u0000-\u001f\u007f\uE000\uE001]/g, ' ')
    .replace(/</g, '‹').replace(/>/g, '›')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...line]; // by code point: an emoji is kept or dropped whole
  return chars.length <= 80 ? line : `${chars.slice(0, 79).join('')}…`;
}
