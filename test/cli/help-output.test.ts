/**
 * README's CLI reference against what a user sees: `packbot <command> --help` of the built
 * CLI, run as a process. (test/docs/cli-options.test.ts compares the same tables with the
 * commander program in-process; this one catches what only the printed help shows, e.g. an
 * option hidden from help or a command the executable wires differently.)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { documented } from '../helpers/readme-cli.js';

/** The long flags (or short, when alone) listed under "Options:" of commander's help text. */
function helpOptions(help: string): string[] {
  const section = help.split(/\n(?=\S)/).find((block) => block.startsWith('Options:')) ?? '';
  const flags: string[] = [];
  for (const line of section.split('\n').slice(1)) {
    const m = /^\s+(-[^\s,]+)(?:,\s*(--[^\s,]+))?/.exec(line);
    if (!m) continue;
    const flag = m[2] ?? m[1]!;
    if (flag === '-h' || flag === '--help' || flag === '-V' || flag === '--version') continue;
    flags.push(flag);
  }
  return flags.sort();
}

describe('README CLI reference vs `packbot … --help`', () => {
  it('lists, for every documented command, exactly the options its --help prints', async () => {
    const docs = documented(await readFile(path.join(ROOT, 'README.md'), 'utf8'));
    expect(docs.size).toBeGreaterThan(10);
    const mismatches: string[] = [];
    for (const [signature, options] of docs) {
      // `packbot pack history <pack>` → ['pack', 'history']: the words before the arguments.
      const words = signature.split(' ').slice(1).filter((w) => !/^[<[]/.test(w));
      const r = await runCli([...words, '--help']);
      expect(r.code, `${signature} --help: ${r.stderr}`).toBe(0);
      const printed = helpOptions(r.stdout);
      const want = options.filter((o) => o !== '--help' && o !== '--version');
      if (JSON.stringify(printed) !== JSON.stringify(want)) {
        mismatches.push(`${signature}: --help prints ${printed.join(' ') || '(none)'}; README documents ${want.join(' ') || '(none)'}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('reads options out of help text the way commander prints it', () => {
    const help = 'Usage: packbot deploy [options] <repo>\n\nArgs\n\nOptions:\n  --dry-run          show the plan\n  -u, --user <name>  who deploys\n  -h, --help         display help for command\n';
    expect(helpOptions(help)).toEqual(['--dry-run', '--user']);
  });
});
