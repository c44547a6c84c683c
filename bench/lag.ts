/**
 * Event-loop lag while packbot deploys a whole repository cold: 100 and 1,000 small packs
 * (pack.yaml, two actions, a rule), every pack deployed through the real deployer, with the
 * loop's lateness sampled every 10 ms. The bot answers nothing while its loop is late, so the
 * max is the longest a chat message waited for any reply during the deploy.
 *
 * Baselines in the same run: the floor (`git clone --depth 1` + `cp -r` of the packs), and,
 * with PACKBOT_BENCH_AGAINST=<checkout> (made by bench/baseline.sh <git-ref>), the same deploy
 * by that checkout's built code. Each deploy runs in a child process of its own (lag-child.ts),
 * so peak RSS is that deploy's. PACKBOT_BENCH_QUICK=1 runs only the 100-pack repo.
 * `push`: /healthz latency while a signed push of hostile YAML is handled (lag-push.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { git, median } from './repo-gen.js';
import { benchPushLag } from './lag-push.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./lag-child.js', import.meta.url));
/** This checkout: dist/bench/lag.js → the directory holding dist/. */
const HERE = fileURLToPath(new URL('../..', import.meta.url));

interface Measure {
  deploy_ms: number;
  lag_max_ms: number;
  lag_p99_ms: number;
  eld_max_ms: number;
  eld_p99_ms: number;
  ticks: number;
  peak_rss_mb: number;
}

const packName = (n: number, width: number) => `pack_${String(n).padStart(width, '0')}`;

