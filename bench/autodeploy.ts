/**
 * Push-to-deployed on a generated, packed repo of 100 packs × 20 actions (bench/repo-gen.ts):
 * a signed GitHub push touching one pack, POSTed to a running bot, timed until that pack's
 * new release is active. The baseline, taken in the same run, is a cold single-pack deploy
 * (fresh state dir: mirror clone included), so the ratio compares across machines. The bot
 * is measured as it lives: mirror warm, every pack already deployed, HTTP server up.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '../src/domain/config/index.js';
import { createMasker } from '../src/core/masking/masker.js';
import { createLogger } from '../src/core/logging/logger.js';
import { AliasTable } from '../src/domain/aliases/index.js';
import { createTemplates } from '../src/interfaces/templates/environment.js';
import { createApp, type App } from '../src/app/app.js';
import { createAdapters } from '../adapters/index.js';
import { generateRepo, git, median, packName, touchPack } from './repo-gen.js';

const SECRET = 'bench-webhook-secret';
const REPO = 'bench';
const COLD_TARGET = 'pack_042';

const PACKS = 100;
const head = async (dir: string) => (await git(dir, ['rev-parse', 'HEAD'])).trim();

/** A bot with nothing deployed yet, for the cold baseline: silent, no adapters. */
async function makeApp(root: string, url: string): Promise<App> {
  const yaml = `state_dir: ${root}\nlog: {level: silent}\nrepositories:\n  ${REPO}: {repo: "${url}", branch: main}\n`;
  const { config } = parseConfig(yaml, { file: path.join(root, 'packbot.yaml'), env: {} });
  const masker = createMasker();
  const logger = createLogger({ level: 'silent', masker, destination: new PassThrough(), pretty: false });
  const app = await createApp(config, { logger, masker, aliases: new AliasTable([]), templates: await createTemplates(), adapters: [] });
  await app.start();
  return app;
}

/** A push delivery as GitHub sends it: HMAC-SHA256 over the exact bytes POSTed. */
function githubPush(url: string, before: string, after: string, message: string) {
  const body = JSON.stringify({
    ref: 'refs/heads/main', before, after, created: false, deleted: false, forced: false,
    pusher: { name: 'bench' }, sender: { login: 'bench' },
    head_commit: { id: after, message, author: { name: 'Bench' } },
    commits: [{ id: after, message }],
    repository: { full_name: 'bench/packs', clone_url: url, ssh_url: 'git@github.com:bench/packs.git', html_url: 'https://github.com/bench/packs' },
  });
  const headers = {
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
  };
  return { body, headers };
}

/** The running bot: HTTP server on a free port, console adapter (notices go to a drained stream). */
async function startBot(root: string, url: string): Promise<App> {
  const yaml = [
    `state_dir: ${root}`,
    'log: {level: silent}',
    `server: {host: 127.0.0.1, port: 0, webhooks: {github: {secret: ${SECRET}}}}`,
    'repositories:',
    `  ${REPO}: {repo: "${url}", branch: main, auto_deployment: {notify_channel: deploys}}`,
  ].join('\n');
  const { config } = parseConfig(yaml, { file: path.join(root, 'packbot.yaml'), env: {} });
  const masker = createMasker();
  const logger = createLogger({ level: 'silent', masker, destination: new PassThrough(), pretty: false });
  const output = new PassThrough();
  output.resume();
  const adapters = createAdapters(config, { console: { input: new PassThrough(), output, user: 'bench', channel: 'general', json: true, settle: false } });
  const app = await createApp(config, { logger, masker, aliases: new AliasTable([]), templates: await createTemplates(), adapters });
  await app.start();
  return app;
}

/** pack → active release name: what a push must change in exactly one place. */
async function activeReleases(app: App): Promise<Map<string, string>> {
  return new Map((await app.services.store.list()).filter((r) => r.active).map((r) => [r.pack, r.release]));
}

