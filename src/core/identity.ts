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
