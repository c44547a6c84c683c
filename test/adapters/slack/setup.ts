/**
 * The real app (embedded store, real aliases and templates, real git repos in temp dirs)
 * with the SlackAdapter built by createAdapters and pointed at a fake Slack on 127.0.0.1.
 */
import { createApp, type App } from '../../../src/app/app.js';
import { createAdapters } from '../../../adapters/index.js';
import { tempDir } from '../../helpers/config.js';
import { startFakeSlack, type FakeSlack } from '../../helpers/fake-slack.js';
import { testRuntime, type TestRuntime } from '../../helpers/runtime.js';

export const SECRETS = {
  bot: 'xoxb-1111-2222-BotTokenSecretValue',
  app: 'xapp-1-A0000001-3333-AppTokenSecretValue',
  signing: 'signing-secret-0123456789abcdef0123',
  user: 'xoxp-4444-5555-UserTokenSecretValue',
};

export interface SlackBot {
  app: App;
  fake: FakeSlack;
  rt: TestRuntime;
  /** Stops the app, then the fake. */
  close(): Promise<void>;
}

export interface SlackBotOptions {
  mode: 'socket' | 'http';
  /** `repositories:` entries, one YAML line each, indented by two. */
  repositories: string[];
  env?: Record<string, string>;
  sleep?: (ms: number) => Promise<void>;
  /** `permissions:` entries, one YAML line each, indented by two. */
  permissions?: string[];
  /** The adapter's clock (ms), e.g. to step past the user-group cache's TTL. */
  now?: () => number;
  /** Runs on the fake before the app starts (user groups, failures). */
  prepare?: (fake: FakeSlack) => void;
  /** Configure adapters.slack.user_token (SECRETS.user): packbot may delete people's messages. */
  userToken?: boolean;
}

export async function startSlackBot(opts: SlackBotOptions): Promise<SlackBot> {
  const dir = await tempDir('packbot-slack-');
  const yaml = [
    'state_dir: ./var',
    'log: {level: debug}',
    'adapters:',
    `  slack: {bot_token: "\${SLACK_BOT_TOKEN}", app_token: "\${SLACK_APP_TOKEN}", signing_secret: "\${SLACK_SIGNING_SECRET}", mode: ${opts.mode}${opts.userToken ? ', user_token: "${SLACK_USER_TOKEN}"' : ''}}`,
    // Only HTTP mode needs the server; Socket Mode opens no port.
    ...(opts.mode === 'http' ? ['server: {port: 0}'] : []),
    'repositories:',
    ...opts.repositories.map((r) => `  ${r}`),
    ...(opts.permissions ? ['permissions:', ...opts.permissions.map((l) => `  ${l}`)] : []),
  ].join('\n');
  const rt = await testRuntime(yaml, dir, { SLACK_BOT_TOKEN: SECRETS.bot, SLACK_APP_TOKEN: SECRETS.app, SLACK_SIGNING_SECRET: SECRETS.signing, SLACK_USER_TOKEN: SECRETS.user, ...opts.env });
  const fake = await startFakeSlack();
  opts.prepare?.(fake);
  const slack = { apiUrl: fake.apiUrl, ...(opts.sleep ? { sleep: opts.sleep } : {}), ...(opts.now ? { now: opts.now } : {}) };
  const adapters = createAdapters(rt.config, { logger: rt.logger, slack });
  const app = await createApp(rt.config, { ...rt, adapters });
  await app.start();
  return {
    app, fake, rt,
    async close() {
      await app.stop();
      await fake.close();
    },
  };
}

let tsSeq = 0;
/** A unique Slack message ts. */
export function nextTs(): string {
  tsSeq += 1;
  return `1710000000.${String(tsSeq).padStart(6, '0')}`;
}

/** A person's message event in a channel. */
export function messageEvent(text: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'message', channel: 'C0OPS', channel_type: 'channel', user: 'UALICE01', text, ts: nextTs(), event_ts: '1710000000.000000', ...over };
}
