/**
 * Sending from outside a command (a queued turn, a timer, a push): through the adapter of
 * the platform the message concerns, by the responder (render, mask, split).
 */
import type { Reply } from '../chat/reply.js';
import type { Responder } from '../chat/responder.js';
import type { ChatAdapter, MessageRef } from '../chat/types.js';
import type { Target } from '../../core/target.js';

export interface Notifier {
  send(target: Target, reply: Reply): Promise<MessageRef | null>;
  update(ref: MessageRef, target: Target, reply: Reply): Promise<void>;
}

export function createNotifier(adapters: readonly ChatAdapter[], responder: Responder): Notifier {
  const adapterFor = (t: Target) => adapters.find((a) => a.platform === t.platform) ?? adapters[0];
  return {
    async send(target, r) {
      const adapter = adapterFor(target);
      // No channel (a deploy from the CLI): nowhere to say it.
      if (!adapter || target.channel === '') return null;
      return (await responder.send(adapter, target, r))[0] ?? null;
    },
    async update(ref, target, r) {
      const adapter = adapterFor(target);
      if (adapter) await responder.update(adapter, ref, target, r);
    },
  };
}
