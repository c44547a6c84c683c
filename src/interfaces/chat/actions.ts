/**
 * The boundary for button clicks (Confirm / Cancel on a confirmation prompt, Delete my
 * message on a pasted-credential refusal, Unlock / Extend on a lock holder's status page): the
 * same confirm, cancel, unlock and extend as the typed commands, deduplicated like messages,
 * and one error handler that turns every failure into a one-line note for the clicker.
 */
import { randomBytes } from 'node:crypto';
import type { Coordinator } from '../../services/coord/coordinator.js';
import { personMark } from '../../core/identity.js';
import { isPackbotError } from '../../core/errors.js';
import type { Logger } from '../../core/logging/logger.js';
import type { Masker } from '../../core/masking/masker.js';
import { type PermissionGate } from '../../domain/permissions/index.js';
import { actorOf, identityOfEvent } from './actor.js';
import { answerDeleteClick, type Offers } from './delete-offer.js';
import { answerLockClick } from './lock-buttons.js';
import { memoryClaims, type EventClaim, type EventClaims } from './claim.js';
import { isStoreOutage, outageMessage } from './outage.js';
import type { ActionHandler, ActionOutcome, IncomingAction } from './types.js';

export interface ActionDeps {
  coordinator: Pick<Coordinator, 'confirmEntry' | 'cancel' | 'repoOf' | 'locks' | 'unlock' | 'extend'>;
  /** Clicks are checked like the typed commands: the command, then the deploy's repository. */
  permissions: PermissionGate;
  logger: Logger;
  masker: Masker;
  /** Claims each click before it is handled, as messages are (chat/claim.ts); the app's are in the store. Absent: in memory. */
  claims?: EventClaims;
  /** Who may delete which message (recorded with the refusal that offered it). */
  offers: Offers;
  /** Deletes a user's message through the adapter of that platform. */
  deleteMessage: (platform: string, messageId: string) => Promise<void>;
}

async function decide(deps: ActionDeps, action: IncomingAction, identity: string): Promise<ActionOutcome> {
  // Only the sender may delete their own message: that is the whole permission.
  if (action.action === 'delete') return answerDeleteClick(action, deps.offers, deps.deleteMessage);
  if (action.action === 'unlock' || action.action === 'extend') return answerLockClick(deps, { ...action, action: action.action }, identity);
  const actor = actorOf(action);
  const denied = await deps.permissions.action(actor, action.action);
  if (denied !== null) return { accepted: false, note: denied };
  const repo = await deps.coordinator.repoOf(action.entryId);
  // Throws not_permitted (recorded) when the repository's allowed_users or allowed_channels say no.
  if (repo) await deps.permissions.repo(actor, action.action, repo, { command: action.action });
  if (action.action === 'cancel') {
    const { entry, forced } = await deps.coordinator.cancel(identity, action.channel.id, action.entryId, 'button');
    return { accepted: true, note: `Cancelled by ${personMark(identity, 'name')}${forced ? ` (it was ${personMark(entry.requester, 'name')}'s)` : ''}.` };
  }
  const answer = await deps.coordinator.confirmEntry(identity, action.entryId);
  switch (answer.kind) {
    case 'confirmed':
      return { accepted: true, note: `Confirmed by ${personMark(identity, 'name')}.` };
    case 'not_yours':
      return { accepted: false, note: `That is ${personMark(answer.pending.requester, 'name')}'s deployment; only they can confirm it.` };
    default:
      return { accepted: false, note: 'That deployment is no longer waiting for confirmation (confirmed, cancelled or timed out).' };
  }
}

const CLICKS_REMEMBERED = 50_000;

export function createActionHandler(deps: ActionDeps): ActionHandler {
  const claims = deps.claims ?? memoryClaims(60 * 60_000, CLICKS_REMEMBERED);
  return async (action) => {
    const identity = identityOfEvent(action);
    const log = deps.logger.child({ platform: action.platform, action: action.action, entry: action.entryId, user: identity });
    let claim: EventClaim | null = null;
    // The claim is inside the boundary: an outage gets a note, not silence.
    try {
      claim = await claims.claim(`${action.platform}:action:${action.id}`);
      if (!claim) return { accepted: false, note: 'That click was already handled.' };
      const outcome = await decide(deps, action, identity);
      log.info({ accepted: outcome.accepted }, 'button');
      return { accepted: outcome.accepted, note: deps.masker.mask(outcome.note) };
    } catch (err) {
      if (isStoreOutage(err)) {
        log.warn({ err }, 'button failed: the state store is unavailable');
        return { accepted: false, note: deps.masker.mask(outageMessage(err)) };
      }
      if (isPackbotError(err)) return { accepted: false, note: deps.masker.mask(err.message) };
      const errorId = randomBytes(4).toString('hex');
      log.error({ err, errorId }, 'button failed');
      return { accepted: false, note: `Something went wrong (error ${errorId}); the details are in packbot's log.` };
    } finally {
      // Answered: a redelivered click is ignored from now on (before this, a crash leaves it to one).
      await claim?.done();
    }
  };
}
