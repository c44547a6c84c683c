/**
 * A fake Slack on 127.0.0.1 for tests: the Web API methods packbot calls (over HTTP, as the
 * real WebClient sends them) and a Socket Mode WebSocket server (`hello`, then `events_api` /
 * `interactive` envelopes, acks by envelope_id). Every request and every frame it receives
 * is recorded, headers and raw bodies included, so tests can assert exactly what was sent —
 * and what was not (secrets). `{ realistic: true }` adds Slack's rate limits, its heartbeat
 * and its echo of the bot's own messages (fake-slack-limits.ts).
 */
import { usersInfo, type FakeSlackUser } from './fake-slack-users.js';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { botEcho, eventsApiEnvelope, SLACK_LIMITS, SlackRateLimits, SocketLog, type EventOptions, type RealisticOptions } from './fake-slack-limits.js';
import { blockErrors, invalidBlocks } from './fake-slack-blocks.js';
import { FakeHomes, homeClickPayload, homeOpenedEvent } from './fake-slack-views.js';
import { scaled } from './budget.js';

export type { EnvelopeRecord, EventOptions, PingRecord, RealisticOptions } from './fake-slack-limits.js';
export type { HomeView } from './fake-slack-views.js';

export interface RecordedCall {
  method: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  raw: string;
  /** Form fields (or JSON keys); `blocks` and `attachments` are JSON text, as the client sends them. */
  params: Record<string, string>;
  /** 200, or 429 when the fake answered with a rate limit. */
  status: number;
  /** When the request arrived (ms since the epoch). */
  at: number;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: Array<Record<string, unknown>>;
  thread_ts?: string;
}

export interface Ack {
  envelope_id: string;
  payload?: unknown;
}

export interface FakeSlack {
  /** Base URL for the Web API, ending in `/api/` (WebClient's slackApiUrl). */
  apiUrl: string;
  readonly calls: RecordedCall[];
  /** Raw frames the client sent over the WebSocket (acks). */
  readonly frames: string[];
  /** Messages as they stand now (posts, with updates applied, minus deletions), by ts; a test may add people's messages. */
  readonly messages: Map<string, PostedMessage>;
  callsOf(method: string): RecordedCall[];
  /** Make auth.test answer `{ok: false, error}` (a revoked or wrong bot token). */
  failAuth(error: string): void;
  /** The user groups `usergroups.list` answers with (id → member user ids); none by default. */
  setUserGroups(groups: Record<string, string[]>): void;
  /** Make `usergroups.list` answer `{ok: false, error}` (e.g. `missing_scope`); null: answer again. */
  failUserGroups(error: string | null): void;
  /** Make `chat.delete` answer `{ok: false, error}` (e.g. `cant_delete_message`); null: delete again. */
  failDelete(error: string | null): void;
  /** People `users.info` knows (id → profile names); anyone else is `user_not_found`. */
  setUsers(users: Record<string, FakeSlackUser>): void;
  /** Make `users.info` answer `{ok: false, error}` (e.g. `missing_scope`); null: answer again. */
  failUsersInfo(error: string | null): void;
  /** Answer the next `times` calls of `method` with 429 and Retry-After. */
  rateLimit(method: string, times: number, retryAfterSec: number): void;
  /** Resolves once a Socket Mode client has connected and been sent `hello`. */
  connected(): Promise<void>;
  /** Delivers an events_api envelope; resolves with the client's ack. */
  sendEvent(event: Record<string, unknown>, opts?: EventOptions): Promise<Ack>;
  /** Delivers an interactive envelope (block_actions); resolves with the ack. */
  sendInteractive(payload: Record<string, unknown>): Promise<Ack>;
  /** Each person's App Home as views.publish left it; `homes.fail(error)` makes views.publish fail. */
  readonly homes: FakeHomes;
  /** `user` opens the app's Home tab (or its Messages tab): an `app_home_opened` event. */
  openHome(user: string, tab?: 'home' | 'messages'): Promise<Ack>;
  /** `user` clicks a button on their home: `action` need not be on it (a forged or stale click). */
  clickHome(user: string, action: { action_id: string; value: string }, trigger?: string): Promise<Ack>;
  /** The first recorded call (past or future) matching `pred`. */
  waitForCall(method: string, pred?: (c: RecordedCall) => boolean): Promise<RecordedCall>;
  /** Every body and frame received, concatenated (for "no secret anywhere" checks). */
  everythingReceived(): string;
  /** Socket Mode as the fake saw it: connections, envelopes and their acks, pings and pongs (realistic mode). */
  readonly socketLog: SocketLog;
  close(): Promise<void>;
}

export type { FakeSlackUser } from './fake-slack-users.js';

export const FAKE_BOT = { userId: 'UBOT0001', botId: 'BBOT0001', team: 'T0000001', appId: 'A0000001' };

const WAIT_LIMIT_MS = scaled(20_000);

