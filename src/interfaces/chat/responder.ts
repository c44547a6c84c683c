import type { Button, Card, ChatAdapter, MessageRef, OutgoingMessage } from './types.js';
import type { Target } from '../../core/target.js';
import type { Reply } from './reply.js';
import type { Templates } from '../templates/environment.js';
import type { Masker } from '../../core/masking/masker.js';
import { stripPeople } from '../../core/identity.js';
import { peopleFor, type People } from './people.js';
import { splitMessage } from './split.js';

export interface Responder {
  send(adapter: ChatAdapter, target: Target, reply: Reply): Promise<MessageRef[]>;
  /** Replace a message in place (progress); cut to one message's length. */
  update(adapter: ChatAdapter, ref: MessageRef, target: Target, reply: Reply): Promise<void>;
  /** Rendered, masked text without sending: for the CLI and tests (people as displayIdentity shows them). */
  render(platform: string, reply: Reply): string;
}

/** A reply with its people resolved for one adapter and masked: ready to split and send. */
interface Resolved {
  text: string;
  card?: Card;
  buttons?: Button[];
  moreHint?: string;
  pinged: string[];
}

/**
 * The one road from a command's result to a chat platform: render, resolve people, mask,
 * split, send. Masking happens after rendering and resolving so nothing a template or a
 * display name pulls in can slip past it.
 */
export function createResponder(deps: {
  templates: Templates;
  masker: Masker;
  globals: Record<string, unknown>;
  /** The server's own directories shown by their labels (server-paths.ts): chat is no place for them. */
  scrub?: (text: string) => string;
}): Responder {
  const template = (platform: string, r: Reply) => deps.templates.render(r.template, platform, { ...deps.globals, ...r.data });
  const scrub = deps.scrub ?? ((t: string) => t);
  const render = (platform: string, r: Reply) => scrub(deps.masker.mask(stripPeople(template(platform, r))));

  const resolve = async (adapter: ChatAdapter, target: Target, r: Reply): Promise<Resolved> => {
    const people: People = peopleFor(adapter, target.channel);
    const text = async (t: string) => scrub(deps.masker.mask(await people.resolve(t)));
    const card = r.card ? {
      tone: r.card.tone,
      title: await text(r.card.title),
      fields: await Promise.all(r.card.fields.map(async (f) => ({ label: await text(f.label), value: await text(f.value) }))),
    } : undefined;
    const buttons = r.buttons ? await Promise.all(r.buttons.map(async (b) => ({ ...b, label: await text(b.label) }))) : undefined;
    return {
      text: await text(template(adapter.platform, r)),
      ...(card ? { card } : {}),
      ...(buttons?.length ? { buttons } : {}),
      ...(r.moreHint ? { moreHint: await text(r.moreHint) } : {}),
      pinged: people.pinged(),
    };
  };
  /** The card rides on the first part of a reply, the buttons on its last. */
  const extras = (r: Resolved, first: boolean, last: boolean): Pick<OutgoingMessage, 'card' | 'buttons' | 'pinged'> => ({
    ...(first && r.card ? { card: r.card } : {}),
    ...(last && r.buttons ? { buttons: r.buttons } : {}),
    ...(r.pinged.length ? { pinged: r.pinged } : {}),
  });

  return {
    render,
    async update(adapter, ref, target, reply) {
      const r = await resolve(adapter, target, reply);
      const [first = ''] = splitMessage(r.text, { maxLength: adapter.limits.maxMessageLength, maxMessages: 1 });
      // An edit pings nobody on Slack or Discord; the mention still shows whose message it is.
      const mentions = reply.mention && target.user ? [target.user] : [];
      await adapter.update(ref, { channel: target.channel, ...(target.thread ? { thread: target.thread } : {}), text: first, mentions, ...extras(r, true, true) });
    },
    async send(adapter, target, reply) {
      const r = await resolve(adapter, target, reply);
      const parts = splitMessage(r.text, {
        maxLength: adapter.limits.maxMessageLength,
        maxMessages: Math.min(reply.maxMessages ?? Infinity, adapter.limits.maxMessagesPerReply),
        ...(r.moreHint ? { moreHint: r.moreHint } : {}),
      });
      const refs: MessageRef[] = [];
      for (const [i, part] of parts.entries()) {
        const mentions = i === 0 && reply.mention && target.user ? [target.user] : [];
        refs.push(await adapter.send({
          channel: target.channel, ...(target.thread ? { thread: target.thread } : {}), text: part, mentions, ...extras(r, i === 0, i === parts.length - 1),
        }));
      }
      return refs;
    },
  };
}
