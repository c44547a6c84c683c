import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepo, type GitRepo } from '../helpers/git-repo.js';
import { createDeployEnv, pack, type DeployEnv } from '../helpers/deploy.js';

/** Where StackStorm looks by default: `virtualenvs/` beside the packs dir (/opt/stackstorm/{packs,virtualenvs}). */
const besidePacks = (env: DeployEnv): string => path.join(path.dirname(env.config.packs_dir), 'virtualenvs');

/** A hand-made pure-python wheel (pip installs it offline) at `<repo>/<rel>`, staged for the next commit. */
async function addWheel(repo: GitRepo, rel: string, version: string): Promise<void> {
  const wheel = path.join(repo.dir, rel);
  mkdirSync(path.dirname(wheel), { recursive: true });
  execFileSync('python3', ['-c', [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1], "w")',
    'z.writestr("packbot_thing.py", "VALUE = %r\\n" % sys.argv[2])',
    'z.writestr("packbot_thing-%s.dist-info/METADATA" % sys.argv[2], "Metadata-Version: 2.1\\nName: packbot-thing\\nVersion: %s\\n" % sys.argv[2])',
    'z.writestr("packbot_thing-%s.dist-info/WHEEL" % sys.argv[2], "Wheel-Version: 1.0\\nGenerator: packbot-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")',
    'z.writestr("packbot_thing-%s.dist-info/RECORD" % sys.argv[2], "")',
    'z.close()',
  ].join('\n'), wheel, version]);
  await repo.git(['add', '--', rel]);
}

/** What an action of the pack would import, run the way StackStorm's python runner runs it: `<virtualenvs>/<pack>/bin/python`. */
function thingVersion(envsDir: string, ref: string): string {
  return execFileSync(path.join(envsDir, ref, 'bin', 'python'), ['-c', 'import packbot_thing; print(packbot_thing.VALUE)']).toString().trim();
}

const wheelOf = (version: string): string => `packs/py/wheels/packbot_thing-${version}-py3-none-any.whl`;
const pyPack = (version: string, thing: string) =>
  pack('py', { version, extra: { 'packs/py/requirements.txt': `wheels/packbot_thing-${thing}-py3-none-any.whl\n` } });

/** A repository whose pack `py` needs packbot_thing 0.1, its wheel committed beside it. */
async function pyRepo(): Promise<GitRepo> {
  const repo = await createRepo({ files: pyPack('1.0.0', '0.1') });
  await addWheel(repo, wheelOf('0.1'), '0.1');
  await repo.commit('the wheel');
  return repo;
}

describe('pack environments during a deploy', () => {
  it('builds a python venv for a pack with requirements.txt, and a failing pip stops only that pack', async () => {
    const repo = await createRepo({
      files: {
        ...pack('py', { extra: { 'packs/py/requirements.txt': '# nothing to install\n' } }),
        ...pack('plain'),
      },
    });
    const env = await createDeployEnv({ demo: { url: repo.url } }, 'envs: {python: venv}\n');
    const first = await env.deploy({ repo: 'demo' });
    expect(first.packs.map((p) => p.status)).toEqual(['deployed', 'deployed']);
    expect(existsSync(path.join(besidePacks(env), 'py', 'bin', 'python'))).toBe(true);
    expect(first.stages.env).toBeGreaterThan(0);

    await repo.commit('py needs a package that cannot be installed', {
      ...pack('py', { version: '1.1.0', extra: { 'packs/py/requirements.txt': 'packbot-no-such-package==0.0.1\n' } }),
      ...pack('plain', { version: '1.1.0' }),
    });
    const second = await env.deploy({ repo: 'demo' });
    const py = second.packs.find((p) => p.pack === 'py');
    expect(py?.status).toBe('failed');
    expect(py?.error).toMatch(/pip install failed/);
    expect(second.packs.find((p) => p.pack === 'plain')?.status).toBe('deployed');
    expect((await env.app.services.store.active('py'))?.meta.version).toBe('1.0.0');
  }, 120_000);
});

