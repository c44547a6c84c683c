import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, run, runCli } from '../helpers/cli.js';
import { tempDir, writeConfig } from '../helpers/config.js';

const CONFIG = `
repositories:
  st2contrib: {repo: https://github.com/StackStorm/st2contrib.git}
log: {level: warn}
`;

describe('packbot chat (spawned CLI)', () => {
  it('--json: one JSON line per bot message, users and channels from the line, exit 0 at end of input', async () => {
    const file = await writeConfig(CONFIG);
    const r = await runCli(['--config', file, 'chat', '--json', '--user', 'carol', '--channel', 'ops'], {
      input: ['!help', '@bob #deploys !pack locks', 'just chatting', '@alice !pack bogus'].join('\n'),
    });
    expect(r.code).toBe(0);
    const out = jsonLines(r.stdout);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({ channel: 'ops', thread: null, mentions: [] });
    expect(out[0]?.text).toContain('pack deploy <repo> [packs] [branch]');
    expect(out[1]).toMatchObject({ channel: 'deploys' });
    expect(out[1]?.text).toBe('No packs are locked.');
    expect(out[2]?.text).toContain("I don't know `pack bogus`");
  });

  it('--demo seeds the example pack repo under the state dir and answers !help', async () => {
    const state = await tempDir();
    const r = await runCli(['chat', '--demo'], { input: '!help\n', env: { PACKBOT_STATE_DIR: state } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[#general\] packbot: Commands/m);
    expect(r.stdout).toContain('pack deploy <repo> [packs] [branch]');
    expect(existsSync(path.join(state, 'demo-packs.git', 'HEAD'))).toBe(true);
  });

  it('npm start runs the demo console bot', async () => {
    const state = await tempDir();
    const r = await run('npm', ['start', '--silent'], {
      input: '!help\n!pack deploy demo hello,monitoring,incident\n!pack list\n',
      env: { PACKBOT_STATE_DIR: state },
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pack deploy <repo> [packs] [branch]');
    expect(r.stdout).toMatch(/Deploy `[0-9a-f]{8}` from `demo` master at `[0-9a-f]{7}`: 3 ok, 0 failed/);
    expect(r.stdout).toMatch(/• incident 1\.2\.0 — demo master/);
  }, 90_000);
});
