import { identityOf } from '../../core/identity.js';
import type { Command } from 'commander';
import { runDirect, type DirectOpts } from './direct.js';

/** `packbot deploy`: the same pipeline as chat, for scripts and CI. Exit 0 only if every pack succeeded. */
export function registerDeployCommand(program: Command): void {
  program
    .command('deploy')
    .description('deploy packs from a configured repository, without chat')
    .argument('<repo>', 'a repository name from packbot.yaml')
    .argument('[packs]', 'comma-separated pack names, or all', 'all')
    .argument('[branch]', 'branch, tag or commit (default: the repository\'s branch)', '')
    .option('--json', 'print the result as JSON')
    .option('--force', 'redeploy even if the commit is already active; replace a pack from another repo')
    .option('--user <identity>', 'recorded as the deployer', identityOf('cli', process.env['USER'] ?? 'unknown'))
    .action(async (repo: string, packs: string, branch: string, opts: DirectOpts) => {
      const request = { repo, packs, ref: branch, force: opts.force ?? false, requestedBy: opts.user };
      await runDirect(program, opts, {
        plan: async (app) => {
          const plan = app.deployer.plan(request);
          // What it touches, for the locks. A ref or pack the remote lacks is the deploy's to report, in its result.
          return { plan, packs: await app.deployer.targets(plan).catch(() => null) };
        },
        // An unknown repository, a bad ref or pack name: a failed deploy, reported and recorded.
        refused: (app, onProgress) => app.deployer.run(request, onProgress),
      });
    });
}
