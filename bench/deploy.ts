/**
 * Deploy speed as a user pays it: `packbot deploy` run as a whole process (start-up and exit
 * included; peak RSS from wait4) on packed, generated repositories, each case against its
 * floor timed in the same run through the same wrapper (bench/whole-process.ts):
 *
 * - cold one pack (a ~190-action pack, fresh state dir) vs `git clone --depth 1` + `cp -r` of it;
 * - cold `all` (100 packs; 1,000 unless PACKBOT_BENCH_QUICK=1) vs clone + `cp -r` of every pack;
 * - warm `all`, nothing changed, vs a bare `git fetch` of a mirror;
 * - one pack changed, `all`, vs fetching that commit into the floor's clone and copying the pack;
 * - peak RSS of the 1,000-pack cold deploy;
 * - the warm and one-changed cases again as a chat user waits for them: a running
 *   `packbot chat` asked `!pack deploy bench all`, request line to summary (bench/served.ts),
 *   each against its own floor measured in the same run (chat_table).
 *
 * Each figure carries the deployer's own in-process duration (its --json duration_ms) and stage
 * times beside the whole-process wall time, its ratio to the floor, the Done-when target and
 * pass/fail. PACKBOT_BENCH_AGAINST=<dir from bench/baseline.sh> runs that build's CLI too,
 * interleaved with this one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fileCount, generateRepo, median, touchPack, type RepoShape } from './repo-gen.js';
import { cliDeploy, cliState, timeShell, type CliDeploy, type ProcessRun } from './whole-process.js';
import { startServed } from './served.js';

// Still the shared helpers of the other benches (lag-push, registry).
export { git, median } from './repo-gen.js';

/** This checkout: dist/bench/deploy.js → the directory holding dist/. */
const HERE = fileURLToPath(new URL('../..', import.meta.url));
const BIG = { index: 42, actions: 190 };
const TARGETS = { cold_one_pack: 2, cold_all: 2, warm_all: 3, one_changed_all: 2, peak_rss_mb: 250 };

interface Side { wall_ms: number; in_process_ms: number; peak_rss_mb: number; cpu_ms: number; stages: Record<string, number>; samples_ms: number[] }
interface Figure {
  case: string;
  packs_in_repo: number;
  runs: number;
  floor: { command: string; wall_ms: number; peak_rss_mb: number; samples_ms: number[] };
  packbot: Side;
  ratio: number | null;
  in_process_ratio: number | null;
  target_max: number;
  pass: boolean;
  against?: Side;
  current_vs_against?: number | null;
}

/** A case as a chat user waits for it, on a running packbot (bench/served.ts), beside its floor. */
interface ServedFigure {
  case: string;
  packs_in_repo: number;
  runs: number;
  measured: 'chat: `packbot chat` already running, from the request line to the summary';
  floor: { command: string; wall_ms: number; samples_ms: number[] };
  packbot: { wall_ms: number; samples_ms: number[] };
  ratio: number | null;
  target_max: number;
  pass: boolean;
}

class ServedSamples {
  readonly floor: number[] = [];
  readonly served: number[] = [];
  constructor(readonly name: string, readonly command: string, readonly target: number) {}

  figure(packs: number): ServedFigure {
    const floorMs = median(this.floor);
    const wall = median(this.served);
    const r = ratio(wall, floorMs);
    return {
      case: this.name, packs_in_repo: packs, runs: this.served.length, measured: 'chat: `packbot chat` already running, from the request line to the summary',
      floor: { command: this.command, wall_ms: floorMs, samples_ms: this.floor }, packbot: { wall_ms: wall, samples_ms: this.served },
      ratio: r, target_max: this.target, pass: r !== null && r <= this.target,
    };
  }
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Medians of the runs; the stages of the run whose wall time is the median; the highest RSS. */
function side(runs: CliDeploy[]): Side {
  const wall = median(runs.map((r) => r.wall_ms));
  const mid = runs.find((r) => r.wall_ms === wall) ?? runs[0]!;
  return {
    wall_ms: wall, in_process_ms: median(runs.map((r) => r.in_process_ms)), peak_rss_mb: Math.max(...runs.map((r) => r.peak_rss_mb)),
    cpu_ms: median(runs.map((r) => r.cpu_ms)), stages: mid.stages, samples_ms: runs.map((r) => r.wall_ms),
  };
}

/** One case's samples, gathered run by run (interleaved, so a busy moment hits every side). */
class Samples {
  readonly floor: ProcessRun[] = [];
  readonly current: CliDeploy[] = [];
  readonly previous: CliDeploy[] = [];
  constructor(readonly name: string, readonly command: string, readonly target: number) {}

