import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerAliasCommands } from './cli/aliases.js';
import { registerChatCommand } from './cli/chat.js';
import { registerConfigCommands } from './cli/config.js';
import { registerServeCommand } from './cli/serve.js';
import { registerDeployCommand } from './cli/deploy.js';
import { registerDiffCommand } from './cli/plan.js';
import { registerInstallCommands } from './cli/install.js';
import { registerValidateCommand } from './cli/validate.js';
import { registerStoreCommands } from './cli/store.js';
import { packageRoot } from '../core/package-root.js';
import type { AdapterKit } from './adapter-kit.js';

function version(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

export function buildProgram(kit: AdapterKit): Command {
  const program = new Command('packbot')
    .description('Deploy StackStorm packs from git, from chat')
    .version(version())
    .option('-c, --config <file>', 'packbot.yaml to use (default: $PACKBOT_CONFIG, then ./packbot.yaml)')
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program, kit);
  registerChatCommand(program, kit);
  registerDeployCommand(program);
  registerDiffCommand(program);
  registerInstallCommands(program);
  registerValidateCommand(program);
  registerConfigCommands(program);
  registerAliasCommands(program);
  registerStoreCommands(program);
  return program;
}

/** Runs `packbot` with these arguments; the exit code. */
export async function main(argv: string[], kit: AdapterKit): Promise<number> {
  try {
    await buildProgram(kit).parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    // The masker it reports through is loaded only when there is an error to report.
    const { reportCliError } = await import('./cli/errors.js');
    return reportCliError(err);
  }
}

