import { randomBytes } from 'node:crypto';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AdapterLimits, ChatAdapter, IncomingMessage, MessageRef, OutgoingMessage } from '../../src/interfaces/chat/types.js';
import { isEventLine, parseConsoleEvent } from './event.js';
import { parseConsoleLine } from './line.js';

export interface ConsoleAdapterOptions {
  input: Readable;
  output: Writable;
  botName: string;
  /** Speaker and channel for lines that don't name them. */
  user: string;
  channel: string;
  /** One JSON object per outgoing message instead of text. */
  json?: boolean;
  /** Prompt and colours (default: both streams are TTYs). */
  interactive?: boolean;
  /**
   * Read the next line only once what the previous one set off has finished (default: when
   * not interactive), so a piped script reads like a conversation. Off to feed events as
   * fast as they come.
   */
  settle?: boolean;
}

const COLORS = { bot: '\x1b[36m', mention: '\x1b[33m', dim: '\x1b[2m', reset: '\x1b[0m' };

/** What one input line turns into: a message, nothing (a blank line), or a complaint. */
type LineOutcome = { msg: IncomingMessage } | { error: string } | null;

/**
 * The terminal as a chat platform: each input line is a message from a user in a channel,
 * each bot message a printed block (or a JSON line for scripts). Lines are handed on in
 * order, one at a time, as a chat server delivers them.
 *
 * A line starting with `{` is a JSON event (see event.ts) so scripts can set every field,
 * including an id of their own choosing.
 */
export class ConsoleAdapter implements ChatAdapter {
  readonly platform = 'console';
  readonly limits: AdapterLimits = { maxMessageLength: 4000, maxMessagesPerReply: 20 };
  /**
   * Several processes may share one dedupe store (keyed by message id), so ids made up
   * here must not repeat across processes: each adapter numbers its lines under a random
   * session. Events with their own id skip this on purpose, to be the same everywhere.
   */
  readonly session = randomBytes(4).toString('hex');
  private rl: Interface | null = null;
  private received = 0;
  private sent = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly printed = new Map<string, string>();
  private readonly interactive: boolean;
  readonly settles: boolean;
  private endOfInput!: () => void;
  /** Resolves when input has ended and every line has been handed to the bot. */
  readonly finished: Promise<void> = new Promise((resolve) => (this.endOfInput = resolve));

  constructor(private readonly opts: ConsoleAdapterOptions) {
    const isTTY = (s: unknown) => (s as { isTTY?: boolean }).isTTY === true;
    this.interactive = !opts.json && (opts.interactive ?? (isTTY(opts.input) && isTTY(opts.output)));
    this.settles = opts.settle ?? !this.interactive;
  }

  mentionTokens(): string[] {
    return [`@${this.opts.botName}`];
  }

  async start(onMessage: (msg: IncomingMessage) => Promise<void>): Promise<void> {
    const rl = createInterface({ input: this.opts.input, terminal: this.interactive, ...(this.interactive ? { output: this.opts.output } : {}) });
    this.rl = rl;
    if (this.interactive) {
      rl.setPrompt(`${this.opts.user}@#${this.opts.channel}> `);
      rl.prompt();
    }
    rl.on('line', (line) => {
      // Parsed right away so ids follow input order; handled in turn like any other line.
      const outcome = this.toMessage(line);
      this.chain = this.chain.then(async () => {
        if (outcome && 'error' in outcome) this.printError(outcome.error);
        // The app logs the failure (masked); the terminal only learns that it happened.
        else if (outcome) await onMessage(outcome.msg).catch(() => this.printError('packbot failed to handle that line; see its log'));
        if (this.interactive) rl.prompt();
      });
    });
    rl.on('close', () => {
      void this.chain.then(() => this.endOfInput());
    });
  }

  private toMessage(line: string): LineOutcome {
    if (isEventLine(line)) {
      const parsed = parseConsoleEvent(line);
      if (!parsed.ok) return { error: parsed.error };
      const { id, user, channel, thread, direct, text } = parsed.event;
      const msg = this.message(id === undefined ? this.nextId() : `console-event-${id}`, user, channel, text);
      if (thread !== undefined) msg.thread = thread;
      if (direct !== undefined) msg.direct = direct;
      return { msg };
    }
    const parsed = parseConsoleLine(line, this.opts.botName);
    if (parsed.text === '') return null;
    return { msg: this.message(this.nextId(), parsed.user, parsed.channel, parsed.text) };
  }

  private nextId(): string {
    this.received += 1;
    return `console-${this.session}-${this.received}`;
  }

  private message(id: string, user: string | undefined, channel: string | undefined, text: string): IncomingMessage {
    const u = user ?? this.opts.user;
    const c = channel ?? this.opts.channel;
    return { platform: 'console', id, user: { id: u, name: u }, channel: { id: c, name: c }, text };
  }

  async send(msg: OutgoingMessage): Promise<MessageRef> {
    this.sent += 1;
    const ref = { channel: msg.channel, id: `console-out-${this.sent}` };
    this.remember(ref.id, msg.text);
    this.print(msg);
    return ref;
  }

  /**
   * A terminal can't edit what it printed, so an update prints only the lines that are new
   * since the last version of that message: progress reads as one line per stage.
   */
  async update(ref: MessageRef, msg: OutgoingMessage): Promise<void> {
    const before = (this.printed.get(ref.id) ?? '').split('\n');
    const after = msg.text.split('\n');
    let same = 0;
    while (same < before.length && same < after.length && before[same] === after[same]) same++;
    this.remember(ref.id, msg.text);
    const fresh = after.slice(same).join('\n');
    // Mentions only with a new first line (the message is another now: a summary naming its requester).
    if (fresh.trim() !== '') this.print({ ...msg, text: fresh, mentions: same === 0 ? msg.mentions : [] });
  }

  private remember(id: string, text: string): void {
    this.printed.set(id, text);
    // Only recent messages are ever updated; keep the memory bounded.
    if (this.printed.size > 100) this.printed.delete(this.printed.keys().next().value as string);
  }

  async stop(): Promise<void> {
    this.rl?.close();
    this.rl = null;
  }

  private print(msg: OutgoingMessage): void {
    if (this.opts.json) {
      this.write(JSON.stringify({ channel: msg.channel, thread: msg.thread ?? null, text: msg.text, mentions: msg.mentions }));
      return;
    }
    const c = this.interactive ? COLORS : { bot: '', mention: '', dim: '', reset: '' };
    const mentions = msg.mentions.map((m) => `${c.mention}@${m}${c.reset} `).join('');
    const [first = '', ...rest] = msg.text.split('\n');
    const head = `${c.dim}[#${msg.channel}]${c.reset} ${c.bot}${this.opts.botName}${c.reset}: `;
    const lines = [`${head}${mentions}${first}`, ...rest.map((l) => `  ${l}`)];
    if (this.interactive) this.opts.output.write('\r\x1b[K');
    this.write(lines.join('\n'));
  }

  /** In --json mode stdout stays one JSON object per line, so scripts can still parse it. */
  private printError(text: string): void {
    if (this.opts.json) {
      this.write(JSON.stringify({ error: text }));
      return;
    }
    if (this.interactive) this.opts.output.write('\r\x1b[K');
    this.write(`error: ${text}`);
  }

  private write(text: string): void {
    this.opts.output.write(`${text}\n`);
  }
}
