import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { MASK } from '../../src/core/masking/masker.js';
import { createRepo, type FileSpec } from '../helpers/git-repo.js';
import { createDeployEnv, pack, type DeployEnv } from '../helpers/deploy.js';

const PASSING = 'def test_adds():\n    assert 1 + 1 == 2\n';
// Tests (and pytest plugins) write where they like; none of it may stay in the release.
const WRITES = 'def test_writes():\n    open("scratch.txt", "w").write("x")\n';
const FAILING = 'def test_banner():\n    assert "banner-v2" == "banner-v1", "banner mismatch in v2"\n';

/** A pack (under packs/<name>/ unless prefix says otherwise) with the given test files. */
function testedPack(name: string, version: string, tests: Record<string, string> | null, prefix = `packs/${name}/`, extra: Record<string, FileSpec> = {}): Record<string, FileSpec> {
  const files: Record<string, FileSpec> = { ...extra };
  for (const [file, text] of Object.entries(tests ?? {})) files[`${prefix}tests/${file}`] = text;
  return pack(name, { version, prefix, extra: files });
}

/**
 * createDeployEnv appends `extra` right after the last repository's keys, so indented
 * lines land in that repository's settings.
 */
const repoKeys = (...lines: string[]) => lines.map((l) => `    ${l}\n`).join('');

async function activeVersion(env: DeployEnv, name: string): Promise<string | undefined> {
  return (await env.app.services.store.active(name))?.meta.version;
}

/** Nothing a failed or finished deploy should leave behind: build dirs, staging. */
function leftovers(env: DeployEnv, name: string): string[] {
  const releases = path.join(env.config.packs_dir, '.releases', name);
  const staging = path.join(env.config.state_dir, 'staging');
  return [
    ...(existsSync(releases) ? readdirSync(releases).filter((e) => e.startsWith('.tmp-')) : []),
    ...(existsSync(staging) ? readdirSync(staging) : []),
  ];
}

