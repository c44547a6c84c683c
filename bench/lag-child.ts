/**
 * One measured cold deploy of every pack, in a process of its own (bench/lag.ts starts it),
 * so peak RSS and the JIT belong to this deploy alone. The packbot modules are imported from
 * `--root`'s dist/, which is this checkout or another one built from an older commit: the
 * same measuring code runs both.
 *
 * Usage: node dist/bench/lag-child.js <checkout root> <repo url> <state dir> <expected packs>
 * Prints one JSON line: deploy_ms, the event-loop lag, peak RSS.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startBenchApp } from './child-app.js';

const [root, url, stateDir, expected] = process.argv.slice(2);
if (!root || !url || !stateDir || !expected) throw new Error('usage: lag-child.js <checkout root> <repo url> <state dir> <expected packs>');
const RESOLUTION_MS = 10;

const yaml = `state_dir: ${stateDir}\nlog: {level: silent}\nrepositories:\n  bench: {repo: "${url}", branch: main}\n`;
const app = await startBenchApp(root, yaml, stateDir);

// Two measures of the same thing: perf_hooks' histogram (which counts its own 10 ms into each
// value) and a 10 ms timer's lateness, as packbot_event_loop_delay_* computes it.
const eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
const late: number[] = [];
let last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  late.push(Math.max(0, now - last - RESOLUTION_MS));
  last = now;
}, RESOLUTION_MS);
eld.enable();
const started = performance.now();
const result = await app.deployer.run({ repo: 'bench', packs: '', requestedBy: 'bench:bench' });
const deployMs = performance.now() - started;
late.push(Math.max(0, performance.now() - last - RESOLUTION_MS));
clearInterval(timer);
eld.disable();
await app.stop();

const statuses: Record<string, number> = {};
for (const p of result.packs as Array<{ status: string }>) statuses[p.status] = (statuses[p.status] ?? 0) + 1;
if (statuses['deployed'] !== Number(expected)) {
  throw new Error(`expected ${expected} packs deployed, got ${JSON.stringify(statuses)}: ${JSON.stringify(result.packs.find((p: { status: string }) => p.status !== 'deployed'))}`);
}
late.sort((a, b) => a - b);
const ms = (n: number) => Math.round(n * 10) / 10;
process.stdout.write(`${JSON.stringify({
  deploy_ms: Math.round(deployMs),
  lag_max_ms: ms(late.at(-1) ?? 0),
  lag_p99_ms: ms(late[Math.min(late.length - 1, Math.floor(late.length * 0.99))] ?? 0),
  eld_max_ms: ms(eld.max / 1e6),
  eld_p99_ms: ms(eld.percentile(99) / 1e6),
  ticks: late.length,
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
})}\n`);
