import { identityOf } from '../../core/identity.js';
import type { Command } from 'commander';
import type { DirectOpts } from './direct.js';
import { deployTarget, printPlan } from './plan.js';

/** `packbot deploy`: the same pipeline as chat, for scripts and CI. Exit 0 only if every pack succeeded. */
export function registerDeployCommand(program: Command): void {
  deployTarget(program.command('deploy'))
    .description('deploy packs from a configured repository, without chat')
    .option('--json', 'print the result as JSON')
    .option('--force', 'redeploy even if the commit is already active; replace a pack from another repo')
    .option('--dry-run', 'print the plan (what would change) and change nothing: no queue, lock, staging, history or release')
    .option('--user <identity>', 'recorded as the deployer', identityOf('cli', process.env['USER'] ?? 'unknown'))
    .action(async (repo: string, packs: string, branch: string, opts: DirectOpts & { dryRun?: boolean }) => {
      const request = { repo, packs, ref: branch, force: opts.force ?? false, requestedBy: opts.user };
      if (opts.dryRun) return printPlan(program, request, opts);
      // The app is imported when a deploy runs, not when the program is built (a fast `packbot --version`).
      const { runDirect } = await import('./direct.js');
      await runDirect(program, opts, {
        plan: async (app) => {
          const plan = app.deployer.plan(request);
          // What it touches, for the locks, and the commit it runs at once (one fetch, not two).
          // A ref or pack the remote lacks is the deploy's to report, in its result.
          const found = await app.deployer.resolveTargets(plan).catch(() => null);
          return found ? { plan: { ...found.plan, commit: found.commit }, packs: found.packs } : { plan, packs: null };
        },
        // An unknown repository, a bad ref or pack name: a failed deploy, reported and recorded.
        refused: (app, onProgress) => app.deployer.run(request, onProgress),
      });
    });
}