async function generateRepo(dir: string, packs: number): Promise<void> {
  const width = String(packs - 1).length;
  for (let p = 0; p < packs; p++) {
    const name = packName(p, width);
    const root = path.join(dir, 'packs', name);
    await mkdir(path.join(root, 'actions'), { recursive: true });
    await mkdir(path.join(root, 'rules'), { recursive: true });
    await writeFile(path.join(root, 'pack.yaml'), `---\nref: ${name}\nname: ${name}\ndescription: Generated pack ${p}.\nversion: 1.0.${p}\nauthor: bench\n`);
    await writeFile(path.join(root, 'actions', 'greet.yaml'), `---\nname: greet\nrunner_type: local-shell-script\nentry_point: greet.sh\nparameters:\n  who: {type: string, default: world}\n`);
    await writeFile(path.join(root, 'actions', 'greet.sh'), `#!/bin/sh\necho "${name} says hello to $1"\n`);
    await writeFile(path.join(root, 'actions', 'count.yaml'), `---\nname: count\nrunner_type: python-script\nentry_point: count.py\nparameters:\n  n: {type: integer, required: true}\n`);
    await writeFile(path.join(root, 'actions', 'count.py'), `import sys\n\nprint(int(sys.argv[1]) + ${p})\n`);
    await writeFile(path.join(root, 'rules', 'tick.yaml'), `---\nname: tick\npack: ${name}\ntrigger:\n  type: core.st2.IntervalTimer\n  parameters: {unit: minutes, delta: 5}\naction:\n  ref: ${name}.greet\n`);
  }
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  await git(dir, ['add', '.']);
  // No automatic gc: it would detach and still be writing when the explicit one starts.
  await git(dir, ['-c', 'gc.auto=0', 'commit', '--quiet', '-m', `${packs} generated packs`]);
  // Packed, so neither packbot nor the floor pays for thousands of loose objects.
  await git(dir, ['gc', '--quiet']);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function deployIn(checkout: string, url: string, stateDir: string, packs: number): Promise<Measure> {
  const { stdout } = await run(process.execPath, [CHILD, checkout, url, stateDir, String(packs)], { maxBuffer: 16 * 1024 * 1024, timeout: 30 * 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Measure;
}

/** Median of each figure over the runs; peak RSS is the highest. */
function summary(runs: Measure[]): Measure {
  const of = (k: keyof Measure) => median(runs.map((r) => r[k]));
  return {
    deploy_ms: of('deploy_ms'), lag_max_ms: of('lag_max_ms'), lag_p99_ms: of('lag_p99_ms'), eld_max_ms: of('eld_max_ms'),
    eld_p99_ms: of('eld_p99_ms'), ticks: of('ticks'), peak_rss_mb: Math.max(...runs.map((r) => r.peak_rss_mb)),
  };
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);

async function benchSize(work: string, packs: number, runs: number, against: string | undefined): Promise<object> {
  const repoDir = path.join(work, `repo-${packs}`);
  await generateRepo(repoDir, packs);
  const url = pathToFileURL(repoDir).href;
  const floor: number[] = [];
  const current: Measure[] = [];
  const previous: Measure[] = [];
  // Interleaved, so a busy moment on the machine falls on both sides alike.
  for (let i = 0; i < runs; i++) {
    const dest = path.join(work, `floor-${packs}-${i}`);
    floor.push(await timed(async () => {
      await git(work, ['clone', '--quiet', '--depth', '1', url, dest]);
      await run('cp', ['-r', path.join(dest, 'packs'), `${dest}-copy`]);
    }));
    current.push(await deployIn(HERE, url, path.join(work, `state-${packs}-current-${i}`), packs));
    if (against) previous.push(await deployIn(against, url, path.join(work, `state-${packs}-against-${i}`), packs));
  }
  const floorMs = median(floor);
  const now = summary(current);
  const before = against ? summary(previous) : undefined;
  return {
    packs,
    files: packs * 6,
    runs,
    floor_clone_depth1_plus_cp_ms: floorMs,
    current: now,
    deploy_vs_floor: ratio(now.deploy_ms, floorMs),
    ...(before ? {
      against: before,
      current_vs_against: { deploy_ms: ratio(now.deploy_ms, before.deploy_ms), lag_max_ms: ratio(now.lag_max_ms, before.lag_max_ms), peak_rss_mb: ratio(now.peak_rss_mb, before.peak_rss_mb) },
    } : {}),
  };
}

export async function benchLag(): Promise<object> {
  const against = process.env['PACKBOT_BENCH_AGAINST'] || undefined;
  if (against && !existsSync(path.join(against, 'dist', 'src', 'app', 'app.js'))) {
    throw new Error(`PACKBOT_BENCH_AGAINST=${against} has no dist/src/app/app.js; make it with bench/baseline.sh <git-ref>`);
  }
  const quick = process.env['PACKBOT_BENCH_QUICK'] === '1';
  const work = await mkdtemp(path.join(tmpdir(), 'packbot-bench-lag-'));
  try {
    const sizes: object[] = [];
    for (const [packs, runs] of quick ? [[100, 3]] : [[100, 3], [1000, 1]]) {
      sizes.push(await benchSize(work, packs as number, runs as number, against));
      // Progress for whoever watches a long run; stdout stays one JSON document.
      process.stderr.write(`lag: ${JSON.stringify(sizes.at(-1))}\n`);
    }
    // /healthz and loop lag during an ordinary push and a push of hostile YAML (lag-push.ts).
    const push = await benchPushLag(work, HERE, against);
    process.stderr.write(`lag push: ${JSON.stringify(push)}\n`);
    const ref = against && existsSync(path.join(against, '.packbot-baseline-ref')) ? readFileSync(path.join(against, '.packbot-baseline-ref'), 'utf8').trim() : undefined;
    return {
      sample_every_ms: 10,
      ...(against ? { against: { checkout: against, ...(ref ? { commit: ref } : {}) } } : {}),
      sizes,
      push,
    };
  } finally {
    await rm(work, { recursive: true, force: true, maxRetries: 3 });
  }
}

// `node dist/bench/lag.js` runs this bench alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.stdout.write(`${JSON.stringify(await benchLag(), null, 2)}\n`);
}
