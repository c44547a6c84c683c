import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { AdapterKit } from '../adapter-kit.js';
import { packageRoot } from '../../core/package-root.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import { chatLogPath, chatLogsToFile, openChatLog } from './chat-log.js';

interface ChatOpts {
  user?: string;
  channel: string;
  json?: boolean;
  demo?: boolean;
  wait: boolean;
  verbose?: boolean;
}

/** The demo config names a local repo that doesn't exist until its first start. */
async function seedDemo(config: PackbotConfig, root: string): Promise<string | null> {
  const repo = config.repositories['demo']?.repo;
  if (!repo?.startsWith('file://')) return null;
  const repoDir = fileURLToPath(repo);
  const { seedDemoRepo } = await import('../demo/seed.js');
  await seedDemoRepo({ sourceDir: path.join(root, 'examples', 'demo-packs'), repoDir });
  return repoDir;
}

function banner(config: PackbotConfig, user: string): string {
  const p = config.bot.prefix;
  return [
    `packbot demo — you are @${user}. Type ${p}help to see the commands, Ctrl-D to quit.`,
    `Lines may start with @someone and #channel to speak as another user or elsewhere,`,
    `e.g. "@bob #ops ${p}pack deploy demo hello feature-x".`,
    '',
  ].join('\n');
}

/** `packbot chat`: the console adapter on stdin/stdout, interactive or scripted. */
export function registerChatCommand(program: Command, kit: AdapterKit): void {
  program
    .command('chat')
    .description('talk to packbot in the terminal (lines: [@user] [#channel] text)')
    .option('--user <name>', 'who you are, for lines without @user')
    .option('--channel <name>', 'channel for lines without #channel', 'general')
    .option('--json', 'print each bot message as one JSON line')
    .option('--demo', 'use the bundled example config and pack repository')
    .option('--no-wait', 'piped input: read the next line without waiting for the deploys the previous one started')
    .option('--verbose', "show packbot's log in the terminal (default there: a file, <state_dir>/logs/chat.log)")
    .action(async (opts: ChatOpts) => {
      // The app is imported when the command runs, not when the program is built (a fast `packbot --version`).
      const [{ loadRuntime }, { createApp }, { startOrStop }] = await Promise.all([import('../runtime.js'), import('../app.js'), import('./start.js')]);
      const root = packageRoot();
      const explicit = opts.demo ? path.join(root, 'examples', 'packbot.yaml') : program.opts<{ config?: string }>().config;
      const toFile = chatLogsToFile({ verbose: opts.verbose ?? false, stderrIsTTY: process.stderr.isTTY === true });
      const logDestination = (c: PackbotConfig) => openChatLog(chatLogPath(c.state_dir));
      const rt = await loadRuntime({ ...(explicit ? { configPath: explicit } : {}), env: process.env, cwd: process.cwd(), ...(toFile ? { logDestination } : {}) });
      const { config } = rt.loaded;
      if (opts.demo) await seedDemo(config, root);
      const user = opts.user ?? (opts.demo ? 'alice' : process.env['USER'] ?? 'user');
      const adapters = await kit.create(config, {
        console: { input: process.stdin, output: process.stdout, user, channel: opts.channel, json: opts.json ?? false, ...(opts.wait ? {} : { settle: false }) },
      });
      const app = await createApp(config, { ...rt, aliases: rt.aliases, adapters });
      if (opts.demo && process.stdin.isTTY && !opts.json) process.stdout.write(banner(config, user));
      if (toFile && process.stdout.isTTY && !opts.json) process.stdout.write(`(packbot's log: ${chatLogPath(config.state_dir)}; --verbose shows it here)\n`);
      // A failed start stops what it opened, the console reading stdin too, and exits.
      await startOrStop(app, rt.logger);
      await kit.consoleFinished(app.adapters);
      await app.stop({ drain: true });
    });
}
