import { Option, type Command } from 'commander';
import { loadRuntime } from '../runtime.js';
import { createApp } from '../app.js';
import { reply } from '../chat/reply.js';
import { progressLine, summaryView } from '../commands/deploy-view.js';
import type { ProgressEvent } from '../deploy/types.js';
import { GRAPH_FORMATS, renderGraph, type GraphFormat } from '../install/deps-graph.js';
import { parseSpecs, REGISTRY, REGISTRY_REPOSITORY } from '../install/installer.js';

interface InstallOpts {
  json?: boolean;
  force?: boolean;
  user: string;
}

async function startApp(program: Command) {
  const explicit = program.opts<{ config?: string }>().config;
  const rt = await loadRuntime({ ...(explicit ? { configPath: explicit } : {}), env: process.env, cwd: process.cwd() });
  const app = await createApp(rt.loaded.config, { ...rt, adapters: [] });
  await app.start();
  return { rt, app };
}

/** `packbot install` and `packbot deps`: the registry from a shell, with chat's pipeline. */
export function registerInstallCommands(program: Command): void {
  program
    .command('install')
    .description('install packs (and the dependencies they lack) from the registry indexes')
    .argument('<packs...>', 'name, name=1.2.3 or name=<semver range>')
    .option('--json', 'print the result as JSON')
    .option('--force', 'replace a pack deployed from a repository')
    .option('--user <identity>', 'recorded as the installer', `cli:${process.env['USER'] ?? 'unknown'}`)
    .action(async (packs: string[], opts: InstallOpts) => {
      const { rt, app } = await startApp(program);
      const onProgress = (e: ProgressEvent) => {
        const line = opts.json ? null : progressLine(e);
        if (line) process.stderr.write(`${rt.masker.mask(line)}\n`);
      };
      const specs = parseSpecs(packs.join(' '));
      // Not past anyone's branch lock; conflicts and unknown packs are the install's to report, in its result.
      const resolution = await app.services.installer.plan(specs).catch(() => null);
      if (resolution) {
        await app.services.coordinator.checkLocks({ requester: opts.user, repo: REGISTRY_REPOSITORY, branch: REGISTRY, packs: resolution.plan.map((p) => p.name) })
          .catch(async (err: unknown) => {
            await app.stop();
            throw err;
          });
      }
      const request = { kind: 'install' as const, repo: REGISTRY, packs: specs.join(','), force: opts.force ?? false, requestedBy: opts.user };
      const result = await app.services.installer.install(request, onProgress);
      await app.services.coordinator.settleDirect({ request, repo: REGISTRY_REPOSITORY, branch: REGISTRY, target: { platform: 'cli', channel: '' } }, result);
      await app.stop();
      const text = opts.json ? JSON.stringify(result, null, 2) : app.responder.render('console', reply('deploy_summary', summaryView(result)));
      process.stdout.write(`${rt.masker.mask(text)}\n`);
      process.exitCode = result.error === null && result.failure_count === 0 ? 0 : 1;
    });

  program
    .command('deps')
    .description('draw the dependency graph of packs: installed, to install, conflicting')
    .argument('<packs...>', 'pack names (name=version asks what installing that version would need)')
    .addOption(new Option('--format <format>', 'output format').choices([...GRAPH_FORMATS]).default('text'))
    .action(async (packs: string[], opts: { format: GraphFormat }) => {
      const { rt, app } = await startApp(program);
      try {
        const graph = await app.services.installer.graph(parseSpecs(packs.join(' ')));
        process.stdout.write(`${rt.masker.mask(renderGraph(graph, opts.format))}\n`);
        process.exitCode = graph.conflicts.length + graph.problems.length === 0 ? 0 : 1;
      } finally {
        await app.stop();
      }
    });
}
