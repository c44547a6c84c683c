/**
 * OutgoingMessage → Block Kit, pure. Slack rejects a whole message when one block breaks a
 * limit (`invalid_blocks`), so every limit is enforced here rather than hoped for: a lost
 * deploy summary is worse than a truncated field.
 */
import type { Button, ButtonAction, Card, OutgoingMessage, Tone } from '../../src/interfaces/chat/types.js';

/** Slack's documented limits for the blocks used here. */
export const SLACK_LIMITS = {
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  blocksPerMessage: 50,
  contextText: 3000,
  buttonText: 75,
  buttonValue: 2000,
} as const;

/** Message buttons use these as they are; a home's buttons (one per lock) add `_<n>`, as action ids must be unique in a view. */
export const ACTION_IDS: Record<ButtonAction, string> = {
  confirm: 'packbot_confirm', cancel: 'packbot_cancel', delete: 'packbot_delete', unlock: 'packbot_unlock', extend: 'packbot_extend',
};
export const ACTIONS_BLOCK_ID = 'packbot_actions';

const TONE_EMOJI: Record<Tone, string> = {
  info: ':information_source:',
  working: ':hourglass_flowing_sand:',
  success: ':white_check_mark:',
  warning: ':warning:',
  failure: ':x:',
};

// Loose on purpose: this is what we send, and what Slack echoes back in block_actions payloads.
export type Block = { type: string; block_id?: string } & Record<string, unknown>;

export interface SlackMessage {
  /** The notification / accessibility fallback; Slack warns when it is missing. */
  text: string;
  blocks: Block[];
  thread_ts?: string;
}

/**
 * Slack treats `<`, `>` and `&` as markup, so text from templates (branch names, error
 * messages, anything a user typed) is escaped — except user and channel references, which
 * templates produce on purpose. `<!channel>` and links are never let through: a pack name
 * must not be able to ping a whole channel.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .split(/(<[@#][UWC][A-Z0-9]+(?:\|[^<>]*)?>)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
}

/** `@U024BE7LH` in a one-line note (displayName's rendering) becomes a real Slack mention. */
export function linkUserIds(text: string): string {
  return text.replace(/(^|[^<\w])@([UW][A-Z0-9]{2,})\b/g, '$1<@$2>');
}

/** Cut to `max` characters, marking the cut so a reader knows something is missing. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Chunks of at most `max` characters, preferring to break at a newline. */
export function chunkText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const nl = rest.lastIndexOf('\n', max);
    const cut = nl > max / 2 ? nl : max;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest !== '' || chunks.length === 0) chunks.push(rest);
  return chunks;
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

function textBlocks(text: string, budget: number): Block[] {
  // An empty section text is invalid; a message that is only a card has no text section.
  if (text.trim() === '') return [];
  const chunks = chunkText(text, SLACK_LIMITS.sectionText);
  const kept = chunks.slice(0, Math.max(1, budget));
  return kept.map((chunk) => ({ type: 'section', text: mrkdwn(chunk) }));
}

export function cardBlocks(card: Card): Block[] {
  const blocks: Block[] = [{ type: 'section', text: mrkdwn(clip(`${TONE_EMOJI[card.tone]} *${escapeMrkdwn(card.title)}*`, SLACK_LIMITS.sectionText)) }];
  const fields = card.fields
    .filter((f) => f.value.trim() !== '')
    .map((f) => mrkdwn(clip(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, SLACK_LIMITS.fieldText)));
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.fieldsPerSection) {
    blocks.push({ type: 'section', fields: fields.slice(i, i + SLACK_LIMITS.fieldsPerSection) });
  }
  return blocks;
}

export function buttonsBlock(buttons: readonly Button[]): Block {
  return {
    type: 'actions',
    block_id: ACTIONS_BLOCK_ID,
    elements: buttons.map((b) => ({
      type: 'button',
      action_id: ACTION_IDS[b.action],
      text: { type: 'plain_text', text: clip(b.label, SLACK_LIMITS.buttonText), emoji: true },
      style: b.style,
      value: clip(b.entryId, SLACK_LIMITS.buttonValue),
    })),
  };
}

/** The message text as posted: mentions first, then the escaped text. */
export function messageText(msg: Pick<OutgoingMessage, 'text' | 'mentions'>): string {
  const mentions = msg.mentions.map((id) => `<@${id}> `).join('');
  return `${mentions}${escapeMrkdwn(msg.text)}`;
}

/**
 * The whole message: card (status line, fields), the text, then buttons. The card comes
 * first because it is what a channel scrolls past; the text still carries everything, so
 * the fallback `text` loses nothing.
 */
export function renderMessage(msg: OutgoingMessage): SlackMessage {
  const text = messageText(msg);
  const card = msg.card ? cardBlocks(msg.card) : [];
  const actions = msg.buttons?.length ? [buttonsBlock(msg.buttons)] : [];
  const room = SLACK_LIMITS.blocksPerMessage - card.length - actions.length;
  const blocks = [...card, ...textBlocks(text, room), ...actions].slice(0, SLACK_LIMITS.blocksPerMessage);
  return { text: clip(text === '' ? (msg.card?.title ?? ' ') : text, 40_000), blocks, ...(msg.thread ? { thread_ts: threadTs(msg.thread) } : {}) };
}

/** Already-rendered (escaped) text alone: merged messages from the outbox. */
export function renderText(text: string, thread?: string): SlackMessage {
  return { text: clip(text, 40_000), blocks: textBlocks(text, SLACK_LIMITS.blocksPerMessage), ...(thread ? { thread_ts: threadTs(thread) } : {}) };
}

/**
 * The thread a message starts: a part of a merged message (the outbox's `<ts>/<n>` ref) has
 * its thread under the message it is part of.
 */
export function threadTs(thread: string): string {
  return thread.split('/')[0] ?? thread;
}

/**
 * A prompt after a click was accepted: the same blocks without their buttons, and a
 * context line saying what happened, so the channel sees the outcome where it asked.
 */
export function resolvedPrompt(blocks: readonly Block[], note: string): Block[] {
  const kept = blocks.filter((b) => b.type !== 'actions');
  return [...kept, { type: 'context', elements: [mrkdwn(clip(linkUserIds(escapeMrkdwn(note)), SLACK_LIMITS.contextText))] }].slice(-SLACK_LIMITS.blocksPerMessage);
}
