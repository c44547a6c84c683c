/**
 * A fake Discord on 127.0.0.1 for the real discord.js client: the REST routes the client
 * calls and a gateway (WebSocket, plain JSON) that says HELLO, answers IDENTIFY with READY
 * and one guild, acknowledges heartbeats, and dispatches the messages and button clicks a
 * test makes. Every request is recorded (method, path, Authorization header, raw body);
 * a route it doesn't know is answered 404, recorded and printed, so a new call shows up.
 */
import { createServer, type IncomingMessage as HttpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { scaled } from './budget.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  authorization: string | undefined;
  /** The body exactly as received. */
  raw: string;
  body: any;
  /** What the fake answered (a created or edited message, for its id). */
  response?: any;
}

/** `globalName`: the display name chosen on Discord; `nick`: the nickname in the fake's guild. */
export interface FakeUser { id: string; username: string; bot?: boolean; globalName?: string; nick?: string }

type Msg = Record<string, any> & { id: string; channel_id: string; content: string };

/** Another server the bot is in (see addGuild): its text channels, by name. */
export interface FakeGuild { id: string; name: string; channels: Array<{ id: string; name: string }> }

const EPOCH = 1420070400000n;
let counter = 0n;
/** Real-looking snowflakes (discord.js reads timestamps out of them). */
export function snowflake(): string {
  counter += 1n;
  return (((BigInt(Date.now()) - EPOCH) << 22n) | (counter & 0xfffn)).toString();
}

/** A request as a failure message lists it: what was asked, and the start of what was said. */
function describe(r: RecordedRequest): string {
  const said = typeof r.body?.content === 'string' ? ` "${r.body.content.slice(0, 50).replace(/\n/g, ' ')}"` : '';
  return `${r.method} ${r.path}${said}`;
}

export class FakeDiscord {
  readonly token: string;
  readonly bot: FakeUser = { id: snowflake(), username: 'packbot', bot: true };
  readonly applicationId = snowflake();
  readonly guildId = snowflake();
  readonly channel = { id: snowflake(), name: 'deploys' };
  readonly requests: RecordedRequest[] = [];
  /** Gateway frames the client sent (IDENTIFY carries the token: that is the protocol). */
  readonly frames: any[] = [];
  readonly unknownRoutes: string[] = [];
  /** Close the gateway with this code on IDENTIFY (4014: disallowed intents, 4004: bad token). */
  refuseIdentify: number | null = null;
  /** Members of the guild (whoever spoke or clicked there, and whom a test adds), for GET .../members/:id. */
  readonly members = new Map<string, FakeUser>();
  /** Messages as they stand now (edits applied), by id; ephemeral follow-ups included. */
  readonly messages = new Map<string, Msg>();
  /** Users Discord knows who are not in the guild (a DM correspondent, someone who left). */
  readonly users = new Map<string, FakeUser>();
  /** Servers besides the fake's own guild (a second one with a same-named channel, say). */
  readonly otherGuilds: FakeGuild[] = [];
  private readonly interactions = new Map<string, { messageId: string; channelId: string }>();
  private readonly server: Server;
  private readonly gateway: WebSocketServer;
  private socket: WebSocket | null = null;
  private seq = 0;
  private readonly waiters = new Set<() => void>();
  private port = 0;

  private constructor(token: string) {
    this.token = token;
    this.server = createServer((req, res) => void this.handle(req, res));
    this.gateway = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.gateway.on('connection', (ws) => this.connected(ws));
  }

