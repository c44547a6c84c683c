/**
 * `packbot chat` on a real terminal: the built CLI under a pseudo-terminal (util-linux
 * `script`), so stdin, stdout and stderr are all TTYs as in a shell, and what the test reads
 * is everything the screen would show, log and replies together.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../../helpers/cli.js';
import { tempDir, writeConfig } from '../../helpers/config.js';
import { createSubtreeRepo } from '../../helpers/git-repo.js';
import { scaled } from '../../helpers/budget.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
// Cursor movement and styles, so assertions read the text as a person sees it.
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function inTerminal(args: string[], opts: { cwd: string }) {
  const env: Record<string, string | undefined> = { ...process.env, CI: 'true', TERM: 'xterm' };
  delete env['NO_COLOR']; // colours on, as in a user's terminal
  const child = spawn('script', ['-qefc', [process.execPath, BIN, ...args].map(quote).join(' '), '/dev/null'], {
    cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'],
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), scaled(60_000));
  stops.push(() => {
    clearTimeout(guard);
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let screen = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString();
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('close', (code) => resolve(code));
    child.on('error', (err) => reject(new Error(`this test needs util-linux's \`script\` on PATH for a pseudo-terminal: ${err.message}`)));
  });
  return {
    screen: () => screen,
    type: (keys: string) => child.stdin.write(keys),
    exited,
    /** Resolves once the screen shows `text`; rejects (with the screen) if the process ends first. */
    until: (text: string) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (stripAnsi(screen).includes(text)) resolve();
      };
      waiters.push(check);
      check();
      exited.then(() => reject(new Error(`exited before the screen showed ${JSON.stringify(text)}:\n${stripAnsi(screen)}`)), reject);
    }),
  };
}

describe('packbot chat in a terminal', () => {
  it('shows a failed deploy once (the reply; the warning goes to the log file) and renders markup', async () => {
    const dir = await tempDir();
    const repo = await createSubtreeRepo(['good']);
    const config = await writeConfig([
      'bot: {name: packbot, prefix: "!"}',
      'state_dir: ./var',
      'adapters: {console: {}}',
      `repositories: {r: {repo: ${repo.url}, branch: main, subtree: true}}`,
      // Registration fails after activation: the pipeline logs a warning and the reply says why.
      'register: {command: ["false"]}',
      'permissions: {admins: ["console:alice"]}',
      'log: {level: warn}',
    ].join('\n'), dir);
    const chat = inTerminal(['--config', config, 'chat', '--user', 'alice'], { cwd: dir });

    await chat.until('alice@#general> ');
    chat.type('!pack deploy r good\r');
    await chat.until('0 ok, 1 failed');
    chat.type('\x04'); // Ctrl-D: end of the conversation
    expect(await chat.exited).toBe(0);

    const screen = stripAnsi(chat.screen());
    expect(screen.split('register command false failed').length - 1).toBe(1);
    expect(screen).not.toMatch(/WARN|registration failed/);
    // The reply's markup as styles, not as the characters Slack would read.
    expect(screen).not.toContain('*good*');
    expect(chat.screen()).toContain('\x1b[1mgood\x1b[22m');
    // Nothing is lost: the log is where the first screen line said.
    const logFile = path.join(dir, 'var', 'logs', 'chat.log');
    expect(screen).toContain(`packbot's log: ${logFile}`);
    expect(await readFile(logFile, 'utf8')).toMatch(/"msg":"registration failed; rolling the packs back"/);
  }, scaled(90_000));
});
