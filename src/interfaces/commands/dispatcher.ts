import { randomBytes } from 'node:crypto';
import type { ChatAdapter, IncomingMessage } from '../chat/types.js';
import type { Responder } from '../chat/responder.js';
import { reply, type Reply } from '../chat/reply.js';
import { addressedText } from '../chat/address.js';
import { memoryClaims, type EventClaim, type EventClaims } from '../chat/claim.js';
import { isStoreOutage, outageMessage } from '../chat/outage.js';
import { normalizeText, type AliasMatch, type AliasTable } from '../../domain/aliases/index.js';
import type { CommandHandler, CommandContext, Services } from './types.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type { Masker } from '../../core/masking/masker.js';
import { refusePastedCredential } from '../chat/pasted.js';
import { withDeleteOffer, type Offers } from '../chat/delete-offer.js';
import { isPackbotError } from '../../core/errors.js';
import { actorOf, identityOfEvent, targetOf } from '../chat/actor.js';

export interface DispatcherDeps {
  config: PackbotConfig;
  aliases: AliasTable;
  commands: ReadonlyMap<string, CommandHandler>;
  responder: Responder;
  logger: Logger;
  services: Services;
  now?: () => number;
  /** Messages not addressed to the bot (e.g. a typed confirmation phrase): what to answer. */
  onUnaddressed?: (msg: IncomingMessage, text: string) => Promise<Reply[]>;
  /**
   * Claims each event before it is handled (chat/claim.ts). Shared (in the store) when several
   * processes receive the same events, so each is handled once and none is lost to a process
   * that dies handling it; in memory by default.
   */
  claims?: EventClaims;
  /** The app's masker: its registered secrets count as pasted credentials too (shapes always do). */
  masker?: Masker;
  /** Records who may delete a refused message, on adapters that can delete it (no offer without). */
  offers?: Offers;
  /** Told each command's outcome by alias name (metrics). */
  onCommand?: (alias: string, outcome: 'ok' | 'error' | 'denied') => void;
}

// Slack retries an unacknowledged event for about 6 minutes; a redelivery must still be recognised.
export const DEDUPE_TTL_MS = 60 * 60_000;
/**
 * Alias formats are regular expressions; a custom one with several params can backtrack
 * badly on a huge message. No real command comes near this length.
 */
export const MAX_COMMAND_LENGTH = 1000;
const DEDUPE_MAX = 50_000;

function describeMatch(m: AliasMatch) {
  return { display: m.alias.formats[0]?.display ?? m.alias.name, description: m.alias.description };
}

