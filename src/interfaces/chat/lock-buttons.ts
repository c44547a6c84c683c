/**
 * The Unlock and Extend buttons a lock holder sees on their status page (Slack's App Home).
 * A page is drawn per person, but a click is a request like any other and is checked here:
 * only the lock's holder may use them (an admin forces an unlock with `pack unlock`, which is
 * recorded and announced as forced), with the permission the typed command needs.
 */
import { formatDuration, HOUR_MS } from '../../core/duration.js';
import { personMark, type Identity } from '../../core/identity.js';
import type { Coordinator } from '../../services/coord/coordinator.js';
import type { PermissionGate } from '../../domain/permissions/index.js';
import { actorOf } from './actor.js';
import type { ActionOutcome, IncomingAction } from './types.js';

/** What Extend adds to the time a lock has left (as `pack lock extend <pack> 1h` would, from its expiry). */
export const EXTEND_MS = HOUR_MS;

export interface LockButtonDeps {
  coordinator: Pick<Coordinator, 'locks' | 'unlock' | 'extend'>;
  permissions: Pick<PermissionGate, 'action'>;
  now?: () => Date;
}

export async function answerLockClick(deps: LockButtonDeps, action: IncomingAction & { action: 'unlock' | 'extend' }, identity: Identity): Promise<ActionOutcome> {
  const pack = action.entryId;
  const lock = await deps.coordinator.locks.get(pack);
  if (!lock) return { accepted: false, note: `${pack} is not locked any more.` };
  if (lock.owner !== identity) {
    return { accepted: false, note: `The lock on ${pack} is ${personMark(lock.owner, 'name')}'s; only they can ${action.action} it.` };
  }
  const denied = await deps.permissions.action(actorOf(action), action.action === 'unlock' ? 'unlock' : 'lock_extend');
  if (denied !== null) return { accepted: false, note: denied };
  if (action.action === 'unlock') {
    await deps.coordinator.unlock(pack, identity, { platform: action.platform, channel: action.channel.id });
    return { accepted: true, note: `Released your lock on ${pack}; it stays on ${lock.branch} until the next deploy.` };
  }
  const now = (deps.now ?? (() => new Date()))();
  const left = Math.max(0, Date.parse(lock.expires_at) - now.getTime());
  const extended = await deps.coordinator.extend(pack, identity, left + EXTEND_MS);
  return { accepted: true, note: `${pack} stays on ${extended.branch} ${formatDuration(EXTEND_MS)} longer, until ${extended.expires_at}.` };
}
