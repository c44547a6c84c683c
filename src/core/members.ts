/**
 * The words of `permissions:` (a leaf module: the config schema, its cross-checks and the
 * checker all read it). A *member* is one person (`slack:U024BE7LH`, `discord:8035…`,
 * `console:alice`) or one platform group (`slack-group:S0614TZR7`, `discord-role:8035…`);
 * a *role* is a name: the built-in `admins` and `deployers`, or one of `permissions.roles`.
 */

/** People: `<platform>:<user id>`. */
export const PERSON_PATTERN = '^(console|slack|discord):[^\\s]+$';
/** Groups a platform tells packbot about: a Slack user group, a Discord server role. */
export const GROUP_PATTERN = '^(slack-group|discord-role):[^\\s]+$';
export const MEMBER_PATTERN = '^(console|slack|discord|slack-group|discord-role):[^\\s]+$';
export const ROLE_PATTERN = '^[a-z][a-z0-9_-]{0,63}$';

export const BUILTIN_ROLES = ['admins', 'deployers'] as const;

/** An alias's `permission:` word to the role it needs; `read` needs none. */
export const ALIAS_PERMISSIONS: Readonly<Record<string, string | null>> = { read: null, deploy: 'deployers', admin: 'admins' };

export const MEMBER_HINT = 'a member like "slack:U024BE7LH", "discord:80351110224678912", "console:alice", "slack-group:S0614TZR7" or "discord-role:80351110224678912"';
export const MEMBER_OR_ROLE_HINT = 'a member like "slack:U024BE7LH" or "discord-role:80351110224678912", or a role name like "deployers"';

export const isMember = (s: string): boolean => new RegExp(MEMBER_PATTERN).test(s);
export const isRoleName = (s: string): boolean => !s.includes(':') && new RegExp(ROLE_PATTERN).test(s);

/**
 * `#ops`, `ops` and `OPS` name the same channel; ids (`C024BE91L`) are compared as they are.
 * A channel that comes with `refs` (Discord) matches only the entries its adapter resolved
 * to its id: its name alone proves nothing where every server may have an `#ops`.
 */
export function channelMatches(entry: string, channel: { id: string; name: string; refs?: readonly string[] }): boolean {
  if (entry === channel.id) return true;
  if (channel.refs) return channel.refs.includes(entry);
  const norm = (s: string) => s.replace(/^#/, '').toLowerCase();
  return norm(entry) === norm(channel.name);
}