/** Resolves with the time `done` first held, checked every ~5 ms (a readlink and a small JSON read). */
async function until(done: () => Promise<boolean>, t0: number, limitMs = 120_000): Promise<number> {
  for (;;) {
    if (await done()) return performance.now() - t0;
    if (performance.now() - t0 > limitMs) throw new Error(`not deployed within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function p90(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.ceil(sorted.length * 0.9) - 1] ?? 0);
}

export async function benchAutodeploy(options: { runs?: number } = {}): Promise<Record<string, unknown>> {
  const runs = options.runs ?? 5;
  const work = await mkdtemp(path.join(tmpdir(), 'packbot-bench-auto-'));
  let bot: App | null = null;
  try {
    const repoDir = path.join(work, 'repo');
    await generateRepo(repoDir, { packs: PACKS, actions: 20 });
    const url = pathToFileURL(repoDir).href;

    // Baseline: what `pack deploy bench pack_042` costs a bot that has never seen the repo.
    const cold: number[] = [];
    for (let i = 0; i < runs; i++) {
      const app = await makeApp(path.join(work, `cold-${i}`), url);
      try {
        const result = await app.deployer.run({ repo: REPO, packs: COLD_TARGET, requestedBy: 'bench:bench' });
        if (result.packs[0]?.status !== 'deployed') throw new Error(`cold deploy failed: ${JSON.stringify(result)}`);
        cold.push(result.duration_ms);
      } finally {
        await app.stop();
      }
    }

    // The bot as it lives: every pack deployed (mirror warm), then one unmeasured push so the
    // webhook route, the queue and the notifier have each run once.
    bot = await startBot(path.join(work, 'state'), url);
    const base = bot.httpUrl() ?? '';
    const all = await bot.deployer.run({ repo: REPO, packs: '', requestedBy: 'bench:bench' });
    if (all.success_count !== PACKS) throw new Error(`warm-up deployed ${all.success_count} of ${PACKS} packs: ${all.error ?? ''}`);
    let before = await head(repoDir);

    const response: number[] = [];
    const deployed: number[] = [];
    for (let i = -1; i < runs; i++) {
      const pack = packName((7 + 13 * (i + 1)) % PACKS);
      const releases = await activeReleases(bot);
      const after = await touchPack(repoDir, pack, i + 1);
      const delivery = githubPush(url, before, after, `Edit ${pack}`);
      const store = bot.services.store;

      const t0 = performance.now();
      const posted = fetch(`${base}/webhooks/github`, { method: 'POST', headers: delivery.headers, body: delivery.body })
        .then(async (res) => ({ status: res.status, body: (await res.json()) as { results?: { status: string; packs: string[] }[] }, ms: performance.now() - t0 }));
      posted.catch(() => {}); // awaited below; don't let a failure go unhandled while polling
      const ms = await until(async () => (await store.active(pack))?.meta.commit === after, t0);
      const res = await posted;
      const outcome = res.body.results?.[0];
      if (res.status !== 202 || outcome?.status !== 'queued' || outcome.packs.join() !== pack) {
        throw new Error(`push of ${pack} was not queued as itself alone: ${res.status} ${JSON.stringify(res.body)}`);
      }

      // Let the turn finish (summary, locks) so runs don't overlap, then check nothing else moved.
      await bot.services.coordinator.settled();
      await bot.idle();
      const now = await activeReleases(bot);
      const moved = [...now].filter(([p, r]) => releases.get(p) !== r).map(([p]) => p);
      if (moved.length !== 1 || moved[0] !== pack || now.size !== releases.size) {
        throw new Error(`a push touching ${pack} changed ${JSON.stringify(moved)} (${releases.size} → ${now.size} packs active)`);
      }
      before = after;
      if (i < 0) continue;
      response.push(res.ms);
      deployed.push(ms);
    }

    const coldMs = median(cold);
    const pushMs = median(deployed);
    return {
      packs: PACKS,
      runs,
      cold_deploy_one_pack_ms: coldMs,
      webhook_response_ms: median(response),
      push_to_deployed_ms: pushMs,
      push_to_deployed_p90_ms: p90(deployed),
      ratio: Math.round((pushMs / coldMs) * 100) / 100,
      goal: { ratio_max: 2 },
      deployed_per_push: 1,
    };
  } finally {
    await bot?.stop();
    await rm(work, { recursive: true, force: true });
  }
}
