/**
 * /healthz latency and event-loop lag while a signed push is handled, in a process of its own
 * (bench/lag-push.ts starts it). Three phases on one running bot: idle, an ordinary push (every
 * good pack bumped) and a hostile one (bumped again, plus packs with a 60,000-key, a deeply
 * nested and an alias-bomb YAML file). /healthz is asked over and over, one request at a time,
 * throughout each phase; the bot and the prober share the event loop, so a blocked loop shows
 * as the probe in flight taking that long.
 *
 * Usage: node dist/bench/lag-push-child.js <checkout root> <repo dir> <state dir> <base> <ordinary> <hostile>
 * Prints one JSON line.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { startBenchApp } from './child-app.js';

const argv = process.argv.slice(2);
if (argv.length !== 6 || argv.some((a) => a === '')) throw new Error('usage: lag-push-child.js <checkout root> <repo dir> <state dir> <base> <ordinary> <hostile>');
const [root, repoDir, stateDir, base, ordinary, hostile] = argv as [string, string, string, string, string, string];
const run = promisify(execFile);
const SECRET = 'bench-webhook-secret';
const RESOLUTION_MS = 10;
const url = pathToFileURL(repoDir).href;

const yaml = [
  `state_dir: ${stateDir}`, 'log: {level: silent}', 'server: {port: 0, host: 127.0.0.1, webhooks: {github: {secret: ' + SECRET + '}}}',
  'repositories:', `  bench: {repo: "${url}", branch: main, auto_deployment: {notify_channel: bench}}`, 'confirm: {policy: never}',
].join('\n');
const app = await startBenchApp(root, yaml, stateDir);
const httpBase: string = app.httpUrl();

interface Phase { ms: number; probes: number; healthz_max_ms: number; healthz_p99_ms: number; failed_probes: number; lag_max_ms: number }

/** Runs `work` while probing /healthz and sampling the loop's lateness. */
async function measured(work: () => Promise<void>): Promise<Phase> {
  const latencies: number[] = [];
  let failed = 0;
  let running = true;
  const prober = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${httpBase}/healthz`, { signal: AbortSignal.timeout(60_000) });
        await res.arrayBuffer();
        if (res.status !== 200) failed++;
      } catch {
        failed++;
      }
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  let lagMax = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lagMax = Math.max(lagMax, now - last - RESOLUTION_MS);
    last = now;
  }, RESOLUTION_MS);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  running = false;
  await prober;
  clearInterval(timer);
  latencies.sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 10) / 10;
  return {
    ms: Math.round(ms), probes: latencies.length, failed_probes: failed,
    healthz_max_ms: r(latencies.at(-1) ?? 0), healthz_p99_ms: r(latencies[Math.floor(latencies.length * 0.99)] ?? 0), lag_max_ms: r(lagMax),
  };
}

/** Moves main to `after` and delivers the push GitHub would send, then waits for its deploy. */
async function push(before: string, after: string): Promise<void> {
  await run('git', ['-C', repoDir, 'update-ref', 'refs/heads/main', after]);
  const body = JSON.stringify({
    ref: 'refs/heads/main', before, after, created: false, deleted: false, forced: false,
    pusher: { name: 'bench' }, sender: { login: 'bench' },
    head_commit: { id: after, message: 'bench push', author: { name: 'bench' } }, commits: [{ id: after, message: 'bench push' }],
    repository: { full_name: 'bench/packs', clone_url: url, ssh_url: 'git@github.invalid:bench/packs.git', html_url: 'https://github.invalid/bench/packs' },
  });
  const res = await fetch(`${httpBase}/webhooks/github`, {
    method: 'POST', body,
    headers: {
      'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
  });
  if (res.status !== 202) throw new Error(`the push was answered ${res.status}: ${await res.text()}`);
  await app.services.coordinator.settled();
  await app.idle();
}

// Warm up (mirror cloned, base deployed, the YAML workers started) outside the measured phases.
await app.deployer.run({ repo: 'bench', packs: '', requestedBy: 'bench:bench' });
const idle = await measured(() => new Promise((r) => setTimeout(r, 1000)));
const ordinaryPush = await measured(() => push(base, ordinary));
const hostilePush = await measured(() => push(ordinary, hostile));
const [last] = await app.services.history.list({ limit: 1 });
const refused = (last?.packs ?? []).filter((p: { status: string }) => p.status === 'failed').map((p: { pack: string }) => p.pack).sort();
await app.stop();
process.stdout.write(`${JSON.stringify({ idle, ordinary_push: ordinaryPush, hostile_push: hostilePush, hostile_refused: refused })}\n`);
