/**
 * How Slack shows a person. `mention`: `<@U…>`, which Slack renders as their name and which
 * notifies them. `name`: their display name, from `users.info` (needs `users:read`), as
 * plain text that the outbox escapes like the rest of the message.
 *
 * users.info is Tier 4 (about 100 a minute, per workspace, not per channel), so it is called
 * straight away rather than through a channel's queue, and each answer is kept for a TTL:
 * a burst of messages naming the same people costs one call per person, and concurrent
 * lookups share the one in flight. A failure (missing_scope, user_not_found, a rate limit, no
 * answer) shows the person by id and is kept for a minute, so it is not retried per message.
 */
import { cleanDisplayName, type PersonHow } from '../../src/core/identity.js';
import type { Logger } from '../../src/core/logging/logger.js';
import { LookupCache } from '../../src/core/lookup-cache.js';
import { retryAfterOf } from './outbox.js';

export const PEOPLE_TTL_MS = 15 * 60_000;
const FAILURE_TTL_MS = 60_000;
const MAX_PEOPLE = 2_000;
const LOOKUP_TIMEOUT_MS = 5_000;
/** A Slack user id (`U…`, or `W…` on Enterprise Grid): anything else is not Slack's to show. */
const USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** The fields of users.info's `user` that name someone. */
export interface SlackUserInfo {
  name?: string;
  real_name?: string;
  profile?: { display_name?: string; real_name?: string };
}

export interface SlackPeopleOptions {
  /** One users.info call: the user, or a throw (the Web API's error, with `data.error`). */
  info: (userId: string) => Promise<SlackUserInfo | undefined>;
  logger: Logger;
  now?: () => number;
  ttlMs?: number;
}

/** What Slack itself shows: the display name someone chose, else their full name, else their handle. */
export function displayNameOf(user: SlackUserInfo | undefined): string {
  const candidates = [user?.profile?.display_name, user?.profile?.real_name, user?.real_name, user?.name];
  for (const c of candidates) {
    const name = cleanDisplayName(c ?? '');
    if (name !== '') return name;
  }
  return '';
}

function errorCodeOf(err: unknown): string {
  if (retryAfterOf(err) !== undefined) return 'ratelimited';
  const data = (err as { data?: { error?: unknown } } | null)?.data;
  if (typeof data?.error === 'string') return data.error;
  return err instanceof Error ? err.message : String(err);
}

export class SlackPeople {
  private readonly names: LookupCache<string>;
  private warnedScope = false;

  constructor(private readonly opts: SlackPeopleOptions) {
    this.names = new LookupCache<string>({
      load: async (userId) => displayNameOf(await opts.info(userId)) || null,
      ttlMs: opts.ttlMs ?? PEOPLE_TTL_MS,
      failureTtlMs: FAILURE_TTL_MS,
      maxEntries: MAX_PEOPLE,
      timeoutMs: LOOKUP_TIMEOUT_MS,
      ...(opts.now ? { now: opts.now } : {}),
      onFailure: (userId, err) => this.failed(userId, err),
    });
  }

  /** `<@U…>`, a display name, or null (shown by id) when Slack can't say. */
  async show(userId: string, how: PersonHow): Promise<string | null> {
    if (!USER_ID.test(userId)) return null;
    if (how === 'mention') return `<@${userId}>`;
    return this.names.get(userId);
  }

  private failed(userId: string, err: unknown): void {
    const code = errorCodeOf(err);
    if (code === 'missing_scope') {
      // Every lookup fails the same way until the app is reinstalled: say so once.
      if (!this.warnedScope) this.opts.logger.warn('Slack refused users.info (missing_scope): add the users:read bot scope and reinstall the app; people are shown by id meanwhile');
      this.warnedScope = true;
      return;
    }
    const log = code === 'user_not_found' ? this.opts.logger.debug.bind(this.opts.logger) : this.opts.logger.warn.bind(this.opts.logger);
    log({ user: userId, error: code }, 'no display name from Slack; showing the user id');
  }
}
