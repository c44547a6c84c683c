/**
 * The whole bot on Discord for tests: the real app (embedded store, real aliases and
 * templates, real git repos in temp dirs) with the DiscordAdapter built by createAdapters,
 * its discord.js client talking to a FakeDiscord on 127.0.0.1.
 */
import { createApp, type App } from '../../../src/app/app.js';
import { createAdapters } from '../../../adapters/index.js';
import { createRepo, tempDir, type FileSpec } from '../../helpers/git-repo.js';
import { testRuntime } from '../../helpers/runtime.js';
import { FakeDiscord, snowflake, type FakeUser, type RecordedRequest } from '../../helpers/fake-discord.js';
import { scenarioRepo } from '../../scenarios/setup.js';
import type { DiscordAdapter } from '../../../adapters/discord/adapter.js';

/** Shaped like a real bot token (id.timestamp.hmac); the last part is the secret one. */
export const BOT_TOKEN = 'MTE4NzY1NDMyMTAxMjM0NTY3OA.GhXk2v.q9Zr7sT3uV1wX5yA8bC0dE2fG4hJ6kL8mN0pQ';
/** A repository token (used for https fetches; here it only has to stay out of chat). */
export const REPO_TOKEN = 'ghp_R3poT0kenThatMustNeverBeSeen1234567';

export interface DiscordBot {
  fake: FakeDiscord;
  app: App;
  adapter: DiscordAdapter;
  alice: FakeUser;
  bob: FakeUser;
  logs(): string;
  /** Bot messages posted to a channel (POST /channels/:id/messages), in order. */
  posts(): RecordedRequest[];
  /** Waits for a posted message whose content or embed title matches. */
  posted(pattern: RegExp): Promise<RecordedRequest>;
  /** Waits for an edit of a channel message (PATCH /channels/:id/messages/:id) whose content or embed title matches. */
  edited(pattern: RegExp): Promise<RecordedRequest>;
  stop(): Promise<void>;
}

/** `demo` deploys straight away; `strict` (the same repo) always asks for confirmation; `private` needs a token. */
function yaml(url: string, bigUrl?: string): string {
  return [
    'state_dir: ./var',
    'log: {level: debug}',
    'adapters:',
    '  discord: {token: "${DISCORD_TOKEN}", application_id: "1187654321012345678"}',
    'repositories:',
    `  demo: {repo: ${JSON.stringify(url)}, branch: main}`,
    `  strict: {repo: ${JSON.stringify(url)}, branch: main, confirm: {policy: always, timeout: 10m}}`,
    // Nothing listens on port 9 (discard): a fetch fails at once, and its error must not carry the token.
    `  private: {repo: "http://127.0.0.1:9/private.git", branch: main, token: "${REPO_TOKEN}"}`,
    ...(bigUrl ? [`  big: {repo: ${JSON.stringify(bigUrl)}, branch: main}`] : []),
  ].join('\n');
}

/** `big`: a second repository (e.g. many packs, for long replies). */
export async function startDiscordBot(opts: { big?: Record<string, FileSpec> } = {}): Promise<DiscordBot> {
  const repo = await scenarioRepo();
  const big = opts.big ? await createRepo({ files: opts.big }) : undefined;
  const dir = await tempDir('packbot-discord-');
  const fake = await FakeDiscord.start(BOT_TOKEN);
  const rt = await testRuntime(yaml(repo.url, big?.url), dir, { DISCORD_TOKEN: BOT_TOKEN });
  const adapters = createAdapters(rt.config, { logger: rt.logger, discord: { rest: { api: fake.apiUrl } } });
  const app = await createApp(rt.config, { ...rt, adapters });
  await app.start();
  const posts = () => fake.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path));
  const matches = (r: RecordedRequest, pattern: RegExp) =>
    pattern.test(r.body?.content ?? '') || (r.body?.embeds ?? []).some((e: { title?: string }) => pattern.test(e.title ?? ''));
  return {
    fake, app,
    adapter: adapters[0] as DiscordAdapter,
    alice: { id: snowflake(), username: 'alice' },
    bob: { id: snowflake(), username: 'bob' },
    logs: rt.logs,
    posts,
    posted: (pattern) => fake.waitFor((r) => posts().includes(r) && matches(r, pattern), `a message matching ${pattern}`),
    edited: (pattern) => fake.waitFor((r) => r.method === 'PATCH' && /^\/channels\/\d+\/messages\/\d+$/.test(r.path) && matches(r, pattern), `an edit matching ${pattern}`),
    async stop() {
      await app.stop();
      await fake.close();
    },
  };
}