  figure(packs: number): Figure {
    const floorMs = median(this.floor.map((r) => r.wall_ms));
    const now = side(this.current);
    const before = this.previous.length ? side(this.previous) : undefined;
    const r = ratio(now.wall_ms, floorMs);
    return {
      case: this.name, packs_in_repo: packs, runs: this.current.length,
      floor: { command: this.command, wall_ms: floorMs, peak_rss_mb: Math.max(...this.floor.map((f) => f.peak_rss_mb)), samples_ms: this.floor.map((f) => f.wall_ms) },
      packbot: now, ratio: r, in_process_ratio: ratio(now.in_process_ms, floorMs), target_max: this.target, pass: r !== null && r <= this.target,
      ...(before ? { against: before, current_vs_against: ratio(now.wall_ms, before.wall_ms) } : {}),
    };
  }
}

async function floorRun(script: string, cwd: string): Promise<ProcessRun> {
  const r = await timeShell(script, cwd);
  if (r.code !== 0) throw new Error(`floor failed (${r.code}): ${script}: ${r.stderr.slice(-1000)}`);
  return r;
}

/**
 * Every case on one repository of `shape`, `runs` times. Each run: a fresh clone and state dir
 * per build (cold), `all` again (warm), then one pack edited and `all` (one changed).
 */
async function benchRepo(work: string, shape: RepoShape, runs: number, against: string | undefined, onePack: boolean): Promise<{ figures: Figure[]; served: ServedFigure[] }> {
  const tag = `r${shape.packs}`;
  const repo = path.join(work, tag);
  const names = await generateRepo(repo, shape);
  const url = pathToFileURL(repo).href;
  const big = names[BIG.index]!;
  const mirror = path.join(work, `${tag}-mirror`);
  await floorRun(`git clone --quiet --mirror ${q(url)} ${q(mirror)}`, work);
  const n = shape.packs;
  const one = new Samples('cold_one_pack', `git clone --depth 1 + cp -r packs/${big}`, TARGETS.cold_one_pack);
  const cold = new Samples('cold_all', 'git clone --depth 1 + cp -r packs', TARGETS.cold_all);
  const warm = new Samples('warm_all_unchanged', 'git fetch (bare mirror, nothing new)', TARGETS.warm_all);
  const changed = new Samples('one_changed_all', 'git fetch --depth 1 + reset --hard + cp -r of the changed pack', TARGETS.one_changed_all);
  const warmServed = new ServedSamples('warm_all_unchanged', 'git fetch (bare mirror, nothing new)', TARGETS.warm_all);
  const changedServed = new ServedSamples('one_changed_all', 'git fetch --depth 1 + reset --hard + cp -r of the changed pack', TARGETS.one_changed_all);
  const builds: Array<[string, 'current' | 'previous']> = [[HERE, 'current'], ...(against ? [[against, 'previous']] as Array<[string, 'previous']> : [])];

  for (let i = 0; i < runs; i++) {
    const dir = (s: string) => path.join(work, `${tag}-${s}-${i}`);
    if (onePack) {
      one.floor.push(await floorRun(`git clone --quiet --depth 1 ${q(url)} ${q(dir('one-floor'))} && cp -r ${q(path.join(dir('one-floor'), 'packs', big))} ${q(dir('one-copy'))}`, work));
      for (const [checkout, which] of builds) {
        one[which].push(await cliDeploy(checkout, await cliState(dir(`one-${which}`), url), big, { deployed: 1 }));
      }
    }
    const clone = dir('floor');
    cold.floor.push(await floorRun(`git clone --quiet --depth 1 ${q(url)} ${q(clone)} && cp -r ${q(path.join(clone, 'packs'))} ${q(dir('copy'))}`, work));
    const configs: Record<string, string> = {};
    for (const [checkout, which] of builds) {
      configs[which] = await cliState(dir(which), url);
      cold[which].push(await cliDeploy(checkout, configs[which]!, 'all', { deployed: n }));
    }
    warm.floor.push(await floorRun(`git -C ${q(mirror)} fetch --quiet`, work));
    for (const [checkout, which] of builds) warm[which].push(await cliDeploy(checkout, configs[which]!, 'all', { unchanged: n }));

    const pack = names[(7 + 13 * i) % n]!;
    await touchPack(repo, pack, i + 1);
    changed.floor.push(await floorRun(`git fetch --quiet --depth 1 origin main && git reset --quiet --hard FETCH_HEAD && cp -r ${q(path.join('packs', pack))} ${q(dir('changed-copy'))}`, clone));
    for (const [checkout, which] of builds) changed[which].push(await cliDeploy(checkout, configs[which]!, 'all', { deployed: 1, unchanged: n - 1 }));
    // The mirror follows the repo, so the warm fetches below again have nothing new.
    await floorRun(`git -C ${q(mirror)} fetch --quiet`, work);

    // The same two cases as a chat user waits for them, on this build's state, bot running.
    const bot = startServed(HERE, configs['current']!);
    try {
      await expectSummary(bot.deployAll(), n); // the bot's first request warms it up, as a running bot is
      warmServed.floor.push((await floorRun(`git -C ${q(mirror)} fetch --quiet`, work)).wall_ms);
      warmServed.served.push(await expectSummary(bot.deployAll(), n));
      const other = names[(11 + 17 * i) % n]!;
      await touchPack(repo, other, runs + i + 1);
      changedServed.floor.push((await floorRun(`git fetch --quiet --depth 1 origin main && git reset --quiet --hard FETCH_HEAD && cp -r ${q(path.join('packs', other))} ${q(dir('served-copy'))}`, clone)).wall_ms);
      changedServed.served.push(await expectSummary(bot.deployAll(), n));
    } finally {
      await bot.stop();
    }
    await floorRun(`git -C ${q(mirror)} fetch --quiet`, work);
    // The next run starts from clean state dirs; the repo's disk is what the later runs need.
    for (const s of ['one-floor', 'one-copy', 'one-current', 'one-previous', 'floor', 'copy', 'changed-copy', 'served-copy', 'current', 'previous']) {
      await rm(dir(s), { recursive: true, force: true, maxRetries: 3 });
    }
  }
  return { figures: [...(onePack ? [one] : []), cold, warm, changed].map((s) => s.figure(n)), served: [warmServed, changedServed].map((s) => s.figure(n)) };
}

/** A served deploy's wait, once its summary says every pack is fine. */
async function expectSummary(asked: Promise<{ wall_ms: number; summary: string }>, packs: number): Promise<number> {
  const { wall_ms, summary } = await asked;
  if (!summary.includes(`: ${packs} ok, 0 failed`)) throw new Error(`served deploy did not end with ${packs} ok: ${summary.slice(0, 500)}`);
  return wall_ms;
}

export async function benchDeploy(): Promise<object> {
  const against = process.env['PACKBOT_BENCH_AGAINST'] || undefined;
  if (against && !existsSync(path.join(against, 'dist', 'bin', 'packbot.js'))) {
    throw new Error(`PACKBOT_BENCH_AGAINST=${against} has no dist/bin/packbot.js; make it with bench/baseline.sh <git-ref>`);
  }
  if (!existsSync(path.join(HERE, 'dist', 'bin', 'packbot.js'))) throw new Error('no dist/bin/packbot.js: run `npm run build` first');
  const quick = process.env['PACKBOT_BENCH_QUICK'] === '1';
  const repos: Array<{ shape: RepoShape; runs: number; onePack: boolean }> = [
    { shape: { packs: 100, actions: 10, big: BIG }, runs: 5, onePack: true },
    ...(quick ? [] : [{ shape: { packs: 1000, actions: 2 }, runs: 1, onePack: false }]),
  ];
  const work = await mkdtemp(path.join(tmpdir(), 'packbot-bench-deploy-'));
  try {
    // A busy machine moves every figure: the load says how far to trust this run's ratios.
    const loadAtStart = loadavg().map((l) => Math.round(l * 10) / 10);
    const figures: Figure[] = [];
    const served: ServedFigure[] = [];
    const shapes: object[] = [];
    for (const { shape, runs, onePack } of repos) {
      shapes.push({ ...shape, files: fileCount(shape) });
      const got = await benchRepo(work, shape, runs, against, onePack);
      // Progress for whoever watches a long run; stdout stays one JSON document.
      for (const f of got.figures) process.stderr.write(`deploy: ${f.case} ${f.packs_in_repo} packs: ${f.packbot.wall_ms} ms vs floor ${f.floor.wall_ms} ms (${f.ratio}×)\n`);
      for (const f of got.served) process.stderr.write(`deploy (chat): ${f.case} ${f.packs_in_repo} packs: ${f.packbot.wall_ms} ms vs floor ${f.floor.wall_ms} ms (${f.ratio}×)\n`);
      figures.push(...got.figures);
      served.push(...got.served);
    }
    const big = figures.find((f) => f.case === 'cold_all' && f.packs_in_repo === 1000);
    const rss = big ? { packs: 1000, peak_rss_mb: big.packbot.peak_rss_mb, target_max_mb: TARGETS.peak_rss_mb, pass: big.packbot.peak_rss_mb <= TARGETS.peak_rss_mb } : null;
    const ref = against && existsSync(path.join(against, '.packbot-baseline-ref')) ? readFileSync(path.join(against, '.packbot-baseline-ref'), 'utf8').trim() : undefined;
    return {
      measured: 'whole process (node dist/bin/packbot.js deploy … --json), packed repositories; in_process_ms is the deployer\'s duration_ms',
      repos: shapes,
      cpus: cpus().length,
      load_average: { start: loadAtStart, end: loadavg().map((l) => Math.round(l * 10) / 10) },
      ...(against ? { against: { checkout: against, ...(ref ? { commit: ref } : {}) } } : {}),
      table: figures.map((f) => ({ case: f.case, packs: f.packs_in_repo, packbot_ms: f.packbot.wall_ms, in_process_ms: f.packbot.in_process_ms, floor_ms: f.floor.wall_ms, ratio: f.ratio, target_max: f.target_max, pass: f.pass, peak_rss_mb: f.packbot.peak_rss_mb })),
      peak_rss_1000_packs: rss,
      all_pass: figures.every((f) => f.pass) && (rss?.pass ?? true),
      // The warm and one-changed cases again, as a chat user waits for them (no start-up).
      chat_table: served.map((f) => ({ case: f.case, packs: f.packs_in_repo, packbot_ms: f.packbot.wall_ms, floor_ms: f.floor.wall_ms, ratio: f.ratio, target_max: f.target_max, pass: f.pass })),
      figures,
      chat_figures: served,
    };
  } finally {
    await rm(work, { recursive: true, force: true, maxRetries: 3 });
  }
}

// `node dist/bench/deploy.js` runs this bench alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.stdout.write(`${JSON.stringify(await benchDeploy(), null, 2)}\n`);
}