describe('the test gate', () => {
  it('activates a pack whose tests pass, and keeps the previous release when they fail', async () => {
    const repo = await createRepo({ files: testedPack('gated', '1.0.0', { 'test_ok.py': PASSING, 'test_writes.py': WRITES }, '') });
    const env = await createDeployEnv({ solo: { url: repo.url, subtree: false } }, repoKeys('require_tests: true'));
    const first = await env.deploy({ repo: 'solo' });
    expect(first.packs.map((p) => [p.pack, p.status, p.error])).toEqual([['gated', 'deployed', null]]);
    expect(first.stages.test).toBeGreaterThan(0);
    const v1 = await env.app.services.store.active('gated');
    // Neither bytecode nor pytest's cache may end up in the release.
    expect(existsSync(path.join(v1?.dir ?? '', 'tests', '__pycache__'))).toBe(false);
    expect(existsSync(path.join(v1?.dir ?? '', '.pytest_cache'))).toBe(false);
    expect(existsSync(path.join(v1?.dir ?? '', 'scratch.txt'))).toBe(false);

    await repo.commit('v2 breaks a test', testedPack('gated', '2.0.0', { 'test_ok.py': PASSING, 'test_banner.py': FAILING }, ''));
    const second = await env.deploy({ repo: 'solo' });
    const gated = second.packs[0];
    expect(gated?.status).toBe('failed');
    expect(gated?.error).toMatch(/^tests failed \(pytest exit 1\):/);
    expect(gated?.error).toContain('banner mismatch in v2');
    expect(second.failure_count).toBe(1);
    expect(await activeVersion(env, 'gated')).toBe('1.0.0');
    expect(readlinkSync(path.join(env.config.packs_dir, 'gated'))).toBe(`.releases/gated/${v1?.release}`);
    expect(leftovers(env, 'gated')).toEqual([]);
  }, 60_000);

  it('stops only the failing pack of a subtree repository', async () => {
    const repo = await createRepo({
      files: { ...testedPack('good', '1.0.0', { 'test_ok.py': PASSING }), ...testedPack('bad', '1.0.0', { 'test_banner.py': FAILING }) },
    });
    const env = await createDeployEnv({ demo: { url: repo.url } }, repoKeys('require_tests: true'));
    const result = await env.deploy({ repo: 'demo' });
    const status = Object.fromEntries(result.packs.map((p) => [p.pack, p.status]));
    expect(status).toEqual({ good: 'deployed', bad: 'failed' });
    expect(await activeVersion(env, 'good')).toBe('1.0.0');
    expect(await env.app.services.store.active('bad')).toBeNull();
    expect(leftovers(env, 'bad')).toEqual([]);
  }, 60_000);

  it('gates only the packs named in a require_tests list', async () => {
    const repo = await createRepo({
      files: { ...testedPack('listed', '1.0.0', { 'test_banner.py': FAILING }), ...testedPack('free', '1.0.0', { 'test_banner.py': FAILING }) },
    });
    const env = await createDeployEnv({ demo: { url: repo.url } }, repoKeys('require_tests: [listed]'));
    const result = await env.deploy({ repo: 'demo' });
    const status = Object.fromEntries(result.packs.map((p) => [p.pack, p.status]));
    expect(status).toEqual({ listed: 'failed', free: 'deployed' });
    expect(result.stages.test).toBeGreaterThan(0);
  }, 60_000);

  it('runs a configured command instead of pytest, a repository overriding the top-level one', async () => {
    // {pack_dir} is the staged release: the check proves the command ran on the new files.
    const check = 'import os, sys\nsys.exit(0 if os.path.isfile(os.path.join(sys.argv[1], "pack.yaml")) else 4)\n';
    const failingRepo = await createRepo({ files: { ...pack('strict', { prefix: '' }) } });
    const passingRepo = await createRepo({ files: { ...pack('lenient', { prefix: '', extra: { 'check.py': check } }) } });
    const env = await createDeployEnv(
      { strictrepo: { url: failingRepo.url, subtree: false }, lenientrepo: { url: passingRepo.url, subtree: false } },
      `${repoKeys('require_tests: true', 'tests: {command: ["python3", "check.py", "{pack_dir}"], timeout: 30s}')}` +
        'tests: {command: ["python3", "-c", "import sys; print(\'custom check says no\'); sys.exit(3)"]}\n',
    );
    // strictrepo has no require_tests of its own yet: it deploys without running anything.
    expect((await env.deploy({ repo: 'strictrepo' })).packs[0]?.status).toBe('deployed');

    const lenient = await env.deploy({ repo: 'lenientrepo' });
    expect(lenient.packs.map((p) => [p.pack, p.status, p.error])).toEqual([['lenient', 'deployed', null]]);
    expect(await activeVersion(env, 'lenient')).toBe('1.0.0');

    const gated = await createDeployEnv({ strictrepo: { url: failingRepo.url, subtree: false } },
      `${repoKeys('require_tests: true')}tests: {command: ["python3", "-c", "import sys; print('custom check says no'); sys.exit(3)"]}\n`);
    const strict = await gated.deploy({ repo: 'strictrepo' });
    expect(strict.packs[0]?.status).toBe('failed');
    expect(strict.packs[0]?.error).toMatch(/^tests failed \(python3: exit 3\):/);
    expect(strict.packs[0]?.error).toContain('custom check says no');
    expect(await gated.app.services.store.active('strict')).toBeNull();
  }, 60_000);

  it('fails a pack that requires tests but has none, saying how to fix it', async () => {
    const repo = await createRepo({ files: pack('untested', { prefix: '' }) });
    const env = await createDeployEnv({ solo: { url: repo.url, subtree: false } }, repoKeys('require_tests: true'));
    const result = await env.deploy({ repo: 'solo' });
    expect(result.packs[0]?.status).toBe('failed');
    expect(result.packs[0]?.error).toBe('pack untested has require_tests but no tests/ directory; add tests or set tests.command');

    await repo.commit('an empty tests dir', { 'tests/helpers.py': 'VALUE = 1\n' });
    const empty = await env.deploy({ repo: 'solo' });
    expect(empty.packs[0]?.error).toMatch(/pytest found no tests in tests\//);
  }, 60_000);

  it('masks registered secrets in the reported test output', async () => {
    const secret = 'hunter2-super-secret-value';
    const leak = `def test_leak():\n    print("token=${secret}")\n    assert False, "got ${secret}"\n`;
    const repo = await createRepo({ files: testedPack('leaky', '1.0.0', { 'test_leak.py': leak }, '') });
    const env = await createDeployEnv({ solo: { url: repo.url, subtree: false } }, repoKeys('require_tests: true'));
    env.masker.add(secret);
    const result = await env.deploy({ repo: 'solo' });
    expect(result.packs[0]?.status).toBe('failed');
    expect(result.packs[0]?.error).not.toContain(secret);
    expect(result.packs[0]?.error).toContain(`got ${MASK}`);
    expect(env.logs()).not.toContain(secret);
  }, 60_000);

  it('runs the tests with the pack venv, borrowing host pytest, with test-only packages kept out of the venv', async () => {
    // Inside the pack: its tests run sandboxed, where only the release (not the host's /tmp) is visible.
    const wheelName = 'wheels/packbot_testdep-0.1-py3-none-any.whl';
    const v1 = testedPack('venvy', '1.0.0', { 'test_venv.py': `${venvTestText()}\n` }, '', {
      'requirements.txt': '# v1: nothing to install\n',
      'requirements-tests.txt': `${wheelName}\n`,
    });
    const repo = await createRepo({ files: v1 });
    const wheel = path.join(repo.dir, wheelName);
    mkdirSync(path.dirname(wheel), { recursive: true });
    // A hand-made wheel: pip installs it offline, which is what requirements-tests.txt needs here.
    execFileSync('python3', ['-c', [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1], "w")',
      'z.writestr("packbot_testdep.py", "VALUE = 42\\n")',
      'z.writestr("packbot_testdep-0.1.dist-info/METADATA", "Metadata-Version: 2.1\\nName: packbot-testdep\\nVersion: 0.1\\n")',
      'z.writestr("packbot_testdep-0.1.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: packbot-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")',
      'z.writestr("packbot_testdep-0.1.dist-info/RECORD", "")',
      'z.close()',
    ].join('\n'), wheel]);
    await repo.git(['add', '--', wheelName]);
    await repo.commit('the test-only wheel');
    const venvTest = venvTestText();
    const env = await createDeployEnv({ solo: { url: repo.url, subtree: false } }, `${repoKeys('require_tests: true')}envs: {python: venv}\n`);
    const first = await env.deploy({ repo: 'solo' });
    expect(first.packs.map((p) => [p.status, p.error])).toEqual([['deployed', null]]);
    const link = path.join(env.config.envs.virtualenvs_dir, 'venvy');
    const v1Env = readlinkSync(link);
    const imported = execFileSync(path.join(link, 'bin', 'python'), ['-c', 'import importlib.util as u; print(u.find_spec("packbot_testdep") is None)']);
    expect(imported.toString().trim()).toBe('True');

    // A new env (changed requirements) whose tests fail: the old release and its env stay.
    await repo.commit('v2', testedPack('venvy', '2.0.0', { 'test_venv.py': `${venvTest}\n`, 'test_banner.py': FAILING }, '', {
      'requirements.txt': '# v2: still nothing\n',
    }));
    const second = await env.deploy({ repo: 'solo' });
    expect(second.packs[0]?.status).toBe('failed');
    expect(second.packs[0]?.error).toContain('banner mismatch in v2');
    expect(await activeVersion(env, 'venvy')).toBe('1.0.0');
    expect(readlinkSync(link)).toBe(v1Env);
  }, 120_000);
});

