/**
 * The fake Slack's opt-in realistic mode (`startFakeSlack({ realistic: true })`): Slack's
 * published rate limits, the Socket Mode heartbeat, and what it records to show how a client
 * coped. Modelled on https://docs.slack.dev/apis/web-api/rate-limits/ :
 *
 * - chat.postMessage: "1 message per second per channel", "bursts over that limit for short
 *   periods" — a token bucket per channel, 1/s, burst 4;
 * - chat.update: Tier 3, "50+ per minute" per workspace and app, "sporadic bursts" — one
 *   bucket, 50/min, burst 10;
 * - anything else: not limited (Tier 4 and special methods are far above what a test sends).
 *
 * Beyond a bucket Slack answers 429 with `Retry-After` (whole seconds). Burst sizes are not
 * published: these are assumptions, overridable per test.
 */
import type { WebSocket } from 'ws';

export interface Bucket {
  /** Sustained calls per second. */
  perSecond: number;
  /** Calls allowed at once before the sustained rate applies. */
  burst: number;
}

export interface RealisticOptions {
  /** chat.postMessage, per channel (default 1/s, burst 4). */
  postMessage?: Bucket;
  /** chat.update, per workspace (default 50/min, burst 10). */
  update?: Bucket;
  /** How often the server pings each Socket Mode connection (default 5 s). */
  pingEveryMs?: number;
  /** Echo each chat.postMessage back as a `message` event from the bot, as Slack does (default true). */
  echo?: boolean;
}

export const SLACK_LIMITS = {
  postMessage: { perSecond: 1, burst: 4 },
  update: { perSecond: 50 / 60, burst: 10 },
  pingEveryMs: 5_000,
} as const;

/** @slack/socket-mode's clientPingTimeoutMS: a pong later than this and the client reconnects. */
export const CLIENT_PING_TIMEOUT_MS = 5_000;

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly spec: Bucket, now: number) {
    this.tokens = spec.burst;
    this.last = now;
  }

  /** 0: taken; otherwise how many ms until one is free. */
  take(now: number): number {
    this.tokens = Math.min(this.spec.burst, this.tokens + ((now - this.last) / 1000) * this.spec.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return ((1 - this.tokens) / this.spec.perSecond) * 1000;
  }
}

/** Slack's answer to one call: allowed (null) or the Retry-After in seconds. */
export class SlackRateLimits {
  private readonly posts = new Map<string, TokenBucket>();
  private updates: TokenBucket | null = null;

  constructor(private readonly opts: RealisticOptions = {}) {}

  /** `channel`: the id the call's channel resolves to (a name and its id share one limit). */
  retryAfter(method: string, channel: string, now: number): number | null {
    let bucket: TokenBucket | null = null;
    if (method === 'chat.postMessage') {
      bucket = this.posts.get(channel) ?? new TokenBucket(this.opts.postMessage ?? SLACK_LIMITS.postMessage, now);
      this.posts.set(channel, bucket);
    } else if (method === 'chat.update') {
      bucket = this.updates ??= new TokenBucket(this.opts.update ?? SLACK_LIMITS.update, now);
    }
    const waitMs = bucket?.take(now) ?? 0;
    return waitMs === 0 ? null : Math.max(1, Math.ceil(waitMs / 1000));
  }
}

/** One envelope the fake sent over Socket Mode and, if it came, its ack. */
export interface EnvelopeRecord {
  envelope_id: string;
  type: string;
  /** True for the fake's echo of the bot's own chat.postMessage. */
  echo: boolean;
  /** Which connection it went out on (1, 2, … in order). */
  connection: number;
  sentAt: number;
  ackedAt?: number;
  /** Its connection closed before the ack came (this fake, unlike Slack, does not redeliver). */
  lostAt?: number;
}

export interface PingRecord {
  connection: number;
  sentAt: number;
  pongAt?: number;
  /** Its connection closed before the pong came. */
  lostAt?: number;
}

/** What the fake saw on its WebSockets: connections, its pings' pongs, the client's own pings. */
export class SocketLog {
  connections = 0;
  readonly pings: PingRecord[] = [];
  /** When each ping the client sent arrived (the client pings every ~1.7 s: gaps show stalls). */
  readonly clientPings: number[] = [];
  readonly envelopes: EnvelopeRecord[] = [];

  /** Counts the connection and, with `pingEveryMs`, pings it until it closes. */
  watch(ws: WebSocket, pingEveryMs?: number): void {
    this.connections += 1;
    const connection = this.connections;
    ws.on('ping', () => this.clientPings.push(Date.now()));
    if (!pingEveryMs) return;
    const timer = setInterval(() => {
      this.pings.push({ connection, sentAt: Date.now() });
      ws.ping();
    }, pingEveryMs);
    ws.on('pong', () => {
      const waiting = this.pings.find((p) => p.connection === connection && p.pongAt === undefined);
      if (waiting) waiting.pongAt = Date.now();
    });
    ws.on('close', () => {
      clearInterval(timer);
      for (const p of this.pings) if (p.connection === connection && p.pongAt === undefined) p.lostAt = Date.now();
      for (const e of this.envelopes) if (e.connection === connection && e.ackedAt === undefined) e.lostAt = Date.now();
    });
  }

  sent(envelope_id: string, type: string, echo: boolean): void {
    this.envelopes.push({ envelope_id, type, echo, connection: this.connections, sentAt: Date.now() });
  }

  acked(envelope_id: string): void {
    const e = this.envelopes.find((x) => x.envelope_id === envelope_id && x.ackedAt === undefined);
    if (e) e.ackedAt = Date.now();
  }
}

/** The echo Slack sends for a message the bot posted: a `message` event whose author is the bot. */
export function botEcho(bot: { userId: string; botId: string; appId: string; team: string }, m: { channel: string; ts: string; text: string; blocks: unknown[]; thread_ts?: string }): Record<string, unknown> {
  return {
    type: 'message', channel: m.channel, channel_type: m.channel.startsWith('D') ? 'im' : 'channel',
    user: bot.userId, bot_id: bot.botId, app_id: bot.appId, team: bot.team,
    text: m.text, blocks: m.blocks, ts: m.ts, event_ts: m.ts, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
  };
}

export interface EventOptions {
  envelopeId?: string;
  eventId?: string;
  retryAttempt?: number;
  retryReason?: string;
}

/** An events_api envelope as Socket Mode delivers it; `n` numbers its ids. */
export function eventsApiEnvelope(bot: { userId: string; appId: string; team: string }, n: number, event: Record<string, unknown>, opts: EventOptions = {}): Record<string, unknown> & { envelope_id: string } {
  return {
    envelope_id: opts.envelopeId ?? `env-${n}`,
    type: 'events_api',
    accepts_response_payload: false,
    retry_attempt: opts.retryAttempt ?? 0,
    retry_reason: opts.retryReason ?? '',
    payload: {
      token: 'legacy-verification-token', team_id: bot.team, api_app_id: bot.appId, event,
      type: 'event_callback', event_id: opts.eventId ?? `Ev${n}`, event_time: 1_700_000_000,
      authorizations: [{ team_id: bot.team, user_id: bot.userId, is_bot: true, is_enterprise_install: false }],
    },
  };
}
