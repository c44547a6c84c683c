/**
 * Per-channel send queue. Slack rate-limits chat.postMessage per channel (about one a
 * second) and answers 429 with Retry-After; the Web API client is told to hand those back
 * (rejectRateLimitedCalls) so the waiting happens here, where it can be used well:
 *
 * - a 429 means the message was not posted, so the same item is tried again after the
 *   wait — nothing lost, nothing sent twice;
 * - plain messages that pile up while a channel is rate-limited go out as one message (a
 *   burst of replies would otherwise trickle out one per second for minutes);
 * - updates of one message that pile up collapse into the newest (progress only needs its
 *   last state).
 *
 * Each part of a merged message gets its own ref (`<ts>/<n>`), so a later update of one part
 * rewrites only its share of the merged message.
 */
import type { MessageRef, OutgoingMessage } from '../../src/interfaces/chat/types.js';
import { messageText, renderMessage, renderText, type SlackMessage } from './blocks.js';

export interface OutboxOps {
  /**
   * chat.postMessage; resolves to where the message landed. Slack accepts a channel name
   * here but only the id in chat.update, so the ref carries the id it answers with.
   */
  post(channel: string, msg: SlackMessage): Promise<{ channel: string; ts: string }>;
  /** chat.update. */
  update(channel: string, ts: string, msg: SlackMessage): Promise<void>;
}

export interface OutboxOptions {
  /** Waits out a Retry-After (injectable so tests can hold a channel in its rate-limited state). */
  sleep?: (ms: number) => Promise<void>;
  /** Longest merged message, in characters (several sections). */
  maxBatchLength?: number;
  onRateLimited?: (channel: string, retryAfterSec: number) => void;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}

type Item =
  | { kind: 'post'; msg: OutgoingMessage; waiter: Waiter<MessageRef> }
  | { kind: 'update'; ref: MessageRef; msg: OutgoingMessage; waiters: Array<Waiter<void>>; sending: boolean }
  | { kind: 'call'; run: () => Promise<void>; waiter: Waiter<void> };

interface ChannelQueue {
  items: Item[];
  /** Set by a 429, cleared once the queue runs dry: only then are plain messages merged. */
  limited: boolean;
  running: Promise<void> | null;
}

interface Batch {
  channel: string;
  thread?: string;
  parts: string[];
}

const BATCHES_KEPT = 200;

/** Seconds to wait when `err` is Slack's rate-limit error, else undefined. */
export function retryAfterOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; retryAfter?: unknown } | null;
  if (e?.code !== 'slack_webapi_rate_limited_error') return undefined;
  return typeof e.retryAfter === 'number' && e.retryAfter >= 0 ? e.retryAfter : 1;
}

const isPlain = (item: Item): item is Extract<Item, { kind: 'post' }> =>
  item.kind === 'post' && !item.msg.card && !item.msg.buttons?.length;

export class Outbox {
  private readonly queues = new Map<string, ChannelQueue>();
  private readonly batches = new Map<string, Batch>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxBatchLength: number;

