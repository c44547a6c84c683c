import type { Command } from 'commander';
import type { AliasMatch, MatchResult } from '../../domain/aliases/index.js';
import { bundledAliasesDir } from '../../core/package-root.js';

// The alias compiler is imported by the commands that use it (a fast `packbot --version`).
const aliasModule = () => import('../../domain/aliases/index.js');

interface AliasOpts {
  aliases?: string[];
  json?: boolean;
  prefix: string;
}

function out(line: string) {
  process.stdout.write(`${line}\n`);
}

function matchJson(m: AliasMatch) {
  return { alias: m.alias.name, command: m.alias.command, file: m.alias.file, format: m.format, params: m.params };
}

function resultJson(result: MatchResult) {
  if (result.kind === 'match') return { kind: 'match', ...matchJson(result.match) };
  if (result.kind === 'ambiguous') return { kind: 'ambiguous', candidates: result.candidates.map(matchJson) };
  return { kind: 'none', closest: result.closest ? { alias: result.closest.alias.name, display: result.closest.display } : null };
}

/** `packbot aliases list|test|parse`: what pack authors use to check their alias files. */
export function registerAliasCommands(program: Command): void {
  const aliases = program.command('aliases').description('inspect and test chat aliases');
  const withPaths = (cmd: Command) =>
    cmd
      .option('--aliases <path...>', 'alias files or directories (default: the bundled aliases/)')
      .option('--json', 'machine-readable output')
      .option('--prefix <prefix>', 'command prefix to strip from messages', '!');

  withPaths(aliases.command('list').description('list every alias, its forms and handler')).action(async (opts: AliasOpts) => {
    const { loadAliasTable } = await aliasModule();
    const { table, warnings } = await loadAliasTable(opts.aliases ?? [bundledAliasesDir()]);
    const rows = table.definitions.map((a) => ({
      name: a.name, command: a.command, permission: a.permission, enabled: a.enabled,
      display: a.formats.map((f) => f.display), description: a.description, file: a.file,
    }));
    if (opts.json) {
      out(JSON.stringify({ aliases: rows, warnings, collisions: table.collisions() }, null, 2));
      return;
    }
    for (const row of rows) out(`${row.name.padEnd(20)} ${row.display.join(' | ')}  → ${row.command}${row.enabled ? '' : ' (disabled)'}`);
    for (const w of [...warnings, ...table.collisions()]) out(`warning: ${w}`);
  });

  withPaths(aliases.command('test').description('which alias a chat message runs, with which params').argument('<message>'))
    .action(async (message: string, opts: AliasOpts) => {
      const { loadAliasTable } = await aliasModule();
      const { table } = await loadAliasTable(opts.aliases ?? [bundledAliasesDir()]);
      const text = message.trim().startsWith(opts.prefix) ? message.trim().slice(opts.prefix.length) : message;
      const result = table.match(text);
      if (opts.json) out(JSON.stringify(resultJson(result)));
      else if (result.kind === 'match') {
        out(`alias:   ${result.match.alias.name} (${result.match.alias.file})`);
        out(`command: ${result.match.alias.command}`);
        out(`format:  ${result.match.format}`);
        out(`params:  ${JSON.stringify(result.match.params)}`);
      } else if (result.kind === 'ambiguous') {
        out(`ambiguous: "${text}" matches ${result.candidates.map((c) => c.alias.name).join(', ')}`);
      } else {
        out(`no alias matches "${text}"${result.closest ? `; closest: ${result.closest.display}` : ''}`);
      }
      process.exitCode = result.kind === 'match' ? 0 : 1;
    });

  aliases
    .command('parse')
    .description('parse text with one format string, as StackStorm does')
    .requiredOption('--format <format>', 'the alias format string')
    .argument('<text>')
    .action(async (text: string, opts: { format: string }) => {
      const { parseFormat } = await aliasModule();
      out(JSON.stringify(parseFormat(opts.format, text)));
    });
}
