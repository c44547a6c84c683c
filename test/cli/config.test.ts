import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writeConfig } from '../helpers/config.js';

describe('packbot config (spawned CLI)', () => {
  it('check accepts a valid file and names its repositories', async () => {
    const file = await writeConfig('repositories:\n  st2contrib:\n    repo: https://github.com/StackStorm/st2contrib.git\n');
    const r = await runCli(['--config', file, 'config', 'check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK (1 repository: st2contrib)');
  });

  it('check reports every mistake at once with its path, and leaks no secret', async () => {
    const file = await writeConfig(`
bot: {name: packbot, prefix: 7}
stor: {kind: embedded}
queue: {concurrency: 0, max_wait: forever}
locks: {revert_after: 90}
confirm: {policy: sometimes}
repositories:
  st2contrib:
    repo: "--upload-pack=touch /tmp/x"
  private:
    repo: https://deploy:hunter2-secret-token@example.com/r.git
permissions: {admins: [alice]}
`);
    const r = await runCli(['--config', file, 'config', 'check']);
    expect(r.code).toBe(78); // EX_CONFIG: systemd's RestartPreventExitStatus=78 stops retrying
    for (const p of ['bot.prefix', 'stor', 'queue.concurrency', 'queue.max_wait', 'locks.revert_after', 'confirm.policy',
      'repositories.st2contrib.repo', 'repositories.private.repo', 'permissions.admins[0]']) {
      expect(r.stderr).toContain(p);
    }
    expect(r.stderr).not.toContain('hunter2-secret-token');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('check on a copy of examples/packbot.yaml flags its demo repository, which only --demo seeds', async () => {
    const { copyFile, mkdir } = await import('node:fs/promises');
    const path = await import('node:path');
    const { tempDir } = await import('../helpers/config.js');
    const { ROOT } = await import('../helpers/cli.js');
    const cwd = await tempDir();
    await copyFile(path.join(ROOT, 'examples', 'packbot.yaml'), path.join(cwd, 'packbot.yaml'));
    const env = { PACKBOT_CONFIG: '', PACKBOT_STATE_DIR: '' };
    const r = await runCli(['config', 'check'], { cwd, env });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('repositories.demo.repo');
    expect(r.stderr).toContain('does not exist');
    expect(r.stderr).toContain('--demo');
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
    // Once it points at something real, the copy checks OK.
    await mkdir(path.join(cwd, 'var', 'demo-packs.git'), { recursive: true });
    const ok = await runCli(['config', 'check'], { cwd, env });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('OK (1 repository: demo)');
  });

  it('check explains where it looked when there is no config', async () => {
    const { tempDir } = await import('../helpers/config.js');
    const cwd = await tempDir();
    const r = await runCli(['config', 'check'], { cwd, env: { PACKBOT_CONFIG: '' } });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/packbot\.yaml/);
  });

  it('schema prints a JSON Schema that editors can use', async () => {
    const r = await runCli(['config', 'schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.properties.repositories).toBeDefined();
    expect(schema.properties.locks).toBeDefined();
  });
});

describe('the CLI error boundary', () => {
  it('masks URL credentials in any error it prints', async () => {
    const { reportCliError } = await import('../../src/app/cli/errors.js');
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    expect(reportCliError(new Error('fetch https://bot:s3cret-t0ken@git.example.com/r.git failed'), out)).toBe(1);
    expect(text).toBe('packbot: unexpected error: fetch https://***@git.example.com/r.git failed\n');
  });

  it('exits 78 (EX_CONFIG) for a config problem, 2 for a usage error and 1 for anything else', async () => {
    const { reportCliError } = await import('../../src/app/cli/errors.js');
    const { PackbotError } = await import('../../src/core/errors.js');
    const { PassThrough } = await import('node:stream');
    const sink = () => new PassThrough();
    expect(reportCliError(new PackbotError('config_invalid', 'x'), sink())).toBe(78);
    expect(reportCliError(new PackbotError('config_not_found', 'x'), sink())).toBe(78);
    expect(reportCliError(new PackbotError('usage', 'x'), sink())).toBe(2);
    expect(reportCliError(new PackbotError('repo_unknown', 'x'), sink())).toBe(1);
  });
});