function venvTestText(): string {
  return [
    'import sys',
    'import packbot_testdep',
    'def test_runs_in_the_venv():',
    '    assert sys.prefix != sys.base_prefix',
    '    assert packbot_testdep.VALUE == 42',
  ].join('\n');
}

describe('test gate settings', () => {
  const file = '/srv/packbot/packbot.yaml';
  const repo = (...lines: string[]) => ['repositories:', '  demo:', '    repo: https://example.com/demo.git', ...lines.map((l) => `    ${l}`)].join('\n');

  it('reads require_tests as a flag or a list, and tests settings at both levels', () => {
    const { config } = parseConfig(`${repo('require_tests: [a, b]', 'tests: {timeout: 30s}')}\ntests: {command: [make, test, "{pack_dir}"]}`, { file, env: {} });
    expect(config.repositories['demo']?.require_tests).toEqual(['a', 'b']);
    expect(config.repositories['demo']?.tests).toEqual({ timeout: 30_000 });
    expect(config.tests).toEqual({ command: ['make', 'test', '{pack_dir}'] });
  });

  it('refuses a shell string as a command and anything but a flag or list for require_tests', () => {
    expect(() => parseConfig(repo('tests: {command: "pytest tests"}'), { file, env: {} })).toThrow(
      expect.objectContaining({ details: [expect.stringMatching(/tests\.command: expected a list of arguments \(no shell\)/)] }),
    );
    expect(() => parseConfig(repo('require_tests: always'), { file, env: {} })).toThrow(
      expect.objectContaining({ details: [expect.stringMatching(/require_tests: expected true, false or a list of pack names/)] }),
    );
  });
});
