import type { Card, ChatAdapter, MessageRef, OutgoingMessage } from './types.js';
import type { Target } from '../../core/target.js';
import type { Reply } from './reply.js';
import type { Templates } from '../templates/environment.js';
import type { Masker } from '../../core/masking/masker.js';
import { splitMessage } from './split.js';

export interface Responder {
  send(adapter: ChatAdapter, target: Target, reply: Reply): Promise<MessageRef[]>;
  /** Replace a message in place (progress); cut to one message's length. */
  update(adapter: ChatAdapter, ref: MessageRef, target: Target, reply: Reply): Promise<void>;
  /** Rendered, masked text without sending: for the CLI and tests. */
  render(platform: string, reply: Reply): string;
}

/**
 * The one road from a command's result to a chat platform: render, mask, split, send.
 * Masking happens after rendering so nothing a template pulls in can slip past it.
 */
export function createResponder(deps: { templates: Templates; masker: Masker; globals: Record<string, unknown> }): Responder {
  const render = (platform: string, r: Reply) =>
    deps.masker.mask(deps.templates.render(r.template, platform, { ...deps.globals, ...r.data }));
  const maskCard = (card: Card): Card => ({
    tone: card.tone,
    title: deps.masker.mask(card.title),
    fields: card.fields.map((f) => ({ label: deps.masker.mask(f.label), value: deps.masker.mask(f.value) })),
  });
  /** The card rides on the first part of a reply, the buttons on its last. */
  const extras = (r: Reply, first: boolean, last: boolean): Pick<OutgoingMessage, 'card' | 'buttons'> => ({
    ...(first && r.card ? { card: maskCard(r.card) } : {}),
    ...(last && r.buttons?.length ? { buttons: r.buttons } : {}),
  });

  return {
    render,
    async update(adapter, ref, target, r) {
      const [first = ''] = splitMessage(render(adapter.platform, r), { maxLength: adapter.limits.maxMessageLength, maxMessages: 1 });
      await adapter.update(ref, { channel: target.channel, ...(target.thread ? { thread: target.thread } : {}), text: first, mentions: [], ...extras(r, true, true) });
    },
    async send(adapter, target, r) {
      const text = render(adapter.platform, r);
      const parts = splitMessage(text, {
        maxLength: adapter.limits.maxMessageLength,
        maxMessages: adapter.limits.maxMessagesPerReply,
        ...(r.moreHint ? { moreHint: deps.masker.mask(r.moreHint) } : {}),
      });
      const refs: MessageRef[] = [];
      for (const [i, part] of parts.entries()) {
        const mentions = i === 0 && r.mention && target.user ? [target.user] : [];
        refs.push(await adapter.send({
          channel: target.channel, ...(target.thread ? { thread: target.thread } : {}), text: part, mentions, ...extras(r, i === 0, i === parts.length - 1),
        }));
      }
      return refs;
    },
  };
}
