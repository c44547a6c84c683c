/**
 * Slack payloads → packbot's platform-neutral messages and clicks. Pure, so the rules about
 * what counts as a command (no bots, no edits, DMs addressed by default) are testable alone.
 */
import type { ButtonAction, IncomingAction, IncomingMessage } from '../../src/interfaces/chat/types.js';
import { ACTION_IDS } from './blocks.js';

export const PLATFORM = 'slack';

/** The fields of a `message` / `app_mention` event packbot reads. */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
  channel_type?: string;
}

// A thread reply also sent to the channel is still a person typing a command.
const HUMAN_SUBTYPES = new Set(['thread_broadcast']);

/**
 * The message id is `<channel>:<ts>`: the same for Slack's retries of one event AND for the
 * `message` + `app_mention` pair it sends for one mention, so the dispatcher's dedupe (keyed
 * by id) runs each command once.
 */
export function toIncomingMessage(event: SlackMessageEvent): IncomingMessage | null {
  if (event.bot_id || !event.user || !event.channel || !event.ts || typeof event.text !== 'string') return null;
  if (event.subtype && !HUMAN_SUBTYPES.has(event.subtype)) return null;
  const msg: IncomingMessage = {
    platform: PLATFORM,
    id: `${event.channel}:${event.ts}`,
    // Identity is the user id: display names can be changed by anyone to anything.
    user: { id: event.user, name: event.user },
    channel: { id: event.channel, name: event.channel },
    text: unescapeSlack(event.text),
  };
  if (event.thread_ts) msg.thread = event.thread_ts;
  if (event.channel_type === 'im') msg.direct = true;
  return msg;
}

/**
 * Back to what the person typed: Slack wraps URLs it auto-linked in `<url|label>` (a repo URL
 * in `pack deploy` must arrive as the URL) and escapes `&`, `<` and `>`. Links go first,
 * while a typed `<` is still `&lt;` and cannot be mistaken for markup.
 */
export function unescapeSlack(text: string): string {
  return text
    .replace(/<((?:https?|ssh|git):\/\/[^|>\s]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/<mailto:[^|>]+\|([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** A button on an App Home: Unlock or Extend, numbered (action ids must be unique in a view). */
export const HOME_ACTION = new RegExp(`^(${ACTION_IDS.unlock}|${ACTION_IDS.extend})_\\d+$`);

/** The fields of a `block_actions` payload packbot reads. */
export interface BlockActionsBody {
  type: string;
  trigger_id?: string;
  user?: { id?: string; name?: string; username?: string };
  channel?: { id?: string; name?: string };
  container?: { channel_id?: string; message_ts?: string; thread_ts?: string };
  message?: { ts?: string; thread_ts?: string; text?: string; blocks?: unknown[] };
  actions?: Array<{ action_id?: string; value?: string; action_ts?: string }>;
}

const ACTION_BY_ID = new Map<string, ButtonAction>(Object.entries(ACTION_IDS).map(([action, id]) => [id, action as ButtonAction]));

/**
 * A click on a button of someone's App Home, or null for anything else. A home has no channel:
 * `channel` is their direct-message channel with packbot ('' when unknown), where permissions
 * look for one; the pack is the button's value.
 */
export function toHomeAction(body: BlockActionsBody, channel: string): IncomingAction | null {
  const action = body.actions?.[0];
  const kind = HOME_ACTION.exec(action?.action_id ?? '')?.[1];
  const user = body.user?.id;
  if (!action || !kind || !action.value || !user) return null;
  return {
    platform: PLATFORM,
    id: body.trigger_id ?? `home:${user}:${action.action_ts ?? ''}`,
    user: { id: user, name: body.user?.username ?? body.user?.name ?? user },
    channel: { id: channel, name: channel },
    action: kind === ACTION_IDS.unlock ? 'unlock' : 'extend',
    entryId: action.value,
  };
}

/** One click on one of packbot's buttons, or null for anything else. */
export function toIncomingAction(body: BlockActionsBody): IncomingAction | null {
  const action = body.actions?.[0];
  const kind = action?.action_id ? ACTION_BY_ID.get(action.action_id) : undefined;
  const user = body.user?.id;
  const channel = body.channel?.id ?? body.container?.channel_id;
  if (!action || !kind || !action.value || !user || !channel) return null;
  // trigger_id is unique per click and survives a redelivery of the same payload.
  const clickId = body.trigger_id ?? `${channel}:${action.action_ts ?? ''}`;
  const thread = body.container?.thread_ts ?? body.message?.thread_ts;
  return {
    platform: PLATFORM,
    id: clickId,
    user: { id: user, name: body.user?.username ?? body.user?.name ?? user },
    channel: { id: channel, name: body.channel?.name ?? channel },
    ...(thread ? { thread } : {}),
    action: kind,
    entryId: action.value,
  };
}
