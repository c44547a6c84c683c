/**
 * Which Slack user groups a person is in, as permission groups (`slack-group:<usergroup id>`).
 *
 * One `usergroups.list` call (with `include_users`) lists every group with its members, so
 * the whole map is fetched at once and kept for a TTL: a burst of messages costs one call,
 * and concurrent lookups share the one request in flight. A failed lookup (no
 * `usergroups:read` scope, network, rate limit) fails closed — nobody is in any group, so
 * nobody gains a permission — is logged at warn at most once per TTL, and is retried after
 * a short pause rather than on every message. A lookup never throws and never waits longer
 * than LOOKUP_DEADLINE_MS.
 */
import { errorMessage } from '../../src/core/caught.js';
import type { Logger } from '../../src/core/logging/logger.js';
import { raceTimeout } from '../../src/core/timeout.js';

export const GROUP_PREFIX = 'slack-group:';
export const GROUPS_TTL_MS = 5 * 60_000;
/** After a failure, how long until the next message tries again. */
const RETRY_AFTER_FAILURE_MS = 30_000;
/** The longest a message waits for the groups; past it, it goes on with none. */
const LOOKUP_DEADLINE_MS = 5_000;

export interface SlackUserGroup {
  id?: string;
  users?: string[];
}

export interface UserGroupsOptions {
  /** One `usergroups.list({include_users: true})` call: every enabled group and its members. */
  list: () => Promise<SlackUserGroup[]>;
  logger: Logger;
  now?: () => number;
  ttlMs?: number;
}

interface Snapshot {
  /** user id → `slack-group:<id>`s; empty after a failure. */
  byUser: Map<string, string[]>;
  expiresAt: number;
}

/** The Slack error code of a Web API failure (`missing_scope`), if it is one. */
function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

export class SlackUserGroups {
  private readonly now: () => number;
  private readonly ttlMs: number;
  private snapshot: Snapshot | null = null;
  private inFlight: Promise<Snapshot> | null = null;
  private lastWarnAt: number | null = null;

  constructor(private readonly opts: UserGroupsOptions) {
    this.now = opts.now ?? Date.now;
    this.ttlMs = opts.ttlMs ?? GROUPS_TTL_MS;
  }

  /** `slack-group:<id>` for every group `userId` is in; [] when that cannot be known. */
  async of(userId: string): Promise<string[]> {
    const snap = await this.current();
    return [...(snap.byUser.get(userId) ?? [])];
  }

  private async current(): Promise<Snapshot> {
    if (this.snapshot && this.now() < this.snapshot.expiresAt) return this.snapshot;
    this.inFlight ??= this.fetch().finally(() => void (this.inFlight = null));
    return raceTimeout(this.inFlight, LOOKUP_DEADLINE_MS, (): Snapshot => {
      this.warn(new Error(`usergroups.list did not answer within ${LOOKUP_DEADLINE_MS} ms`));
      return { byUser: new Map(), expiresAt: 0 };
    });
  }

  private async fetch(): Promise<Snapshot> {
    let snap: Snapshot;
    try {
      const groups = await this.opts.list();
      const byUser = new Map<string, string[]>();
      for (const g of groups) {
        if (!g.id) continue;
        for (const user of g.users ?? []) {
          const list = byUser.get(user) ?? [];
          list.push(`${GROUP_PREFIX}${g.id}`);
          byUser.set(user, list);
        }
      }
      snap = { byUser, expiresAt: this.now() + this.ttlMs };
    } catch (err) {
      this.warn(err);
      snap = { byUser: new Map(), expiresAt: this.now() + Math.min(RETRY_AFTER_FAILURE_MS, this.ttlMs) };
    }
    this.snapshot = snap;
    return snap;
  }

  private warn(err: unknown): void {
    const at = this.now();
    if (this.lastWarnAt !== null && at - this.lastWarnAt < this.ttlMs) return;
    this.lastWarnAt = at;
    const code = slackErrorCode(err);
    const fix = code === 'missing_scope' || code === 'not_allowed_token_type' || code === 'no_permission'
      ? 'add the usergroups:read scope; see slack-manifest.yml (then reinstall the app to the workspace)'
      : 'check that packbot can reach Slack; it tries again shortly';
    this.opts.logger.warn(
      { err, slackError: code, fix },
      `cannot read Slack user groups (usergroups.list: ${code ?? errorMessage(err)}); slack-group: members match nobody until this works — ${fix}`,
    );
  }
}
