/** The stand-in Slack's `users.info`: the people a test registers, answered as Slack answers. */

/** What users.info says of someone: the names Slack shows (any may be empty). */
export interface FakeSlackUser {
  name?: string;
  real_name?: string;
  display_name?: string;
}

/** users.info's answer, shaped as Slack's (the fields packbot reads and a few around them). */
export function usersInfo(id: string, users: Record<string, FakeSlackUser>, error: string | null): Record<string, unknown> {
  if (error === 'missing_scope') return { ok: false, error: 'missing_scope', needed: 'users:read', provided: 'chat:write' };
  if (error) return { ok: false, error };
  const u = users[id];
  if (!u) return { ok: false, error: 'user_not_found' };
  return {
    ok: true,
    user: {
      id, team_id: 'T0000001', name: u.name ?? id.toLowerCase(), real_name: u.real_name ?? '', deleted: false, is_bot: false,
      profile: { display_name: u.display_name ?? '', real_name: u.real_name ?? '', display_name_normalized: u.display_name ?? '' },
    },
  };
}
