/**
 * Issue 20, item 8: a start that fails exits, non-zero, with the one-line error. A supervisor
 * restarts only a process that has exited; one that printed its error but was kept alive by a
 * timer (a store's flush clock, a half-connected platform) would sit there forever.
 *
 * Each case runs the real bundled CLI and waits for its exit event. The budget is only a
 * hang guard (generous, scaled): nothing here asserts how fast it exits.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { scaled } from '../helpers/budget.js';
import { tempDir, writeConfig } from '../helpers/config.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { FakeDiscord } from '../helpers/fake-discord.js';
import { BOT_TOKEN } from '../adapters/discord/setup.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
}

/** Runs `packbot --config <file> <args>` and resolves on its exit event; SIGKILLs (and fails) if it hangs. */
function runToExit(file: string, args: string[]): Promise<Exit> {
  const child = spawn(process.execPath, [BIN, '--config', file, ...args], {
    cwd: path.dirname(file),
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    // stdin stays open (a pipe nobody writes to): `packbot chat` must not exit merely because its input ended.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`packbot ${args.join(' ')} did not exit after a failed start:\nstderr: ${stderr}\nstdout: ${stdout}`));
    }, scaled(45_000));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      child.stdin.destroy();
      resolve({ code, signal, stderr, stdout });
    });
  });
}

/** The lines a person reads (pino's JSON lines are the log, not the error report). */
function errorLines(out: Exit): string[] {
  return out.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
}

/** A loopback port some other listener holds for the rest of the test. */
async function takenPort(): Promise<number> {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => holder.close(() => resolve())));
  return (holder.address() as { port: number }).port;
}

async function fakeSlack(): Promise<FakeSlack> {
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  return fake;
}

/** Each run its own Redis keys: other tests share the server. */
const redisStore = () => `store: {kind: redis, url: "redis://127.0.0.1:6379", prefix: "startfail-${process.pid}-${Math.random().toString(36).slice(2)}:"}\n`;

const slackYaml = (apiUrl: string) =>
  `state_dir: ./var\nadapters:\n  slack: {bot_token: xoxb-revoked-0000, app_token: xapp-1-A0TEST-socket, mode: socket, api_url: ${JSON.stringify(apiUrl)}}\n`;

// The hang guard in runToExit fails first, with the process's output.
const LIMIT = scaled(60_000);

describe('a failed start exits non-zero with one line (spawned CLI)', () => {
  it('serve: Slack refuses the bot token', async () => {
    const fake = await fakeSlack();
    fake.failAuth('invalid_auth');
    const out = await runToExit(await writeConfig(slackYaml(fake.apiUrl), await tempDir('packbot-startfail-')), ['serve']);
    expect(out.signal).toBeNull();
    // EX_CONFIG, as a bad config: only a new token cures it, so a supervisor must not loop on it.
    expect(out.code).toBe(78);
    expect(errorLines(out)).toEqual([expect.stringMatching(/^packbot: Slack refused adapters\.slack\.bot_token \(invalid_auth\): .*token/)]);
  }, LIMIT);

  it('serve: Discord refuses the token at IDENTIFY', async () => {
    const fake = await FakeDiscord.start(BOT_TOKEN);
    cleanups.push(() => fake.close());
    fake.refuseIdentify = 4004;
    const yaml = `state_dir: ./var\nadapters:\n  discord: {token: ${JSON.stringify(BOT_TOKEN)}, api_url: ${JSON.stringify(fake.apiUrl)}}\n`;
    const out = await runToExit(await writeConfig(yaml, await tempDir('packbot-startfail-')), ['serve']);
    expect(out.signal).toBeNull();
    expect(out.code).toBe(78);
    expect(errorLines(out)).toEqual([expect.stringMatching(/^packbot: Discord refused adapters\.discord\.token .*token/)]);
    expect(out.stderr).not.toContain(BOT_TOKEN);
  }, LIMIT);

  // The console, already reading stdin, and the store's Redis connections would otherwise keep the process up.
  it.each([
    { how: 'serve', args: ['serve'], redis: false },
    { how: 'chat', args: ['chat', '--json'], redis: false },
    { how: 'serve on Redis', args: ['serve'], redis: true },
  ])('$how: the HTTP port is taken', async ({ args, redis }) => {
    const port = await takenPort();
    const yaml = `state_dir: ./var\nserver: {host: 127.0.0.1, port: ${port}, webhooks: {github: {secret: startfail-secret}}}\n${redis ? redisStore() : ''}`;
    const out = await runToExit(await writeConfig(yaml, await tempDir('packbot-startfail-')), args);
    expect(out.signal).toBeNull();
    expect(out.code).not.toBe(0);
    expect(errorLines(out)).toEqual([expect.stringMatching(new RegExp(String(port)))]);
  }, LIMIT);


  it("serve on Redis: Slack refuses the bot token (the store's connections would otherwise keep it up)", async () => {
    const fake = await fakeSlack();
    fake.failAuth('invalid_auth');
    const out = await runToExit(await writeConfig(slackYaml(fake.apiUrl) + redisStore(), await tempDir('packbot-startfail-')), ['serve']);
    expect(out.signal).toBeNull();
    expect(out.code).not.toBe(0);
    expect(errorLines(out)).toEqual([expect.stringMatching(/Slack refused adapters\.slack\.bot_token .*invalid_auth/)]);
  }, LIMIT);


  it('chat: the store cannot open (state_dir is a file)', async () => {
    const dir = await tempDir('packbot-startfail-');
    await writeFile(path.join(dir, 'var'), 'not a directory\n');
    const out = await runToExit(await writeConfig('state_dir: ./var\n', dir), ['chat', '--json']);
    expect(out.signal).toBeNull();
    expect(out.code).not.toBe(0);
    expect(errorLines(out)).toEqual([expect.stringContaining(path.join(dir, 'var'))]);
  }, LIMIT);
});
