/**
 * `packbot diff` and `packbot deploy --dry-run`: a deploy's plan from a shell, changing
 * nothing. The app is built but never started — no queue sweep, no timers, no recovery of
 * staging, no adapters — and only the deployer's preview is asked: it reads the pack store
 * and the repository's mirror (fetching it, as any look at a ref does) and writes nothing
 * else: no queue entry, lock, staging directory, history record or release.
 */
import { Argument, type Command } from 'commander';
import { identityOf } from '../../core/identity.js';
import type { PlanRequest } from '../../services/deploy/plan.js';

export interface PlanOpts {
  json?: boolean;
}

/** Prints the plan of `request` (text as the console reads it, or the DeployPreview as JSON), masked; exit 0. */
export async function printPlan(program: Command, request: PlanRequest, opts: PlanOpts): Promise<void> {
  // Imported when a plan is asked for, not when the program is built (a fast `packbot --version`).
  const [{ createApp }, { loadRuntime }, { reply }, { planDetailsView }, { installedPackSecrets }] = await Promise.all([
    import('../app.js'), import('../runtime.js'), import('../../interfaces/chat/reply.js'),
    import('../../interfaces/presenter/plan-view.js'), import('../../domain/packstore/pack-secrets.js'),
  ]);
  const explicit = program.opts<{ config?: string }>().config;
  const rt = await loadRuntime({ ...(explicit ? { configPath: explicit } : {}), env: process.env, cwd: process.cwd() });
  const { config } = rt.loaded;
  const app = await createApp(config, { ...rt, adapters: [] });
  let text: string;
  try {
    // What start() would register: secrets in installed packs' configs stay masked here too.
    rt.masker.add(...(await installedPackSecrets(config.packs_dir, config.configs_dir)));
    const preview = await app.deployer.preview(app.deployer.plan(request));
    text = opts.json
      ? JSON.stringify(preview, null, 2)
      : app.responder.render('console', reply('deploy_plan', planDetailsView(preview, { force: request.force ?? false })));
  } finally {
    await app.stop();
  }
  process.stdout.write(`${rt.masker.mask(text)}\n`);
  process.exitCode = 0;
}

/** The `<repo> [packs] [branch]` arguments that `packbot deploy` and `packbot diff` share. */
export function deployTarget(command: Command): Command {
  return command
    .argument('<repo>', 'a repository name from packbot.yaml')
    .argument('[packs]', 'comma-separated pack names, or all', 'all')
    // commander prints the default itself: say it as words, not as the '' that stands for it.
    .addArgument(new Argument('[branch]', 'branch, tag or commit').default('', "the repository's branch"));
}

/** `packbot diff`: the plan of `packbot deploy` with the same arguments. */
export function registerDiffCommand(program: Command): void {
  deployTarget(program.command('diff'))
    .description('show what deploying packs would change, without deploying (nothing is queued, locked, staged or recorded)')
    .option('--json', 'print the plan as JSON (the DeployPreview)')
    .option('--force', 'plan as `deploy --force` would run: unchanged packs are redeployed')
    .action(async (repo: string, packs: string, branch: string, opts: PlanOpts & { force?: boolean }) => {
      await printPlan(program, { repo, packs, ref: branch, force: opts.force ?? false, requestedBy: identityOf('cli', process.env['USER'] ?? 'unknown') }, opts);
    });
}
