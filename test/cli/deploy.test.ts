import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createRepo, tempDir } from '../helpers/git-repo.js';
import { deployConfigYaml, pack } from '../helpers/deploy.js';

async function setup() {
  const repo = await createRepo({ files: { ...pack('alpha'), 'packs/broken/pack.yaml': 'name: broken\n' } });
  const root = await tempDir('packbot-cli-deploy-');
  const config = path.join(root, 'packbot.yaml');
  await writeFile(config, deployConfigYaml(root, { demo: { url: repo.url } }).replace('log: {level: debug}', 'log: {level: warn}'));
  return { repo, config, root };
}

describe('packbot deploy (spawned CLI)', () => {
  it('--json prints the result and exits 0 when every pack succeeded', async () => {
    const { config, repo } = await setup();
    const r = await runCli(['--config', config, 'deploy', 'demo', 'alpha', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['deploy_id', 'repo', 'branch', 'commit', 'packs', 'success_count', 'failure_count', 'duration_ms']));
    expect(out).toMatchObject({ repo: 'demo', branch: 'main', commit: await repo.revParse('HEAD'), success_count: 1, failure_count: 0 });
    expect(Object.keys(out.packs[0])).toEqual(expect.arrayContaining(['pack', 'status', 'release', 'previous_release', 'components', 'warnings', 'error']));
    expect(out.packs[0]).toMatchObject({ pack: 'alpha', status: 'deployed', previous_release: null, error: null });
  });

  it('prints progress on stderr and a summary on stdout, exiting 1 when a pack fails', async () => {
    const { config } = await setup();
    const r = await runCli(['--config', config, 'deploy', 'demo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^✓ fetch \(/m);
    expect(r.stderr).toMatch(/^✗ validate broken/m);
    expect(r.stdout).toMatch(/1 ok, 1 failed/);
    expect(r.stdout).toMatch(/✗ broken — 3 problems in the pack:\n {3}pack\.yaml: description: is required/);
  });

  it('fetches once per deploy: the commit its targets were checked at is the one deployed', async () => {
    const { config, repo } = await setup();
    await writeFile(config, (await readFile(config, 'utf8')).replace('log: {level: warn}', 'log: {level: info}'));
    const syncs = (stderr: string) => stderr.split('\n').filter((l) => /"msg":"git mirror (fetched|cloned)"/.test(l));
    const first = await runCli(['--config', config, 'deploy', 'demo', 'alpha', '--json']);
    expect(syncs(first.stderr)).toHaveLength(1);
    await repo.commit('alpha 1.0.1', { 'packs/alpha/pack.yaml': (pack('alpha', { version: '1.0.1' })['packs/alpha/pack.yaml']) as string });
    const second = await runCli(['--config', config, 'deploy', 'demo', 'alpha', '--json']);
    expect(syncs(second.stderr)).toHaveLength(1);
    expect(JSON.parse(second.stdout)).toMatchObject({ commit: await repo.revParse('HEAD'), success_count: 1 });
  });

  it('parses a big YAML file on a worker thread from the bundled CLI', async () => {
    // Above OFF_THREAD_ABOVE (16 KiB) a file is parsed off the main thread, by a worker the
    // bundle must find outside itself (the pool's code sits in one of its chunks).
    const params = Array.from({ length: 600 }, (_, i) => `  p${i}:\n    type: string\n    description: parameter number ${i}\n`).join('');
    const big = `---\nname: big\nrunner_type: python-script\nentry_point: big.py\nparameters:\n${params}`;
    expect(big.length).toBeGreaterThan(16 * 1024);
    const repo = await createRepo({ files: pack('alpha', { extra: { 'packs/alpha/actions/big.yaml': big, 'packs/alpha/actions/big.py': 'print(1)\n' } }) });
    const root = await tempDir('packbot-cli-deploy-');
    const config = path.join(root, 'packbot.yaml');
    await writeFile(config, deployConfigYaml(root, { demo: { url: repo.url } }).replace('log: {level: debug}', 'log: {level: warn}'));
    const r = await runCli(['--config', config, 'deploy', 'demo', 'alpha', '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ success_count: 1, failure_count: 0, packs: [{ pack: 'alpha', status: 'deployed', components: { actions: ['big', 'hello'] } }] });
  });

  it('exits 1 with a one-line error for an unknown repository', async () => {
    const { config } = await setup();
    const r = await runCli(['--config', config, 'deploy', 'nope', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toBe('Unknown repository "nope" (configured: demo). Add it under repositories: in packbot.yaml.');
  });
});

describe('packbot validate (spawned CLI)', () => {
  it('passes a valid pack and fails a broken one, listing every problem', async () => {
    const root = await tempDir('packbot-validate-');
    const { cp, mkdir } = await import('node:fs/promises');
    const good = path.join(root, 'monitoring');
    await cp(path.join(process.cwd(), 'examples/demo-packs/packs/monitoring'), good, { recursive: true });
    const bad = path.join(root, 'bad');
    await mkdir(path.join(bad, 'actions'), { recursive: true });
    await writeFile(path.join(bad, 'pack.yaml'), 'name: bad\nversion: x\n');
    await writeFile(path.join(bad, 'actions', 'a.yaml'), 'name: [unclosed\n');
    const ok = await runCli(['validate', good]);
    expect(ok.code).toBe(0);
    const failed = await runCli(['validate', '--json', good, bad]);
    expect(failed.code).toBe(1);
    const results = JSON.parse(failed.stdout);
    expect(results[0].errors).toEqual([]);
    expect(results[1].errors.length).toBeGreaterThanOrEqual(3);
    expect(results[1].errors.join('\n')).toMatch(/description/);
    expect(results[1].errors.join('\n')).toMatch(/actions\/a\.yaml/);
  });
});
