import { identityOf } from '../../core/identity.js';
import { Option, type Command } from 'commander';
import type { DirectOpts } from './direct.js';
import type { GraphFormat } from '../../services/install/deps-graph.js';

// The app and the installer are imported when a command runs, not when the program is built (a fast `packbot --version`).
const direct = () => import('./direct.js');
const installPlan = () => import('../../services/install/install-plan.js');

/**
 * deps-graph's GRAPH_FORMATS, restated so that building the program does not load the graph
 * code (and semver, ~40 ms of every start-up); the types keep the two lists the same.
 */
const FORMATS = ['text', 'mermaid', 'dot'] as const satisfies readonly GraphFormat[];
type Missing = Exclude<GraphFormat, (typeof FORMATS)[number]>;
const EVERY_FORMAT: [Missing] extends [never] ? true : Missing = true;
void EVERY_FORMAT;

/** `packbot install` and `packbot deps`: the registry from a shell, with chat's pipeline. */
export function registerInstallCommands(program: Command): void {
  program
    .command('install')
    .description('install packs (and the dependencies they lack) from the registry indexes')
    .argument('<packs...>', 'name, name=1.2.3 or name=<semver range>')
    .option('--json', 'print the result as JSON')
    .option('--force', 'replace a pack deployed from a repository')
    .option('--user <identity>', 'recorded as the installer', identityOf('cli', process.env['USER'] ?? 'unknown'))
    .action(async (packs: string[], opts: DirectOpts) => {
      const [{ runDirect }, { parseSpecs }] = await Promise.all([direct(), installPlan()]);
      const specs = parseSpecs(packs.join(' '));
      const request = { packs: specs, force: opts.force ?? false, requestedBy: opts.user };
      await runDirect(program, opts, {
        plan: async (app) => {
          const plan = app.services.installer.plan(request);
          // What it would install, for the locks. Conflicts and unknown packs are the install's to report, in its result.
          const packs = await app.services.installer.resolve(plan.packs).then((r) => r.plan.map((p) => p.name), () => null);
          return { plan, packs };
        },
        // A spec no registry could read: a failed install, reported and recorded.
        refused: (app, onProgress) => app.services.installer.run(request, onProgress),
      });
    });

  program
    .command('deps')
    .description('draw the dependency graph of packs: installed, to install, conflicting')
    .argument('<packs...>', 'pack names (name=version asks what installing that version would need)')
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).default('text'))
    .action(async (packs: string[], opts: { format: GraphFormat }) => {
      const [{ startApp }, { parseSpecs }, { renderGraph }] = await Promise.all([direct(), installPlan(), import('../../services/install/deps-graph.js')]);
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
