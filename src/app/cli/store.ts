import type { Command } from 'commander';
import { PackbotError } from '../../core/errors.js';

interface StoreCliOptions {
  stateDir?: string;
  acceptLoss?: boolean;
}

/** The embedded store's state_dir: --state-dir, else the config's (a Redis store has no files to check). */
async function stateDirOf(program: Command, opts: StoreCliOptions): Promise<string> {
  if (opts.stateDir) return opts.stateDir;
  const { loadConfig } = await import('../../domain/config/index.js');
  const explicit = program.opts<{ config?: string }>().config;
  const { config } = await loadConfig({ ...(explicit ? { explicit } : {}), env: process.env, cwd: process.cwd() });
  if (config.store.kind !== 'embedded') throw new PackbotError('usage', 'store: is Redis in this config; `packbot store` checks the embedded store (state_dir/state/) only');
  return config.state_dir;
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** `packbot store check|recover`: what to run when start-up says the state store is damaged. */
export function registerStoreCommands(program: Command): void {
  const store = program.command('store').description("check or recover the embedded state store's files (state_dir/state/)");
  store
    .command('check')
    .description('read the journal and snapshot, report every problem; changes nothing (safe while packbot runs)')
    .option('--state-dir <dir>', "the state_dir (default: the config's)")
    .action(async (opts: StoreCliOptions) => {
      const { checkStateDir } = await import('../../domain/store/journal-recover.js');
      const dir = await stateDirOf(program, opts);
      const report = await checkStateDir(dir);
      const held = `${plural(report.keys, 'key')}, ${plural(report.lists, 'list')}, ${plural(report.indexes, 'index', 'indexes')} up to entry ${report.seq}`;
      if (report.ok) {
        process.stdout.write(`${dir}: OK (${held})\n`);
        return;
      }
      process.stdout.write(`${dir}: DAMAGED\n${report.problems.map((p) => `  ${p}\n`).join('')}` +
        `Recovery would keep ${held}: stop packbot, then run \`packbot store recover --accept-loss\`.\n`);
      process.exitCode = 1;
    });
  store
    .command('recover')
    .description('keep what is intact, write a fresh snapshot, and move the damaged files aside (packbot must be stopped)')
    .option('--state-dir <dir>', "the state_dir (default: the config's)")
    .option('--accept-loss', 'agree to lose what the damaged lines or snapshot held')
    .action(async (opts: StoreCliOptions) => {
      const { recoverStateDir } = await import('../../domain/store/journal-recover.js');
      const dir = await stateDirOf(program, opts);
      const done = await recoverStateDir(dir, { acceptLoss: opts.acceptLoss === true });
      if (done.movedAside.length === 0 && done.problems.length === 0) {
        process.stdout.write(`${dir}: OK, nothing to recover\n`);
        return;
      }
      process.stdout.write(`${dir}: recovered ${plural(done.keys, 'key')}, ${plural(done.lists, 'list')}, ${plural(done.indexes, 'index', 'indexes')}; lost what these held:\n` +
        `${done.problems.map((p) => `  ${p}\n`).join('')}damaged files kept as:\n${done.movedAside.map((f) => `  ${f}\n`).join('')}`);
    });
}
