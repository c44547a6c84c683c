/**
 * Slack through Bolt: Socket Mode (app token, no public URL needed) or the HTTP Events API
 * (signing secret, mounted on packbot's HTTP server). Bolt acknowledges an event before any
 * listener runs and the listeners here never wait for a command to finish, so Slack always
 * gets its answer within 3 s and does not redeliver because a deploy was slow.
 */
import { App, SocketModeReceiver, webApi, type Receiver } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import type {
  ActionHandler, AdapterLimits, ChatAdapter, IncomingMessage, MessageRef, OutgoingMessage,
} from '../../src/interfaces/chat/types.js';
import { errorMessage } from '../../src/core/caught.js';
import type { PersonHow } from '../../src/core/identity.js';
import { peopleFor } from '../../src/interfaces/chat/people.js';
import { PackbotError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/logging/logger.js';
import { escapeMrkdwn, linkUserIds, resolvedPrompt, SLACK_LIMITS, type Block } from './blocks.js';
import { HOME_ACTION, PLATFORM, toHomeAction, toIncomingAction, toIncomingMessage, type BlockActionsBody, type SlackMessageEvent } from './events.js';
import { SlackUserGroups, type SlackUserGroup } from './groups.js';
import { SlackHome } from './home.js';
import { boltLogger } from './logger.js';
import { Outbox } from './outbox.js';
import { SlackPeople, type SlackUserInfo } from './people.js';
import { FastifySlackReceiver } from './receiver.js';

export { BOT_EVENTS, BOT_SCOPES, EVENTS_PATH, USER_SCOPES } from './manifest.js';

export interface SlackAdapterOptions {
  botToken: string;
  /** An admin's xoxp- user token: enables deleteMessage (a bot token can delete only its own). */
  userToken?: string;
  mode: 'socket' | 'http';
  /** Socket Mode: the xapp- app-level token. */
  appToken?: string;
  /** HTTP mode: verifies that requests come from Slack. */
  signingSecret?: string;
  logger: Logger;
  /** Web API base URL (Bolt's `slackApiUrl`), e.g. a fake Slack on 127.0.0.1 in tests. */
  apiUrl?: string;
  /** How the outbox waits out a Retry-After (tests hold a channel rate-limited with it). */
  sleep?: (ms: number) => Promise<void>;
  /** packbot's clock (ms): HTTP signature timestamps and the user-group cache's TTL. */
  now?: () => number;
  /** How long the user groups from `usergroups.list` are trusted; default 5 minutes. */
  groupsTtlMs?: number;
  /** Look up user groups at all: only when a permission names a `slack-group:` (default true). */
  lookupGroups?: boolean;
  /** How long a person's display name from `users.info` is trusted; default 15 minutes. */
  peopleTtlMs?: number;
}

type WebClient = InstanceType<typeof webApi.WebClient>;

/** The outbox turn every App Home publish takes: views.publish is limited per workspace, not per channel. */
const HOME_TURN = 'views.publish';

export class SlackAdapter implements ChatAdapter {
  readonly platform = PLATFORM;
  readonly limits: AdapterLimits = { maxMessageLength: SLACK_LIMITS.sectionText, maxMessagesPerReply: 10 };
  /** Present in HTTP mode only: the one case where packbot's HTTP server is needed for Slack. */
  readonly mount?: (server: FastifyInstance) => void;
  readonly connected: () => boolean;
  /** Present with a user token only. */
  readonly deleteMessage?: (messageId: string) => Promise<void>;
  /** Each person's App Home: packbot's status as they may see it. */
  readonly home: SlackHome;
  private readonly log: Logger;
  private readonly web: WebClient;
  private readonly outbox: Outbox;
  private readonly bolt: App;
  private readonly groups: SlackUserGroups;
  private readonly people: SlackPeople;
  private identity: { userId: string; botId: string } | null = null;
  private onMessage: ((msg: IncomingMessage) => Promise<void>) | null = null;
  private onAction: ActionHandler | null = null;

  constructor(private readonly opts: SlackAdapterOptions) {
    this.log = opts.logger.child({ platform: PLATFORM });
    const logger = boltLogger(opts.logger);
    const clientOptions = { logger, ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}) };
    // The token goes in the constructor, so the client sends it only as an Authorization header.
    const webOptions = {
      ...clientOptions,
      // 429s come back to the outbox, which retries without losing or repeating a message.
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2000 },
    };
    this.web = new webApi.WebClient(opts.botToken, webOptions);
    if (opts.userToken) {
      // A client of its own: the user token must never ride on the bot's calls, nor the bot token on chat.delete.
      const userWeb = new webApi.WebClient(opts.userToken, webOptions);
      this.deleteMessage = (messageId) => this.deleteWith(userWeb, messageId);
    }
    this.outbox = new Outbox({
      post: async (channel, m) => {
        const res = await this.web.chat.postMessage({ channel, ...m, unfurl_links: false, unfurl_media: false });
        return { channel: res.channel ?? channel, ts: String(res.ts) };
      },
      update: async (channel, ts, m) => void (await this.web.chat.update({ channel, ts, text: m.text, blocks: m.blocks })),
    }, {
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      onRateLimited: (channel, retryAfter) => this.log.warn({ channel, retryAfter }, 'rate-limited by Slack; holding the channel'),
    });
    this.groups = new SlackUserGroups({
      list: async () => {
        const res = await this.web.usergroups.list({ include_users: true });
        return (res.usergroups ?? []) as SlackUserGroup[];
      },
      logger: this.log,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.groupsTtlMs !== undefined ? { ttlMs: opts.groupsTtlMs } : {}),
    });
    this.people = new SlackPeople({
      info: async (user) => (await this.web.users.info({ user })).user as SlackUserInfo | undefined,
      logger: this.log,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.peopleTtlMs !== undefined ? { ttlMs: opts.peopleTtlMs } : {}),
    });
    this.home = new SlackHome({
      publish: async (user, view) => void (await this.web.views.publish({ user_id: user, view })),
      enqueue: (run) => this.outbox.call(HOME_TURN, run),
      people: (text) => peopleFor(this, '').resolve(text),
      groups: async (user) => (opts.lookupGroups !== false ? this.groups.of(user) : []),
      logger: this.log,
      ...(opts.now ? { now: opts.now } : {}),
    });
    const receiver = this.createReceiver(logger);
    if (receiver instanceof FastifySlackReceiver) this.mount = (server) => receiver.mount(server);
    // Socket Mode: the WebSocket itself; HTTP mode is up once auth.test has passed.
    this.connected = receiver instanceof SocketModeReceiver
      ? () => receiver.client.websocket?.isActive() ?? false
      : () => this.identity !== null;
    this.bolt = new App({
      receiver,
      convoStore: false,
      logger,
      clientOptions,
      // Our own authorize instead of `token:` — Bolt's auth.test would put the token in a request body.
      authorize: async () => {
        const id = this.identity;
        if (!id) throw new Error('the Slack adapter has not started');
        return { botToken: opts.botToken, botUserId: id.userId, botId: id.botId };
      },
    });
    this.bolt.error(async (err) => void this.log.error({ err }, 'Slack event failed'));
    this.bolt.event('message', async ({ event }) => this.onEvent(event as SlackMessageEvent));
    this.bolt.event('app_mention', async ({ event }) => this.onEvent(event as SlackMessageEvent));
    this.bolt.action(/^packbot_(confirm|cancel|delete)$/, async ({ ack, body }) => {
      await ack();
      void this.onClick(body as BlockActionsBody).catch((err: unknown) => this.log.error({ err }, 'button click failed'));
    });
    this.bolt.event('app_home_opened', async ({ event }) => this.home.opened(event.user, event.channel, event.tab));
    this.bolt.action(HOME_ACTION, async ({ ack, body }) => {
      await ack();
      void this.onHomeClick(body as BlockActionsBody).catch((err: unknown) => this.log.error({ err }, 'home button click failed'));
    });
  }

  private createReceiver(logger: ReturnType<typeof boltLogger>): Receiver {
    if (this.opts.mode === 'socket') {
      if (!this.opts.appToken) throw new Error('adapters.slack: socket mode needs app_token');
      return new SocketModeReceiver({
        appToken: this.opts.appToken, logger,
        // A fresh object: the Socket Mode client writes its own retry policy into it.
        installerOptions: { clientOptions: this.opts.apiUrl ? { slackApiUrl: this.opts.apiUrl } : {} },
      });
    }
    if (!this.opts.signingSecret) throw new Error('adapters.slack: http mode needs signing_secret');
    return new FastifySlackReceiver({ signingSecret: this.opts.signingSecret, logger: this.log, ...(this.opts.now ? { now: this.opts.now } : {}) });
  }

  mentionTokens(): string[] {
    return this.identity ? [`<@${this.identity.userId}>`] : [];
  }

  async start(onMessage: (msg: IncomingMessage) => Promise<void>, onAction?: ActionHandler): Promise<void> {
    this.onMessage = onMessage;
    this.onAction = onAction ?? null;
    const auth = await this.web.auth.test().catch((err: unknown) => {
      throw authFailure(err);
    });
    if (!auth.user_id) throw new Error('Slack auth.test returned no bot user id; check adapters.slack.bot_token');
    this.identity = { userId: auth.user_id, botId: auth.bot_id ?? '' };
    this.log.info({ bot: auth.user_id, team: auth.team_id, mode: this.opts.mode }, 'connected to Slack');
    await this.bolt.start();
  }

  /** `<@U…>` (a ping) or the display name from users.info (cached); null when Slack can't say. */
  person(userId: string, how: PersonHow): Promise<string | null> {
    return this.people.show(userId, how);
  }

  send(msg: OutgoingMessage): Promise<MessageRef> {
    return this.outbox.post(msg);
  }

  update(ref: MessageRef, msg: OutgoingMessage): Promise<void> {
    return this.outbox.update(ref, msg);
  }

  /** `messageId` is an IncomingMessage id (`<channel>:<ts>`). A message already gone counts as deleted. */
  private async deleteWith(userWeb: WebClient, messageId: string): Promise<void> {
    const cut = messageId.lastIndexOf(':');
    const channel = messageId.slice(0, cut);
    const ts = messageId.slice(cut + 1);
    if (cut <= 0 || ts === '') throw new PackbotError('message_delete_failed', 'That is not a Slack message id; delete the message by hand.');
    try {
      await this.outbox.call(channel, async () => void (await userWeb.chat.delete({ channel, ts })));
    } catch (err) {
      const code = (err as { data?: { error?: unknown } } | null)?.data?.error;
      if (code === 'message_not_found') return;
      this.log.warn({ channel, ts, error: typeof code === 'string' ? code : String(err) }, 'chat.delete with the user token failed');
      throw new PackbotError('message_delete_failed', deleteRefusal(code), { cause: err });
    }
  }

  async stop(): Promise<void> {
    await this.bolt.stop();
    this.home.stop();
    // Replies already handed over still go out (a rate-limited channel holds them a while).
    await this.outbox.drain();
  }

  private async onEvent(event: SlackMessageEvent): Promise<void> {
    const msg = toIncomingMessage(event);
    const onMessage = this.onMessage;
    if (!msg || !onMessage) return;
    // Not awaited: the group lookup and the command (maybe a deploy) run on after Bolt's
    // listener returns. The lookup never throws; at worst the sender has no groups.
    void (async () => {
      if (this.opts.lookupGroups !== false) msg.groups = await this.groups.of(msg.user.id);
      await onMessage(msg);
    })().catch((err: unknown) => this.log.error({ err, message_id: msg.id }, 'Slack message failed'));
  }

  /**
   * Accepted: the prompt loses its buttons and says what happened, for everyone. Refused:
   * only the clicker is told why (ephemeral); the prompt stays as it was for the requester.
   */
  private async onClick(body: BlockActionsBody): Promise<void> {
    const action = toIncomingAction(body);
    if (!action || !this.onAction) return;
    if (this.opts.lookupGroups !== false) action.groups = await this.groups.of(action.user.id);
    const outcome = await this.onAction(action);
    const channel = action.channel.id;
    // A note may name people with marks, as replies do: shown here as in a reply.
    const said = await peopleFor(this, channel).resolve(outcome.note);
    const note = linkUserIds(escapeMrkdwn(said));
    const ts = body.container?.message_ts ?? body.message?.ts;
    if (outcome.accepted && ts) {
      const blocks = resolvedPrompt((body.message?.blocks ?? []) as Block[], said);
      const text = body.message?.text ?? note;
      await this.outbox.call(channel, async () => void (await this.web.chat.update({ channel, ts, text, blocks })));
      return;
    }
    const args = { channel, user: action.user.id, text: note, ...(action.thread ? { thread_ts: action.thread } : {}) };
    await this.outbox.call(channel, async () => void (await this.web.chat.postEphemeral(args)));
  }

  /**
   * A click on someone's App Home (Unlock, Extend): checked like any click — a home is drawn
   * per person, but a payload can be made up — and answered at the top of their home.
   */
  private async onHomeClick(body: BlockActionsBody): Promise<void> {
    const user = body.user?.id;
    const action = user ? toHomeAction(body, this.home.channelOf(user)) : null;
    if (!user || !action || !this.onAction) return;
    if (this.opts.lookupGroups !== false) action.groups = await this.groups.of(user);
    this.home.answered(user, await this.onAction(action));
  }
}

