import type { Command } from 'commander';
import { loadRuntime } from '../runtime.js';
import { createApp } from '../app.js';
import { reply } from '../chat/reply.js';
import { progressLine, summaryView } from '../commands/deploy-view.js';
import type { ProgressEvent } from '../deploy/types.js';

interface DeployOpts {
  json?: boolean;
  force?: boolean;
  user: string;
}


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
    .option('--user <identity>', 'recorded as the deployer', `cli:${process.env['USER'] ?? 'unknown'}`)
    .action(async (repo: string, packs: string, branch: string, opts: DeployOpts) => {
      const explicit = program.opts<{ config?: string }>().config;
      const rt = await loadRuntime({ ...(explicit ? { configPath: explicit } : {}), env: process.env, cwd: process.cwd() });
      const app = await createApp(rt.loaded.config, { ...rt, adapters: [] });
      await app.start();
      const onProgress = (e: ProgressEvent) => {
        const line = opts.json ? null : progressLine(e);
        if (line) process.stderr.write(`${rt.masker.mask(line)}\n`);
      };
      // Without the queue, but not past anyone's branch lock: the chat bot would refuse it too.
      // Other problems (an unknown repository, a bad ref) are the deploy's to report, in its result.
      const planned = await app.deployer.plan({ repo, packs, ref: branch }).catch(() => null);
      if (planned) {
        await app.services.coordinator.checkLocks({ requester: opts.user, repo: planned.repo, branch: planned.branch, packs: planned.packs })
          .catch(async (err: unknown) => {
            await app.stop();
            throw err;
          });
      }
      const request = { repo, packs, ref: branch, force: opts.force ?? false, requestedBy: opts.user };
      const result = await app.deployer.deploy(request, onProgress);
      // A branch deploy locks its packs to this user, a default-branch one releases them, as in chat.
      if (planned) await app.services.coordinator.settleDirect({ request, repo: planned.repo, branch: planned.branch, target: { platform: 'cli', channel: '' } }, result);
      await app.stop();
      const text = opts.json
        ? JSON.stringify(result, null, 2)
        : app.responder.render('console', reply('deploy_summary', summaryView(result)));
      process.stdout.write(`${rt.masker.mask(text)}\n`);
      process.exitCode = result.error === null && result.failure_count === 0 ? 0 : 1;
    });
}