describe('environments where StackStorm looks', () => {
  it('puts <pack> in virtualenvs/ beside packs_dir, built as StackStorm builds it, and its python imports the requirement', async () => {
    const repo = await createRepo({ files: { ...pyPack('1.0.0', '0.1'), ...pack('plain') } });
    await addWheel(repo, wheelOf('0.1'), '0.1');
    await repo.commit('the wheel');
    const env = await createDeployEnv({ demo: { url: repo.url } }, 'envs: {python: venv}\n');
    const first = await env.deploy({ repo: 'demo' });
    expect(first.packs.map((p) => [p.pack, p.status, p.error])).toEqual([['plain', 'deployed', null], ['py', 'deployed', null]]);

    const envs = besidePacks(env);
    expect(thingVersion(envs, 'py')).toBe('0.1');
    // The python runner puts <venv>/lib/<the one python* dir> and its site-packages on PYTHONPATH.
    expect(readdirSync(path.join(envs, 'py', 'lib')).filter((d) => d.startsWith('python'))).toHaveLength(1);
    // StackStorm's default virtualenv_opts: the system's site-packages stay visible.
    expect(readFileSync(path.join(envs, 'py', 'pyvenv.cfg'), 'utf8')).toMatch(/^include-system-site-packages = true$/m);
    // The runner refuses a python action of a pack without an env: every pack gets one, as `st2 pack install` makes.
    expect(existsSync(path.join(envs, 'plain', 'bin', 'python'))).toBe(true);
    // Nothing inside packs_dir any more: StackStorm never looked there.
    expect(existsSync(path.join(env.config.packs_dir, '.virtualenvs'))).toBe(false);
  }, 300_000);

  it('switches the env with each release and back on rollback', async () => {
    const repo = await pyRepo();
    const env = await createDeployEnv({ demo: { url: repo.url } }, 'envs: {python: venv}\n');
    expect((await env.deploy({ repo: 'demo' })).packs[0]?.status).toBe('deployed');
    const envs = besidePacks(env);
    const v1Env = readlinkSync(path.join(envs, 'py'));

    await addWheel(repo, wheelOf('0.2'), '0.2');
    await repo.commit('v2 needs thing 0.2', pyPack('2.0.0', '0.2'));
    expect((await env.deploy({ repo: 'demo' })).packs[0]?.status).toBe('deployed');
    expect(readlinkSync(path.join(envs, 'py'))).not.toBe(v1Env);
    expect(thingVersion(envs, 'py')).toBe('0.2');

    const back = await env.app.deployer.rollback('py', undefined, 'console:alice');
    expect(back.version).toBe('1.0.0');
    expect(readlinkSync(path.join(envs, 'py'))).toBe(v1Env);
    expect(thingVersion(envs, 'py')).toBe('0.1');
  }, 300_000);

  it('uses envs.virtualenvs_dir when set (relative to packbot.yaml)', async () => {
    const repo = await pyRepo();
    const env = await createDeployEnv({ demo: { url: repo.url } }, 'envs: {python: venv, virtualenvs_dir: st2/virtualenvs}\n');
    expect(env.config.envs.virtualenvs_dir).toBe(path.join(env.root, 'st2', 'virtualenvs'));
    expect((await env.deploy({ repo: 'demo' })).packs[0]?.status).toBe('deployed');
    expect(thingVersion(path.join(env.root, 'st2', 'virtualenvs'), 'py')).toBe('0.1');
    expect(existsSync(besidePacks(env))).toBe(false);
  }, 300_000);

  it('replaces an older packbot\'s <packs_dir>/.virtualenvs env and StackStorm\'s own env dir on the next deploy', async () => {
    const repo = await createRepo({ files: { ...pyPack('1.0.0', '0.1'), ...pack('plain') } });
    await addWheel(repo, wheelOf('0.1'), '0.1');
    await repo.commit('the wheel');
    const env = await createDeployEnv({ demo: { url: repo.url } }, 'envs: {python: venv}\n');
    // What packbot before virtualenvs_dir left: a finished env and its link, inside packs_dir.
    const legacy = path.join(env.config.packs_dir, '.virtualenvs');
    mkdirSync(path.join(legacy, 'py-0123456789ab', 'bin'), { recursive: true });
    writeFileSync(path.join(legacy, 'py-0123456789ab', '.complete'), '');
    symlinkSync('py-0123456789ab', path.join(legacy, 'py'));
    // What `st2 pack install` left where StackStorm looks: a real virtualenv directory.
    const envs = besidePacks(env);
    mkdirSync(path.join(envs, 'plain', 'bin'), { recursive: true });
    writeFileSync(path.join(envs, 'plain', 'pyvenv.cfg'), 'home = /usr/bin\n');
    symlinkSync('/usr/bin/python3', path.join(envs, 'plain', 'bin', 'python'));

    expect((await env.deploy({ repo: 'demo' })).packs.map((p) => p.status)).toEqual(['deployed', 'deployed']);
    expect(thingVersion(envs, 'py')).toBe('0.1');
    expect(readlinkSync(path.join(envs, 'plain'))).toMatch(/^plain-[0-9a-f]{12}$/);
    expect(existsSync(legacy)).toBe(false);
  }, 300_000);
});
