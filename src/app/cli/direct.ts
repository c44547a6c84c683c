/**
 * `packbot deploy` and `packbot install`: a deploy run from a shell, on the app chat uses but
 * outside the queue, through the coordinator's own turn (runNow). Locks still apply as in
 * chat — refused past someone's branch lock, taken by a branch deploy, released by the
 * default branch — and the summary is chat's, masked. A request that cannot be planned is
 * a failed deploy all the same: run() reports and records it.
 */
import type { Command } from 'commander';
import { createApp, type App } from '../app.js';
import { createCliPresenter } from '../../interfaces/presenter/cli-presenter.js';
import type { ProgressListener } from '../../services/deploy/stage-clock.js';
import type { DeployPlan, DeployResult } from '../../services/deploy/types.js';
import type { Target } from '../../core/target.js';
import { loadRuntime } from '../runtime.js';

export interface DirectOpts {
  json?: boolean;
  force?: boolean;
  user: string;
}

/** The app for one CLI command, on `--config` (or its default), with no chat adapter. */
export async function startApp(program: Command) {
  const explicit = program.opts<{ config?: string }>().config;
  // No alias files: they are chat's command syntax, and a direct command goes around the
  // dispatcher. Reading, compiling and collision-checking them cost every deploy start-up.
  const rt = await loadRuntime({ ...(explicit ? { configPath: explicit } : {}), env: process.env, cwd: process.cwd(), aliasPaths: [] });
  const app = await createApp(rt.loaded.config, { ...rt, adapters: [] });
  await app.start();
  return { rt, app };
}

export interface DirectJob {
  /**
   * The plan, and the packs it touches for the locks (null when they cannot be looked up: the
   * run's result says why). Throws when the request cannot be planned.
   */
  plan(app: App): Promise<{ plan: DeployPlan; packs: string[] | null }>;
  /** The run of a request that could not be planned: a failed deploy, reported and recorded. */
  refused(app: App, onProgress: ProgressListener): Promise<DeployResult>;
}

/** Nowhere in chat: the CLI's presenter shows this run's events. */
const CLI_TARGET: Target = { platform: 'cli', channel: '' };

/** Runs the job, prints its summary (or JSON) and sets the exit code: 0 only if every pack succeeded. */
export async function runDirect(program: Command, opts: DirectOpts, job: DirectJob): Promise<void> {
  const { rt, app } = await startApp(program);
  const cli = createCliPresenter({
    json: opts.json ?? false, masker: rt.masker, render: (r) => app.responder.render('console', r),
    out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text),
  });
  let result: DeployResult;
  try {
    const planned = await job.plan(app).catch(() => null);
    result = planned
      ? await app.services.coordinator.runNow({ ...planned, target: CLI_TARGET }, cli)
      : await job.refused(app, cli.progress);
  } finally {
    await app.stop();
  }
  cli.summary(result);
  process.exitCode = result.error === null && result.failure_count === 0 ? 0 : 1;
}
