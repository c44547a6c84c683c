/**
 * README's "CLI reference" against the program `packbot` really builds: every command, its
 * arguments and every option commander knows must be documented there, and nothing may be
 * documented that the CLI lacks. The program is built in-process (bin/cli.ts's
 * buildProgram with an adapter kit that is never called), so no process is started.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/app/main.js';
import type { AdapterKit } from '../../src/app/adapter-kit.js';
import { ROOT } from '../helpers/cli.js';
import { documented } from '../helpers/readme-cli.js';

const UNUSED_KIT: AdapterKit = {
  create: () => { throw new Error('not used while commands are registered'); },
  consoleFinished: () => undefined,
};

/** `packbot deploy <repo> [packs] [branch]`: the signature as a reader types it. */
function signature(cmd: Command, names: string[]): string {
  const args = cmd.registeredArguments.map((a) => {
    const name = `${a.name()}${a.variadic ? '...' : ''}`;
    return a.required ? `<${name}>` : `[${name}]`;
  });
  return ['packbot', ...names, ...args].join(' ');
}

/** Every command that runs something (groups like `config` only hold subcommands), with its options. */
function cliCommands(): Map<string, string[]> {
  const program = buildProgram(UNUSED_KIT);
  const found = new Map<string, string[]>();
  const flags = (cmd: Command) => cmd.options.map((o) => o.long ?? o.short ?? o.flags).sort();
  found.set('packbot', [...flags(program)]);
  const walk = (cmd: Command, names: string[]) => {
    for (const sub of cmd.commands) {
      const path = [...names, sub.name()];
      if (sub.commands.length > 0) walk(sub, path);
      else found.set(signature(sub, path), flags(sub));
    }
  };
  walk(program, []);
  return found;
}

describe('README CLI reference', () => {
  it('documents every command, argument and option of the CLI, and nothing else', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const cli = cliCommands();
    const docs = documented(readme);
    expect(cli.size).toBeGreaterThan(10);
    expect([...docs.keys()].sort(), 'commands (with their arguments) in README vs the CLI').toEqual([...cli.keys()].sort());
    for (const [command, options] of cli) {
      expect(docs.get(command), `options of ${command} in README vs the CLI`).toEqual(options);
    }
  });

  it('has no description that repeats a default commander already prints', () => {
    const program = buildProgram(UNUSED_KIT);
    const doubled: string[] = [];
    const visit = (cmd: Command) => {
      const items = [...cmd.options.map((o) => ({ what: o.flags, text: o.description, has: o.defaultValue !== undefined || o.defaultValueDescription !== undefined })),
        ...cmd.registeredArguments.map((a) => ({ what: a.name(), text: a.description, has: a.defaultValue !== undefined || a.defaultValueDescription !== undefined }))];
      for (const item of items) if (item.has && /\(default/.test(item.text)) doubled.push(`${cmd.name()} ${item.what}`);
      cmd.commands.forEach(visit);
    };
    visit(program);
    expect(doubled).toEqual([]);
  });
});
