import { randomBytes } from 'node:crypto';
import { clearScreenDown, createInterface, cursorTo, moveCursor, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AdapterLimits, ChatAdapter, IncomingMessage, MessageRef, OutgoingMessage } from '../../src/interfaces/chat/types.js';
import { isEventLine, parseConsoleEvent } from './event.js';
import { parseConsoleLine } from './line.js';
import { renderMarkup } from './markup.js';

export interface ConsoleAdapterOptions {
  input: Readable;
  output: Writable;
  botName: string;
  /** Speaker and channel for lines that don't name them. */
  user: string;
  channel: string;
  /** One JSON object per outgoing message instead of text. */
  json?: boolean;
  /** Prompt and line editing (default: both streams are TTYs). */
  interactive?: boolean;
  /** ANSI colours and styles (default: output is a TTY and NO_COLOR is unset); never in --json. */
  color?: boolean;
  /**
   * Read the next line only once what the previous one set off has finished (default: when
   * not interactive), so a piped script reads like a conversation. Off to feed events as
   * fast as they come.
   */
  settle?: boolean;
}

/**
 * How many messages' last text is kept to print an update's new lines. Touched on every
 * update, so a message still being edited is the last to go: a quiet one (a long stage) is
 * forgotten only after this many others, and then printed again whole. At most 4,000
 * characters each (maxMessageLength), a few MB at worst.
 */
const REMEMBERED = 500;

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
  private readonly color: boolean;
  /** The prompt is on screen (interactive, input still open): output must go above it. */
  private prompting = false;
  readonly settles: boolean;
  private endOfInput!: () => void;
  /** Resolves when input has ended and every line has been handed to the bot. */
  readonly finished: Promise<void> = new Promise((resolve) => (this.endOfInput = resolve));

  constructor(private readonly opts: ConsoleAdapterOptions) {
    const isTTY = (s: unknown) => (s as { isTTY?: boolean }).isTTY === true;
    this.interactive = !opts.json && (opts.interactive ?? (isTTY(opts.input) && isTTY(opts.output)));
    this.settles = opts.settle ?? !this.interactive;
    // https://no-color.org: present and not empty turns colour off.
    const noColor = (process.env['NO_COLOR'] ?? '') !== '';
    this.color = !opts.json && (opts.color ?? (isTTY(opts.output) && !noColor));
  }

  mentionTokens(): string[] {
    return [`@${this.opts.botName}`];
  }

  async start(onMessage: (msg: IncomingMessage) => Promise<void>): Promise<void> {
    const rl = createInterface({ input: this.opts.input, terminal: this.interactive, ...(this.interactive ? { output: this.opts.output } : {}) });
    this.rl = rl;
    if (this.interactive) {
      rl.setPrompt(`${this.opts.user}@#${this.opts.channel}> `);
      this.prompting = true;
      rl.prompt();
    }
    rl.on('line', (line) => {
      // Parsed right away so ids follow input order; handled in turn like any other line.
      const outcome = this.toMessage(line);
      this.chain = this.chain.then(async () => {
        if (outcome && 'error' in outcome) this.printError(outcome.error);
        // The app logs the failure (masked); the terminal only learns that it happened.
        else if (outcome) await onMessage(outcome.msg).catch(() => this.printError('packbot failed to handle that line; see its log'));
        // true: keeps what was typed meanwhile, and the cursor where it was.
        if (this.prompting) rl.prompt(true);
      });
    });
    rl.on('close', () => {
      this.prompting = false;
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
    // Deleted first: a Map keeps a key where it was first set, and the oldest goes first.
    this.printed.delete(id);
    this.printed.set(id, text);
    // Only recent messages are ever updated; keep the memory bounded.
    if (this.printed.size > REMEMBERED) this.printed.delete(this.printed.keys().next().value as string);
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
    const c = this.color ? COLORS : { bot: '', mention: '', dim: '', reset: '' };
    const mentions = msg.mentions.map((m) => `${c.mention}@${m}${c.reset} `).join('');
    const [first = '', ...rest] = renderMarkup(msg.text, { color: this.color }).split('\n');
    const head = `${c.dim}[#${msg.channel}]${c.reset} ${c.bot}${this.opts.botName}${c.reset}: `;
    const lines = [`${head}${mentions}${first}`, ...rest.map((l) => `  ${l}`)];
    this.write(lines.join('\n'));
  }

  /** In --json mode stdout stays one JSON object per line, so scripts can still parse it. */
  private printError(text: string): void {
    if (this.opts.json) {
      this.write(JSON.stringify({ error: text }));
      return;
    }
    this.write(`error: ${text}`);
  }

  /**
   * Output comes at any time (a deploy's progress, a notice for another channel), often
   * while someone is typing: the prompt and the half-typed line are wiped, the text
   * printed where they were, and both drawn again below it with the cursor where it was.
   */
  private write(text: string): void {
    const out = this.opts.output;
    if (!this.prompting || !this.rl) {
      out.write(`${text}\n`);
      return;
    }
    // A typed line longer than the terminal is wide spans rows: go back to the first.
    moveCursor(out, 0, -this.rl.getCursorPos().rows);
    cursorTo(out, 0);
    clearScreenDown(out);
    out.write(`${text}\n`);
    this.rl.prompt(true);
  }
}