/** Slack's answers that only a new token cures. */
const TOKEN_REFUSED = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'not_allowed_token_type']);

/** auth.test failing at start: a refused token is the operator's to fix; anything else may pass. */
function authFailure(err: unknown): Error {
  const code = (err as { data?: { error?: unknown } } | null)?.data?.error;
  if (typeof code === 'string' && TOKEN_REFUSED.has(code)) {
    return new PackbotError('platform_refused', `Slack refused adapters.slack.bot_token (${code}): set a valid bot token (xoxb-…) in packbot.yaml or its \${VAR}, then start again.`);
  }
  return new Error(`Slack's auth.test failed for adapters.slack.bot_token (${errorMessage(err)})`, { cause: err });
}

/** Slack's reason for not deleting, as one line for the person who asked. */
function deleteRefusal(code: unknown): string {
  switch (code) {
    case 'cant_delete_message':
      return "Slack would not let packbot delete it (the user token's owner can't delete that message); delete it by hand.";
    case 'missing_scope':
      return 'adapters.slack.user_token lacks the chat:write user scope, so packbot could not delete it; delete it by hand.';
    case 'invalid_auth': case 'not_authed': case 'token_revoked': case 'token_expired': case 'account_inactive':
      return `Slack refused adapters.slack.user_token (${String(code)}), so packbot could not delete it; delete it by hand.`;
    default:
      return `Slack would not delete it (${typeof code === 'string' ? code : 'no answer'}); delete it by hand.`;
  }
}