/**
 * The chat boundary: one message in, replies out. It owns deduplication, addressing,
 * alias matching and the single error handler that turns failures into replies.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const claims = deps.claims ?? memoryClaims(DEDUPE_TTL_MS, DEDUPE_MAX, deps.now);
  const inFlight = new Set<Promise<unknown>>();
  const prefix = deps.config.bot.prefix;

  const track = (work: Promise<unknown>) => {
    const settled = work.then(() => undefined, (err: unknown) => deps.logger.error({ err }, 'background work failed'));
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
  };

  /**
   * The id of the request this event starts, or null: a redelivery whose first claimer died
   * after queueing it (it is in the queue, or ran), so it must not be queued again.
   */
  async function requestIdFor(claim: EventClaim): Promise<string | null> {
    if (!claim.retried) return claim.requestId;
    const { coordinator, history } = deps.services;
    if ((await coordinator.queue.get(claim.requestId)) !== null || (await history.get(claim.requestId)) !== null) return null;
    // Not queued: but the dead claimer may have written part of it under that id.
    return claim.reissue();
  }

  async function route(msg: IncomingMessage, adapter: ChatAdapter, log: Logger, requestId: string): Promise<Reply[]> {
    const text = addressedText(normalizeText(msg.text), { prefix, mentionTokens: adapter.mentionTokens(), direct: msg.direct ?? false });
    if (text === null) {
      try {
        return (await deps.onUnaddressed?.(msg, normalizeText(msg.text))) ?? [];
      } catch (err) {
        // Every message in a channel comes here: an outage must not answer each of them.
        if (!isStoreOutage(err)) throw err;
        log.warn({ err }, 'could not check a message for a confirmation phrase');
        return [];
      }
    }
    const pasted = refusePastedCredential(text, deps.masker, log);
    if (pasted) return deps.offers && adapter.deleteMessage ? [await withDeleteOffer(pasted, msg, deps.offers, log)] : [pasted];
    if (text.length > MAX_COMMAND_LENGTH) {
      return [reply('error', { message: `That command is ${text.length} characters long; packbot reads commands of up to ${MAX_COMMAND_LENGTH}. Split it into smaller ones.` })];
    }
    const result = deps.aliases.match(text === '' ? 'help' : text);
    if (result.kind === 'none') {
      const closest = result.closest ? { display: result.closest.display, description: result.closest.alias.description } : undefined;
      return [reply('unknown_command', { text, closest })];
    }
    if (result.kind === 'ambiguous') {
      return [reply('ambiguous_command', { text, candidates: result.candidates.map(describeMatch) })];
    }
    const { alias, params } = result.match;
    const handler = deps.commands.get(alias.command);
    if (!handler) {
      return [reply('error', { message: `The alias "${alias.name}" points at an unknown command "${alias.command}"; fix ${alias.file}.` })];
    }
    // Permissions: checked here, once, before any handler runs (repositories: in the handler, once known).
    const denied = await deps.services.permissions.command(actorOf(msg), alias);
    if (denied !== null) {
      deps.onCommand?.(alias.name, 'denied');
      return [reply('error', { message: denied })];
    }
    log.info({ alias: alias.name, command: alias.command }, 'command');
    const target = targetOf(msg);
    // The request this event starts takes the event's id, the same on a redelivery (requestIdFor).
    const coordinator = deps.services.coordinator;
    const services: Services = {
      ...deps.services,
      coordinator: { ...coordinator, request: (a) => coordinator.request({ ...a, plan: { ...a.plan, id: requestId } }) },
    };
    const ctx: CommandContext = {
      message: msg, alias, params, config: deps.config, aliases: deps.aliases, logger: log, track,
      services,
      identity: identityOfEvent(msg),
      chat: {
        send: async (r) => (await deps.responder.send(adapter, target, r))[0] ?? null,
        update: (ref, r) => deps.responder.update(adapter, ref, target, r),
      },
    };
    try {
      const replies = await handler(ctx);
      deps.onCommand?.(alias.name, 'ok');
      return replies;
    } catch (err) {
      deps.onCommand?.(alias.name, isPackbotError(err) && err.code === 'not_permitted' ? 'denied' : 'error');
      throw err;
    }
  }

  function failed(err: unknown, msg: IncomingMessage, log: Logger): Reply[] {
    if (isStoreOutage(err)) {
      log.warn({ err }, 'command failed: the state store is unavailable');
      return [reply('error', { message: outageMessage(err) })];
    }
    if (isPackbotError(err)) return [reply('error', { message: err.message, details: err.details })];
    const errorId = randomBytes(4).toString('hex');
    log.error({ err, errorId }, 'command failed');
    return [reply('internal_error', { text: msg.text, errorId })];
  }

  async function handle(msg: IncomingMessage, adapter: ChatAdapter): Promise<void> {
    const log = deps.logger.child({ platform: msg.platform, message_id: msg.id, user: identityOfEvent(msg) });
    const target = targetOf(msg);
    let claim: EventClaim | null = null;
    try {
      let replies: Reply[];
      // The claim is inside the boundary: whatever fails, the person hears about it.
      try {
        claim = await claims.claim(`${msg.platform}:${msg.id}`);
        if (!claim) return;
        const requestId = await requestIdFor(claim);
        if (requestId === null) {
          log.info({ request: claim.requestId }, 'a redelivered event: its request was queued before its first handler stopped');
          return;
        }
        replies = await route(msg, adapter, log, requestId);
      } catch (err) {
        replies = failed(err, msg, log);
      }
      for (const r of replies) await deps.responder.send(adapter, target, r);
    } finally {
      // Only now durable (queued, answered): until here a crash leaves the event to a redelivery.
      await claim?.done();
    }
  }

  return {
    handle,
    track,
    /** Resolves once every message and background job started so far has finished. */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    handleTracked(msg: IncomingMessage, adapter: ChatAdapter): Promise<void> {
      const work = handle(msg, adapter);
      track(work);
      return work;
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
