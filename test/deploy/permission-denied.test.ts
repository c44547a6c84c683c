/**
 * Issue 20, item 10: "raw EACCES text in replies". A deploy into a directory packbot may not
 * write reaches chat as one clear line that names the path and the fix, not Node's
 * `EACCES: permission denied, open '…'`.
 *
 * The condition is real: the pack directory belongs to root and is not writable by the bot.
 * Run as root (as CI containers often are), the bot is started as `nobody` (root ignores file
 * modes, so only another user meets a real EACCES); as anyone else, the directory is made
 * read-only (0555).
 */
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { scaled } from '../helpers/budget.js';
import { createRepo, tempDir } from '../helpers/git-repo.js';
import { deployConfigYaml, pack } from '../helpers/deploy.js';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** Hands `dir` and everything under it to `nobody` (root only), so the bot can use its own state. */
async function giveToNobody(dir: string): Promise<void> {
  await chown(dir, NOBODY, NOBODY);
  for (const name of await readdir(dir, { recursive: true })) await chown(path.join(dir, name), NOBODY, NOBODY);
}

interface Said {
  channel: string;
  text: string;
}

/** `packbot chat --json` fed `lines` (as nobody when root); what it said, once its input is done. */
function chat(config: string, env: Record<string, string>, lines: string[]): Promise<{ code: number | null; said: Said[]; stderr: string }> {
  const child = spawn(process.execPath, [BIN, '--config', config, 'chat', '--json', '--user', 'alice'], {
    cwd: path.dirname(config),
    env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), scaled(60_000));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      const said = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Said);
      resolve({ code, said, stderr });
    });
  });
}

describe('a deploy into a directory packbot may not write', () => {
  it('is answered with one clear line naming the directory and the fix, not the raw EACCES', async () => {
    const repo = await createRepo({ files: pack('alpha') });
    const root = await tempDir('packbot-eacces-');
    const packs = path.join(root, 'packs');
    const config = path.join(root, 'packbot.yaml');
    await writeFile(config, deployConfigYaml(root, { demo: { url: repo.url } }, `packs_dir: ${packs}\n`).replace('log: {level: debug}', 'log: {level: warn}'));
    await mkdir(path.join(root, 'home'));
    if (asRoot) {
      await giveToNobody(root);
      await giveToNobody(path.dirname(repo.dir));
    }
    // Made last: root's, and only root may write it (as anyone else: nobody may).
    await mkdir(packs, { mode: 0o755 });
    await chmod(packs, asRoot ? 0o755 : 0o555);

    const out = await chat(config, { HOME: path.join(root, 'home') }, ['!pack deploy demo alpha']);
    await chmod(packs, 0o755);
    const text = out.said.map((m) => m.text).join('\n');
    expect(text, out.stderr).not.toMatch(/EACCES|permission denied, /);
    // One line: the path (as the responder masks server paths), what is wrong and the fix.
    expect(text.split('\n').filter((l) => /may not write/.test(l)), out.stderr).toEqual([
      expect.stringMatching(/^✗ alpha 1\.0\.0 — packbot may not write \S*packs\S* \(permission denied\): make \S*packs\S* writable by the user packbot runs as \(its owner or permissions: chown or chmod\), then try again\.$/),
    ]);
  }, scaled(90_000));
});
