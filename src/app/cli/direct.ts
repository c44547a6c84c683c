/**
 * `packbot deploy` and `packbot install`: a deploy run from a shell, on the app chat uses but
 * outside the queue. Locks still apply as in chat — refused past someone's branch lock, taken
 * by a branch deploy, released by the default branch — and the summary is chat's, masked.
 */
import type { Command } from 'commander';
import { createApp, type App } from '../app.js';
import { reply } from '../../interfaces/chat/reply.js';
import { progressLine, summaryView } from '../../interfaces/presenter/deploy-view.js';
import type { ProgressListener } from '../../services/deploy/pipeline.js';
import type { ResolvedRepository } from '../../services/deploy/resolve.js';
import type { DeployRequest, DeployResult, ProgressEvent } from '../../services/deploy/types.js';
import { loadRuntime } from '../runtime.js';

export interface DirectOpts {
  json?: boolean;
  force?: boolean;
  user: string;
}

/** The app for one CLI command, on `--config` (or its default), with no chat adapter. */
export async function startApp(program: Command) {
  const explicit = program.opts<{ config?: string }>().config;
  const rt = await loadRuntime({ ...(explicit ? { configPath: explicit } : {}), env: process.env, cwd: process.cwd() });
  const app = await createApp(rt.loaded.config, { ...rt, adapters: [] });
  await app.start();
  return { rt, app };
}

export interface DirectJob {
  request: DeployRequest;
  /** What it would touch, for the locks; null when planning fails (the run's result then says why). */
  plan(app: App): Promise<{ repo: ResolvedRepository; branch: string; packs: string[] } | null>;
  run(app: App, onProgress: ProgressListener): Promise<DeployResult>;
}

/** Runs the job, prints its summary (or JSON) and sets the exit code: 0 only if every pack succeeded. */
export async function runDirect(program: Command, opts: DirectOpts, job: DirectJob): Promise<void> {
  const { rt, app } = await startApp(program);
  const onProgress = (e: ProgressEvent) => {
    const line = opts.json ? null : progressLine(e);
    if (line) process.stderr.write(`${rt.masker.mask(line)}\n`);
  };
  let result: DeployResult;
  try {
    const planned = await job.plan(app);
    if (planned) await app.services.coordinator.checkLocks({ requester: opts.user, ...planned });
    result = await job.run(app, onProgress);
    if (planned) await app.services.coordinator.settleDirect({ request: job.request, repo: planned.repo, branch: planned.branch, target: { platform: 'cli', channel: '' } }, result);
  } finally {
    await app.stop();
  }
  const text = opts.json ? JSON.stringify(result, null, 2) : app.responder.render('console', reply('deploy_summary', summaryView(result)));
  process.stdout.write(`${rt.masker.mask(text)}\n`);
  process.exitCode = result.error === null && result.failure_count === 0 ? 0 : 1;
}
