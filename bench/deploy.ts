/**
 * Deploy speed on a generated repo of 100 packs × 20 actions, against the floor an operator
 * would otherwise pay: `git clone --depth 1` + `cp -r` of the one pack, timed in the same
 * run. Cold = a fresh state dir (mirror clone, stage, validate, install); warm = redeploying
 * a pack whose tree is already active (a fetch and a tree comparison).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseConfig } from '../src/domain/config/index.js';
import { createMasker } from '../src/core/masking/masker.js';
import { createLogger } from '../src/core/logging/logger.js';
import { AliasTable } from '../src/domain/aliases/index.js';
import { createTemplates } from '../src/interfaces/templates/environment.js';
import { createApp } from '../src/app/app.js';

const run = promisify(execFile);
export const PACKS = 100;
const ACTIONS = 20;
const TARGET = 'pack_042';

const GIT_ENV = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@packbot.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@packbot.invalid',
};

export async function git(cwd: string, args: string[]): Promise<void> {
  await run('git', args, { cwd, env: GIT_ENV, maxBuffer: 64 * 1024 * 1024 });
}

export async function generateRepo(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let p = 0; p < PACKS; p++) {
    const name = `pack_${String(p).padStart(3, '0')}`;
    const root = path.join(dir, 'packs', name);
    await mkdir(path.join(root, 'actions'), { recursive: true });
    await writeFile(path.join(root, 'pack.yaml'), `---\nref: ${name}\nname: ${name}\ndescription: Generated pack ${p}.\nversion: 1.0.${p}\nauthor: bench\n`);
    for (let a = 0; a < ACTIONS; a++) {
      await writeFile(path.join(root, 'actions', `action_${a}.yaml`), `---\nname: action_${a}\nrunner_type: python-script\nentry_point: action_${a}.py\nparameters:\n  target: {type: string, required: true}\n`);
      await writeFile(path.join(root, 'actions', `action_${a}.py`), `import sys\n\n\ndef main(target):\n    print("${name} action ${a}", target)\n\n\nif __name__ == "__main__":\n    main(sys.argv[1])\n`);
    }
  }
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  await git(dir, ['add', '.']);
  await git(dir, ['commit', '--quiet', '-m', 'generated packs']);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function makeApp(root: string, url: string) {
  const yaml = `state_dir: ${root}\nlog: {level: silent}\nrepositories:\n  bench: {repo: "${url}", branch: main}\n`;
  const { config } = parseConfig(yaml, { file: path.join(root, 'packbot.yaml'), env: {} });
  const masker = createMasker();
  const logger = createLogger({ level: 'silent', masker, destination: new PassThrough(), pretty: false });
  const app = await createApp(config, { logger, masker, aliases: new AliasTable([]), templates: await createTemplates(), adapters: [] });
  await app.start();
  return app;
}

export async function benchDeploy(options: { runs?: number } = {}): Promise<object> {
  const runs = options.runs ?? 5;
  const work = await mkdtemp(path.join(tmpdir(), 'packbot-bench-'));
  try {
    const repoDir = path.join(work, 'repo');
    await generateRepo(repoDir);
    const url = pathToFileURL(repoDir).href;

    const floor: number[] = [];
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      const dest = path.join(work, `floor-${i}`);
      floor.push(await timed(async () => {
        await git(work, ['clone', '--quiet', '--depth', '1', url, dest]);
        await run('cp', ['-r', path.join(dest, 'packs', TARGET), path.join(work, `floor-copy-${i}`)]);
      }));

      const app = await makeApp(path.join(work, `state-${i}`), url);
      const request = { repo: 'bench', packs: TARGET, requestedBy: 'bench:bench' };
      let result = await app.deployer.run(request);
      cold.push(result.duration_ms);
      if (result.packs[0]?.status !== 'deployed') throw new Error(`cold deploy failed: ${JSON.stringify(result)}`);
      for (let w = 0; w < 2; w++) {
        result = await app.deployer.run(request);
        if (result.packs[0]?.status !== 'unchanged') throw new Error(`warm redeploy was not a no-op: ${JSON.stringify(result.packs[0])}`);
        warm.push(result.duration_ms);
      }
      await app.stop();
    }
    const floorMs = median(floor);
    const coldMs = median(cold);
    const warmMs = median(warm);
    return {
      repo: { packs: PACKS, actions_per_pack: ACTIONS, files: PACKS * (ACTIONS * 2 + 1) },
      runs,
      floor_clone_depth1_plus_cp_ms: floorMs,
      cold_deploy_one_pack_ms: coldMs,
      warm_redeploy_unchanged_ms: warmMs,
      cold_vs_floor: Math.round((coldMs / floorMs) * 100) / 100,
      warm_vs_cold: Math.round((warmMs / coldMs) * 1000) / 1000,
      goals: { cold_vs_floor_max: 1.5, warm_vs_cold_max: 0.1 },
      rss_mb: Math.round(process.memoryUsage().rss / 1024 / 1024),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