  static async start(token: string): Promise<FakeDiscord> {
    const fake = new FakeDiscord(token);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  // ── gateway ─────────────────────────────────────────────────────────────

  private connected(ws: WebSocket): void {
    this.socket = ws;
    this.seq = 0;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      this.frames.push(frame);
      if (frame.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      else if (frame.op === 2 && this.refuseIdentify) ws.close(this.refuseIdentify);
      else if (frame.op === 2) this.identified();
      else console.error(`[fake-discord] unexpected gateway op ${frame.op}`);
      this.notify();
    });
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null }));
  }

  private identified(): void {
    this.dispatch('READY', {
      v: 10, user: { ...this.bot, discriminator: '0000', avatar: null, global_name: null, flags: 0, verified: true, mfa_enabled: false },
      guilds: [{ id: this.guildId, unavailable: true }, ...this.otherGuilds.map((g) => ({ id: g.id, unavailable: true }))], session_id: 'fake-session', resume_gateway_url: `ws://127.0.0.1:${this.port}/gateway`,
      shard: [0, 1], application: { id: this.applicationId, flags: 0 }, private_channels: [], relationships: [], user_settings: {},
    });
    // Apart, as on the real network: discord.js handles frames concurrently, and a GUILD_CREATE
    // it handled before READY would not count towards readiness (login then waits 15 s).
    setTimeout(() => {
      this.guildCreate();
      for (const g of this.otherGuilds) this.otherGuildCreate(g);
    }, 50);
  }

  /**
   * Puts the bot in another server with these text channels: announced at login, or at once
   * when the bot is already connected (someone invited it since). Returns the server.
   */
  addGuild(name: string, channelNames: string[]): FakeGuild {
    const guild: FakeGuild = { id: snowflake(), name, channels: channelNames.map((n) => ({ id: snowflake(), name: n })) };
    this.otherGuilds.push(guild);
    if (this.socket) this.otherGuildCreate(guild);
    return guild;
  }

  private otherGuildCreate(g: FakeGuild): void {
    const everyone = { id: g.id, name: '@everyone', color: 0, hoist: false, position: 0, permissions: '68608', managed: false, mentionable: false, flags: 0 };
    this.dispatch('GUILD_CREATE', {
      id: g.id, name: g.name, icon: null, owner_id: snowflake(), roles: [everyone], emojis: [], stickers: [], features: [],
      channels: g.channels.map((c, i) => ({ id: c.id, type: 0, name: c.name, position: i, permission_overwrites: [], guild_id: g.id })),
      threads: [], members: [], presences: [], voice_states: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
      member_count: 2, joined_at: new Date().toISOString(), large: false, unavailable: false, afk_timeout: 300, verification_level: 0,
      default_message_notifications: 0, explicit_content_filter: 0, mfa_level: 0, premium_tier: 0, system_channel_flags: 0, nsfw_level: 0,
      preferred_locale: 'en-US', premium_progress_bar_enabled: false,
    });
  }

  /** The server a channel of addGuild's is in, if it is one. */
  private otherGuildOf(channelId: string): FakeGuild | undefined {
    return this.otherGuilds.find((g) => g.channels.some((c) => c.id === channelId));
  }

  private guildCreate(): void {
    const everyone = { id: this.guildId, name: '@everyone', color: 0, hoist: false, position: 0, permissions: '68608', managed: false, mentionable: false, flags: 0 };
    this.dispatch('GUILD_CREATE', {
      id: this.guildId, name: 'Fake Guild', icon: null, owner_id: snowflake(), roles: [everyone], emojis: [], stickers: [], features: [],
      channels: [{ id: this.channel.id, type: 0, name: this.channel.name, position: 0, permission_overwrites: [], guild_id: this.guildId }],
      threads: [], members: [], presences: [], voice_states: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
      member_count: 3, joined_at: new Date().toISOString(), large: false, unavailable: false, afk_timeout: 300, verification_level: 0,
      default_message_notifications: 0, explicit_content_filter: 0, mfa_level: 0, premium_tier: 0, system_channel_flags: 0, nsfw_level: 0,
      preferred_locale: 'en-US', premium_progress_bar_enabled: false,
    });
  }

  dispatch(t: string, d: unknown): void {
    if (!this.socket) throw new Error('no gateway connection');
    this.seq += 1;
    this.socket.send(JSON.stringify({ op: 0, t, s: this.seq, d }));
  }

  private author(u: FakeUser) {
    return { id: u.id, username: u.username, discriminator: '0', global_name: u.globalName ?? u.username, avatar: null, ...(u.bot ? { bot: true } : {}) };
  }

  private member(u: FakeUser) {
    return { user: this.author(u), nick: u.nick ?? null, roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, permissions: '68608' };
  }

  /**
   * A user posts `content` (in the guild channel, in a DM with `direct`, or in a channel of a
   * server from addGuild with `channel`); returns the message id.
   */
  say(user: FakeUser, content: string, opts: { direct?: string; channel?: string } = {}): string {
    const other = opts.channel ? this.otherGuildOf(opts.channel) : undefined;
    if (opts.channel && !other) throw new Error(`no channel ${opts.channel} in a server from addGuild`);
    if (!opts.direct) this.members.set(user.id, user);
    const id = snowflake();
    const base = {
      id, content, author: this.author(user), timestamp: new Date().toISOString(), edited_timestamp: null, tts: false,
      mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: [], components: [], pinned: false, type: 0, flags: 0,
    };
    this.dispatch('MESSAGE_CREATE', opts.direct
      ? { ...base, channel_id: opts.direct, channel_type: 1 }
      : other
        ? { ...base, channel_id: opts.channel, guild_id: other.id, member: this.member(user) }
        : { ...base, channel_id: this.channel.id, guild_id: this.guildId, member: this.member(user) });
    return id;
  }

  /** `user` clicks the button `customId` on message `messageId`; returns the interaction id. */
  click(user: FakeUser, messageId: string, customId: string): string {
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`no message ${messageId}`);
    this.members.set(user.id, user);
    const id = snowflake();
    const token = `itoken-${id}`;
    this.interactions.set(token, { messageId, channelId: message.channel_id });
    this.dispatch('INTERACTION_CREATE', {
      id, token, type: 3, version: 1, application_id: this.applicationId, guild_id: this.guildId, channel_id: message.channel_id,
      channel: { id: message.channel_id, type: 0, name: this.channel.name, guild_id: this.guildId }, member: this.member(user),
      data: { custom_id: customId, component_type: 2 }, message, app_permissions: '68608', locale: 'en-US', guild_locale: 'en-US',
      entitlements: [], authorizing_integration_owners: { 0: this.guildId }, context: 0, attachment_size_limit: 10485760,
    });
    return id;
  }

  // ── REST ────────────────────────────────────────────────────────────────

  private async handle(req: HttpRequest, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const rec: RecordedRequest = { method, path, query: url.search, authorization: req.headers.authorization, raw, body: raw ? JSON.parse(raw) : undefined };
    this.requests.push(rec);
    const reply = (status: number, body?: unknown) => {
      rec.response = body;
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
      this.notify();
    };
    const botRoute = !path.startsWith('/interactions/') && !path.startsWith('/webhooks/');
    if (botRoute && rec.authorization !== `Bot ${this.token}`) return reply(401, { message: '401: Unauthorized', code: 0 });
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return reply(200, { url: `ws://127.0.0.1:${this.port}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
    }
    if (method === 'GET' && path === '/users/@me') return reply(200, this.author(this.bot));
    if (method === 'GET' && (m = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(path))) {
      const member = m[1] === this.guildId ? this.members.get(m[2]!) : undefined;
      return member ? reply(200, this.member(member)) : reply(404, { message: 'Unknown Member', code: 10007 });
    }
    if (method === 'GET' && (m = /^\/users\/(\d+)$/.exec(path))) {
      const user = this.members.get(m[1]!) ?? this.users.get(m[1]!);
      return user ? reply(200, this.author(user)) : reply(404, { message: 'Unknown User', code: 10013 });
    }
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) return reply(200, this.create(m[1]!, rec.body));
    if (method === 'PATCH' && (m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) return reply(200, this.edit(m[2]!, rec.body));
    if (method === 'POST' && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) return reply(204);
    if (method === 'PATCH' && (m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path))) {
      const i = this.interactions.get(m[2]!);
      return i ? reply(200, this.edit(i.messageId, rec.body)) : reply(404, { message: 'Unknown Webhook', code: 10015 });
    }
    if (method === 'POST' && (m = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path))) {
      const i = this.interactions.get(m[2]!);
      return i ? reply(200, { ...this.create(i.channelId, rec.body), webhook_id: this.applicationId }) : reply(404, { message: 'Unknown Webhook', code: 10015 });
    }
    this.unknownRoutes.push(`${method} ${path}`);
    console.error(`[fake-discord] UNKNOWN ROUTE ${method} ${path}${url.search} ${raw}`);
    return reply(404, { message: `fake-discord does not know ${method} ${path}`, code: 0 });
  }

  private create(channelId: string, body: any): Msg {
    const msg: Msg = {
      id: snowflake(), channel_id: channelId, author: this.author(this.bot), content: body.content ?? '', embeds: body.embeds ?? [],
      components: body.components ?? [], flags: body.flags ?? 0, timestamp: new Date().toISOString(), edited_timestamp: null, tts: false,
      mention_everyone: false, mentions: [], mention_roles: [], attachments: [], pinned: false, type: 0,
      ...(channelId === this.channel.id ? { guild_id: this.guildId } : {}),
      ...(this.otherGuildOf(channelId) ? { guild_id: this.otherGuildOf(channelId)!.id } : {}),
    };
    this.messages.set(msg.id, msg);
    return msg;
  }

  private edit(id: string, body: any): Msg {
    const msg = this.messages.get(id);
    if (!msg) throw new Error(`edit of unknown message ${id}`);
    for (const key of ['content', 'embeds', 'components'] as const) if (body[key] !== undefined) msg[key] = body[key];
    msg.edited_timestamp = new Date().toISOString();
    return msg;
  }

  // ── waiting ─────────────────────────────────────────────────────────────

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves with the first recorded request matching `pred` (already made or yet to come). */
  waitFor(pred: (r: RecordedRequest) => boolean, what = 'a matching request'): Promise<RecordedRequest> {
    return this.until(() => this.requests.find(pred), what);
  }

  /** Resolves once `check` returns something, re-checked on every request and frame. */
  until<T>(check: () => T | undefined | null | false, what: string, timeoutMs = scaled(20_000)): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const found = check();
        if (!found) return;
        cleanup();
        resolve(found);
      };
      // Not a timing assertion: it turns a hang into a message saying what never came.
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake-discord: gave up waiting for ${what}; saw ${this.requests.map(describe).join(', ')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(attempt);
      };
      this.waiters.add(attempt);
      attempt();
    });
  }

  async close(): Promise<void> {
    for (const ws of this.gateway.clients) ws.terminate();
    await new Promise<void>((resolve) => this.gateway.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
