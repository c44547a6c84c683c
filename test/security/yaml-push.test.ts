/**
 * Issue 15, finding 5: hostile YAML in a pushed pack used to be parsed on the main thread (60k
 * keys: 133 s), so one signed push stopped /healthz, chat and webhooks for minutes. Now each
 * such file is refused for its own pack with a one-line reason, the other packs deploy, and
 * /healthz keeps answering throughout. No timing is asserted here (bench/lag.ts measures the
 * latency): every probe must get a 200 within a generous client timeout, and probes must keep
 * being answered while the deploy runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack } from '../helpers/deploy.js';
import { createRepo, type GitRepo } from '../helpers/git-repo.js';
import { startLiveBot, type LiveBot } from '../helpers/live-bot.js';
import { deliver, githubPush, pushBotConfig } from '../helpers/webhooks.js';
import { hostileYaml } from '../../bench/hostile-yaml.js';

const SECRET = 'gh-webhook-secret-yaml-15';
const PROBE_TIMEOUT_MS = 10_000;

function config(url: string): string {
  return pushBotConfig(SECRET, [`packs: {repo: ${JSON.stringify(url)}, branch: main, notify_channel: ops, auto_deployment: {notify_channel: deploys}}`], ['confirm: {policy: never}']);
}

interface Probe { sentAt: number; answeredAt: number; status: number | string }

/** /healthz asked over and over, one request at a time, until stopped. */
function probeLoop(base: string): { stop(): Promise<Probe[]> } {
  const probes: Probe[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const sentAt = Date.now();
      let status: number | string;
      try {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        await res.arrayBuffer();
        status = res.status;
      } catch (err) {
        status = err instanceof Error ? err.name : String(err);
      }
      probes.push({ sentAt, answeredAt: Date.now(), status });
      // A macrotask between probes, so the loop never starves the server it shares a thread with.
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return probes;
    },
  };
}

describe('hostile YAML in a pushed pack', () => {
  let repo: GitRepo;
  let bot: LiveBot;
  let base: string;

  beforeAll(async () => {
    repo = await createRepo({ files: { ...pack('good1'), ...pack('good2') } as Record<string, string> });
    bot = await startLiveBot(config(repo.url));
    base = bot.app.httpUrl() ?? '';
  });
  afterAll(async () => bot?.stop());

  it('is refused for its pack alone, the other packs deploy, and /healthz answers throughout', async () => {
    const before = await repo.revParse('HEAD');
    const after = await repo.commit('Hostile YAML beside two good packs', {
      ...pack('good1', { version: '1.1.0' }),
      ...pack('good2', { version: '1.1.0' }),
      ...pack('wide', { extra: { 'packs/wide/actions/wide.yaml': hostileYaml.wide(60_000) } }),
      ...pack('deep', { extra: { 'packs/deep/actions/deep.yaml': hostileYaml.deep(50_000) } }),
      ...pack('bomb', { extra: { 'packs/bomb/actions/bomb.yaml': hostileYaml.aliasBomb(9) } }),
    });

    const probes = probeLoop(base);
    const pushedAt = Date.now();
    const res = await deliver(base, 'github', githubPush({ url: repo.url, branch: 'main', before, after }, SECRET));
    expect(res.status).toBe(202);
    expect(res.json['results']).toEqual([expect.objectContaining({ status: 'queued', packs: ['bomb', 'deep', 'good1', 'good2', 'wide'] })]);
    await bot.app.services.coordinator.settled();
    await bot.app.idle();
    const doneAt = Date.now();
    const seen = await probes.stop();

    // Every probe answered 200; and while the deploy ran, probes kept coming back (a blocked
    // event loop answers none until it is free again, however long the deploy takes).
    expect(seen.filter((p) => p.status !== 200)).toEqual([]);
    const during = seen.filter((p) => p.sentAt >= pushedAt && p.answeredAt <= doneAt);
    expect(during.length).toBeGreaterThanOrEqual(3);

    const [record] = await bot.app.services.history.list({ limit: 1 });
    expect(record).toMatchObject({ commit: after, result: 'partial' });
    const byPack = Object.fromEntries((record?.packs ?? []).map((p) => [p.pack, p]));
    expect(byPack['good1']).toMatchObject({ status: 'deployed', version: '1.1.0' });
    expect(byPack['good2']).toMatchObject({ status: 'deployed', version: '1.1.0' });
    const reasons: Record<string, RegExp> = {
      wide: /^actions\/wide\.yaml: has 60000 keys; packbot reads at most 20000 per file — split the file$/,
      deep: /^actions\/deep\.yaml: is nested more than 100 levels deep; .*flatten the file$/,
      bomb: /^actions\/bomb\.yaml: expands its aliases .* write the values out in full$/,
    };
    for (const [name, reason] of Object.entries(reasons)) {
      expect(byPack[name]?.status, name).toBe('failed');
      // The pack's problem list ("1 problem in the pack:"), with this file's reason on one line of its own.
      expect(byPack[name]?.error?.split('\n'), name).toContainEqual(expect.stringMatching(reason));
    }
    expect((await bot.app.services.store.list()).map((r) => r.pack).sort()).toEqual(['good1', 'good2']);
  });
});