function parseParams(raw: string, contentType: string | undefined): Record<string, string> {
  if ((contentType ?? '').includes('application/json')) {
    const obj = JSON.parse(raw || '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

export async function startFakeSlack(options: { realistic?: boolean | RealisticOptions } = {}): Promise<FakeSlack> {
  const realistic = options.realistic === true ? {} : options.realistic || null;
  const rates = realistic ? new SlackRateLimits(realistic) : null;
  const socketLog = new SocketLog();
  const calls: RecordedCall[] = [];
  const frames: string[] = [];
  const messages = new Map<string, PostedMessage>();
  const limits = new Map<string, { times: number; retryAfter: number }>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const ackWaiters = new Map<string, (ack: Ack) => void>();
  let socket: WebSocket | null = null;
  let tsCounter = 0;
  let envelopeCounter = 0;
  let base = '';
  let authError: string | null = null;
  let userGroups: Record<string, string[]> = {};
  let userGroupsError: string | null = null;
  let deleteError: string | null = null;
  let people: Record<string, FakeSlackUser> = {};
  let usersInfoError: string | null = null;
  const homes = new FakeHomes();
  let clicks = 0;

  /** Like Slack, chat.postMessage takes a channel name too and answers with the id. */
  const channelId = (c: string) => (/^[CDG][A-Z0-9]{2,}$/.test(c) ? c : `C${c.replace(/^#/, '').toUpperCase().replace(/[^A-Z0-9]/g, '')}NAMED`);
  const nextTs = () => {
    tsCounter += 1;
    return `${1_700_000_000 + tsCounter}.${String(tsCounter).padStart(6, '0')}`;
  };

  const answer = (method: string, p: Record<string, string>): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        if (authError) return { ok: false, error: authError };
        return { ok: true, url: 'https://fake.slack.invalid/', team: 'Fake', user: 'packbot', team_id: FAKE_BOT.team, user_id: FAKE_BOT.userId, bot_id: FAKE_BOT.botId };
      case 'apps.connections.open':
        return { ok: true, url: `${base.replace('http://', 'ws://')}/link/?ticket=fake-ticket` };
      case 'chat.postMessage': {
        if (!p['channel']) return { ok: false, error: 'channel_not_found' };
        const postErrors = blockErrors(JSON.parse(p['blocks'] ?? '[]'), 'message');
        if (postErrors.length > 0) return invalidBlocks(postErrors);
        const ts = nextTs();
        const msg: PostedMessage = { channel: channelId(p['channel']), ts, text: p['text'] ?? '', blocks: JSON.parse(p['blocks'] ?? '[]') as PostedMessage['blocks'], ...(p['thread_ts'] ? { thread_ts: p['thread_ts'] } : {}) };
        messages.set(ts, msg);
        return { ok: true, channel: msg.channel, ts, message: { type: 'message', text: msg.text, ts, blocks: msg.blocks } };
      }
      case 'chat.update': {
        const msg = messages.get(p['ts'] ?? '');
        // As Slack: chat.update wants the channel id; a name is not found.
        if (msg && msg.channel !== p['channel']) return { ok: false, error: 'channel_not_found' };
        if (!msg) return { ok: false, error: 'message_not_found' };
        const updateErrors = blockErrors(JSON.parse(p['blocks'] ?? '[]'), 'message');
        if (updateErrors.length > 0) return invalidBlocks(updateErrors);
        msg.text = p['text'] ?? msg.text;
        if (p['blocks']) msg.blocks = JSON.parse(p['blocks']) as PostedMessage['blocks'];
        return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text };
      }
      case 'chat.delete': {
        const msg = messages.get(p['ts'] ?? '');
        if (!msg || msg.channel !== p['channel']) return { ok: false, error: 'message_not_found' };
        if (deleteError) return { ok: false, error: deleteError };
        messages.delete(msg.ts);
        return { ok: true, channel: msg.channel, ts: msg.ts };
      }
      case 'usergroups.list': {
        // As Slack: without usergroups:read the call fails and says which scope was needed.
        if (userGroupsError === 'missing_scope') return { ok: false, error: 'missing_scope', needed: 'usergroups:read', provided: 'chat:write' };
        if (userGroupsError) return { ok: false, error: userGroupsError };
        const withUsers = p['include_users'] === 'true';
        return {
          ok: true,
          usergroups: Object.entries(userGroups).map(([id, users]) => ({
            id, team_id: FAKE_BOT.team, is_usergroup: true, name: id.toLowerCase(), handle: id.toLowerCase(), user_count: users.length,
            ...(withUsers ? { users } : {}),
          })),
        };
      }
      case 'users.info':
        return usersInfo(p['user'] ?? '', people, usersInfoError);
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'views.publish':
        return homes.publish(p);
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    const at = Date.now();
    req.setEncoding('utf8');
    req.on('data', (d: string) => (raw += d));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const call: RecordedCall = { method, headers: req.headers, raw, params: parseParams(raw, req.headers['content-type']), status: 200, at };
      const limit = limits.get(method);
      const retryAfter = limit && limit.times > 0 ? (limit.times -= 1, limit.retryAfter) : rates?.retryAfter(method, channelId(call.params['channel'] ?? ''), at) ?? null;
      if (retryAfter !== null) {
        call.status = 429;
        calls.push(call);
        events.emit('call', call);
        res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(retryAfter) });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      const body = answer(method, call.params);
      calls.push(call);
      events.emit('call', call);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
      const posted = method === 'chat.postMessage' && body['ok'] === true ? messages.get(String(body['ts'])) : undefined;
      if (posted && realistic && realistic.echo !== false && socket?.readyState === 1) send(eventEnvelope(botEcho(FAKE_BOT, posted)), true);
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, sock, head) => {
    if (!(req.url ?? '').startsWith('/link')) {
      sock.destroy();
      return;
    }
    wss.handleUpgrade(req, sock, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws: WebSocket) => {
    socket = ws;
    socketLog.watch(ws, realistic ? realistic.pingEveryMs ?? SLACK_LIMITS.pingEveryMs : undefined);
    ws.on('message', (data) => {
      const text = data.toString();
      frames.push(text);
      const ack = JSON.parse(text) as Ack;
      socketLog.acked(ack.envelope_id);
      ackWaiters.get(ack.envelope_id)?.(ack);
      ackWaiters.delete(ack.envelope_id);
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack', approximate_connection_time: 18060 }, connection_info: { app_id: FAKE_BOT.appId } }));
    events.emit('connected');
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const guard = <T>(what: string, promise: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`fake Slack: gave up waiting for ${what}`)), WAIT_LIMIT_MS);
    });
    return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
  };

  type Envelope = Record<string, unknown> & { envelope_id: string };
  const send = (envelope: Envelope, echo = false): void => {
    if (!socket) throw new Error('fake Slack: no Socket Mode client connected');
    socketLog.sent(envelope.envelope_id, String(envelope['type']), echo);
    socket.send(JSON.stringify(envelope));
  };

  const deliver = (envelope: Envelope): Promise<Ack> => {
    const acked = new Promise<Ack>((resolve) => ackWaiters.set(envelope.envelope_id, resolve));
    send(envelope);
    return guard(`the ack of ${envelope.envelope_id}`, acked);
  };

  const eventEnvelope = (event: Record<string, unknown>, opts: EventOptions = {}): Envelope => {
    envelopeCounter += 1;
    return eventsApiEnvelope(FAKE_BOT, envelopeCounter, event, opts);
  };

  return {
    apiUrl: `${base}/api/`,
    calls,
    frames,
    messages,
    callsOf: (method) => calls.filter((c) => c.method === method),
    failAuth(error) {
      authError = error;
    },
    setUserGroups(groups) {
      userGroups = { ...groups };
    },
    failUserGroups(error) {
      userGroupsError = error;
    },
    failDelete(error) {
      deleteError = error;
    },
    setUsers(users) {
      people = { ...users };
    },
    failUsersInfo(error) {
      usersInfoError = error;
    },
    rateLimit(method, times, retryAfterSec) {
      limits.set(method, { times, retryAfter: retryAfterSec });
    },
    connected() {
      if (socket) return Promise.resolve();
      return guard('a Socket Mode connection', new Promise<void>((resolve) => events.once('connected', () => resolve())));
    },
    sendEvent(event, opts = {}) {
      return deliver(eventEnvelope(event, opts));
    },
    sendInteractive(payload) {
      envelopeCounter += 1;
      return deliver({ envelope_id: `env-${envelopeCounter}`, type: 'interactive', accepts_response_payload: true, payload });
    },
    homes,
    openHome(user, tab = 'home') {
      return deliver(eventEnvelope(homeOpenedEvent(user, tab, homes.views.get(user))));
    },
    clickHome(user, action, trigger) {
      clicks += 1;
      envelopeCounter += 1;
      const payload = homeClickPayload(user, action, homes.views.get(user), trigger ?? `trig-home-${clicks}`);
      return deliver({ envelope_id: `env-${envelopeCounter}`, type: 'interactive', accepts_response_payload: true, payload });
    },
    waitForCall(method, pred = () => true) {
      const match = (c: RecordedCall) => c.method === method && c.status === 200 && pred(c);
      const found = calls.find(match);
      if (found) return Promise.resolve(found);
      return guard(`a ${method} call`, new Promise<RecordedCall>((resolve) => {
        const on = (c: RecordedCall) => {
          if (!match(c)) return;
          events.off('call', on);
          resolve(c);
        };
        events.on('call', on);
      }));
    },
    everythingReceived: () => [...calls.map((c) => c.raw), ...frames].join('\n'),
    socketLog,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