  constructor(private readonly ops: OutboxOps, private readonly opts: OutboxOptions = {}) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxBatchLength = opts.maxBatchLength ?? 12_000;
  }

  post(msg: OutgoingMessage): Promise<MessageRef> {
    return new Promise((resolve, reject) => this.push(msg.channel, { kind: 'post', msg, waiter: { resolve, reject } }));
  }

  update(ref: MessageRef, msg: OutgoingMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const queue = this.queue(ref.channel);
      const pending = queue.items.find((i): i is Extract<Item, { kind: 'update' }> => i.kind === 'update' && !i.sending && i.ref.id === ref.id);
      if (pending) {
        pending.msg = msg;
        pending.waiters.push({ resolve, reject });
        return;
      }
      this.push(ref.channel, { kind: 'update', ref, msg, waiters: [{ resolve, reject }], sending: false });
    });
  }

  /** Any other call in the channel's order and under its rate limit (ephemerals, prompt edits). */
  call(channel: string, run: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => this.push(channel, { kind: 'call', run, waiter: { resolve, reject } }));
  }

  /** Resolves once every queued item has been sent or has failed. */
  async drain(): Promise<void> {
    while ([...this.queues.values()].some((q) => q.running)) {
      await Promise.all([...this.queues.values()].map((q) => q.running));
    }
  }

  private queue(channel: string): ChannelQueue {
    let queue = this.queues.get(channel);
    if (!queue) {
      queue = { items: [], limited: false, running: null };
      this.queues.set(channel, queue);
    }
    return queue;
  }

  private push(channel: string, item: Item): void {
    const queue = this.queue(channel);
    queue.items.push(item);
    queue.running ??= this.run(channel, queue);
  }

  private async run(channel: string, queue: ChannelQueue): Promise<void> {
    for (;;) {
      // Checked and cleared in one synchronous step, so an item pushed meanwhile starts a new run.
      if (queue.items.length === 0) {
        queue.running = null;
        queue.limited = false;
        this.queues.delete(channel);
        return;
      }
      const batch = this.nextBatch(queue);
      try {
        await this.execute(channel, batch);
        queue.items.splice(0, batch.length);
      } catch (err) {
        const retryAfter = retryAfterOf(err);
        if (retryAfter !== undefined) {
          // Not posted: keep the items (and let more join them) and try again after the wait.
          for (const item of batch) if (item.kind === 'update') item.sending = false;
          queue.limited = true;
          this.opts.onRateLimited?.(channel, retryAfter);
          await this.sleep(retryAfter * 1000);
          continue;
        }
        queue.items.splice(0, batch.length);
        for (const item of batch) fail(item, err);
      }
    }
  }

  private nextBatch(queue: ChannelQueue): Item[] {
    const [head] = queue.items;
    if (!head) return [];
    if (head.kind === 'update') head.sending = true;
    if (!queue.limited || !isPlain(head)) return [head];
    const batch: Item[] = [head];
    let length = head.msg.text.length;
    for (const item of queue.items.slice(1)) {
      if (!isPlain(item) || item.msg.thread !== head.msg.thread) break;
      length += item.msg.text.length + 2;
      if (length > this.maxBatchLength) break;
      batch.push(item);
    }
    return batch;
  }

  private async execute(channel: string, batch: Item[]): Promise<void> {
    const [head] = batch;
    if (!head) return;
    if (head.kind === 'call') {
      await head.run();
      head.waiter.resolve();
    } else if (head.kind === 'update') {
      await this.sendUpdate(head.ref, head.msg);
      for (const w of head.waiters) w.resolve();
    } else if (batch.length === 1) {
      const posted = await this.ops.post(channel, renderMessage(head.msg));
      head.waiter.resolve({ channel: posted.channel, id: posted.ts });
    } else {
      const posts = batch as Array<Extract<Item, { kind: 'post' }>>;
      const thread = head.msg.thread;
      const parts = posts.map((p) => messageText(p.msg));
      const posted = await this.ops.post(channel, renderText(parts.join('\n\n'), thread));
      this.remember(posted.ts, { channel: posted.channel, ...(thread ? { thread } : {}), parts });
      posts.forEach((p, n) => p.waiter.resolve({ channel: posted.channel, id: `${posted.ts}/${n}` }));
    }
  }

  private async sendUpdate(ref: MessageRef, msg: OutgoingMessage): Promise<void> {
    const [ts = ref.id, part] = ref.id.split('/');
    const batch = part === undefined ? undefined : this.batches.get(ts);
    if (!batch) {
      await this.ops.update(ref.channel, ts, renderMessage(msg));
      return;
    }
    // One share of a merged message: its card cannot be shown there, but its text carries everything.
    const parts = batch.parts.map((p, n) => (String(n) === part ? messageText(msg) : p));
    await this.ops.update(ref.channel, ts, renderText(parts.join('\n\n'), batch.thread));
    batch.parts = parts;
  }

  private remember(ts: string, batch: Batch): void {
    this.batches.set(ts, batch);
    // Only recent messages are updated (progress); keep the memory bounded.
    if (this.batches.size > BATCHES_KEPT) this.batches.delete(this.batches.keys().next().value as string);
  }
}

function fail(item: Item, err: unknown): void {
  if (item.kind === 'update') for (const w of item.waiters) w.reject(err);
  else item.waiter.reject(err);
}
