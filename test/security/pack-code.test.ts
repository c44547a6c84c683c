/**
 * Pack code is untrusted (issue 15, finding 1). A pack's build backend (named by a local path in
 * requirements.txt) and its conftest.py try to read packbot's secrets: every /proc/<pid>/environ,
 * the config file, and everything under state_dir. packbot runs as a real child process (the
 * built CLI) with secrets in its own environment, so /proc/<pid>/environ really holds them.
 * Offline: the "package" is an in-tree PEP 517 backend, so pip needs no index.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createRepo, tempDir, type FileSpec } from '../helpers/git-repo.js';
import { deployConfigYaml, pack } from '../helpers/deploy.js';

const ENV_SECRET = 'xoxb-planted-in-packbots-environ-4f1c9';
const CONFIG_SECRET = 'planted-in-the-config-file-7d2e0';
const STATE_SECRET = 'planted-under-state-dir-93ab1';
const SECRETS = [ENV_SECRET, CONFIG_SECRET, STATE_SECRET];
const FOUND = 'found.txt';

/** Python that reads what it can of packbot's secrets and writes it all to FOUND (in the current dir, or `out`). */
function scanner(targets: string[], out: string): string {
  return [
    'import glob, os',
    'def scan():',
    '    found = []',
    '    for p in glob.glob("/proc/*/environ"):',
    '        try: found.append(open(p, "rb").read().decode("latin1"))',
    '        except Exception: pass',
    `    for t in ${JSON.stringify(targets)}:`,
    '        for root, dirs, files in ([(os.path.dirname(t), [], [os.path.basename(t)])] if os.path.isfile(t) else os.walk(t)):',
    '            for f in files:',
    '                try: found.append(open(os.path.join(root, f), "rb").read().decode("latin1"))',
    '                except Exception: pass',
    `    with open(${out}, "w") as fh: fh.write("scanned\\n" + "\\n".join(found))`,
  ].join('\n');
}

/** A PEP 517 backend with no requirements: scans at build time, then builds a tiny wheel. */
function backend(targets: string[]): string {
  return [
    scanner(targets, JSON.stringify(FOUND)),
    'import zipfile',
    'def get_requires_for_build_wheel(config_settings=None): return []',
    'def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):',
    '    scan()',
    '    name = "probe-0.1-py3-none-any.whl"',
    '    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:',
    '        z.writestr("probe.py", "")',
    '        z.writestr("probe-0.1.dist-info/METADATA", "Metadata-Version: 2.1\\nName: probe\\nVersion: 0.1\\n")',
    '        z.writestr("probe-0.1.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: probe\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")',
    '        z.writestr("probe-0.1.dist-info/RECORD", "")',
    '    return name',
    '',
  ].join('\n');
}

interface Setup {
  root: string;
  config: string;
  stateDir: string;
  targets: string[];
}

async function setup(extra: string, files: (targets: string[]) => Record<string, FileSpec>): Promise<Setup & { deploy(): Promise<{ code: number | null; out: { packs: Array<{ status: string; error: string | null }> } }> }> {
  const root = await tempDir('packbot-packcode-');
  const config = path.join(root, 'packbot.yaml');
  const stateDir = path.join(root, 'state');
  const targets = [config, stateDir];
  const repo = await createRepo({ files: files(targets) });
  // The config file holds a secret (a hook's credential); so does a file under state_dir.
  const yaml = deployConfigYaml(root, { demo: { url: repo.url, subtree: false } }, extra).replace('log: {level: debug}', 'log: {level: warn}');
  await writeFile(config, `${yaml}register: {env: {ST2_API_KEY: "${CONFIG_SECRET}"}}\n`, { mode: 0o600 });
  await mkdir(stateDir, { recursive: true });
  await writeFile(path.join(stateDir, 'planted.txt'), `${STATE_SECRET}\n`, { mode: 0o600 });
  return {
    root, config, stateDir, targets,
    async deploy() {
      const r = await runCli(['--config', config, 'deploy', 'demo', 'all', '--json'], { env: { PACKBOT_PLANTED_SLACK_TOKEN: ENV_SECRET }, timeoutMs: 600_000 });
      return { code: r.code, out: JSON.parse(r.stdout) };
    },
  };
}

/** A pack whose requirements.txt names an in-tree package built by the backend above. */
const buildingPack = (targets: string[]): Record<string, FileSpec> => ({
  ...pack('probe', { prefix: '' }),
  'requirements.txt': './probe_src\n',
  'probe_src/pyproject.toml': '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n\n[project]\nname = "probe"\nversion = "0.1"\n',
  'probe_src/backend.py': backend(targets),
});

function activeFile(s: Setup, rel: string): string {
  return path.join(s.stateDir, 'packs', 'probe', rel);
}

function expectNoSecrets(text: string): void {
  expect(text.startsWith('scanned')).toBe(true);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('pack code cannot read packbot\'s secrets', () => {
  it('refuses a requirements.txt that would build a local path, by default, building nothing', async () => {
    const s = await setup('envs: {python: venv}\n', buildingPack);
    const { code, out } = await s.deploy();
    expect(code).toBe(1);
    expect(out.packs[0]?.status).toBe('failed');
    expect(out.packs[0]?.error).toBe(
      'probe: requirements.txt line 1 (./probe_src) is refused: it names a path, a URL or a direct reference instead of a package; ' +
      'pip installs wheels of named packages only unless the repository sets pack_code: {source_builds: true}',
    );
    // The backend never ran, and no environment was built.
    const envs = path.join(s.stateDir, 'virtualenvs');
    expect(existsSync(envs) ? readdirSync(envs).filter((n) => n.startsWith('probe-')) : []).toEqual([]);
    expect(existsSync(activeFile(s, `probe_src/${FOUND}`))).toBe(false);
  }, 600_000);

  it('runs an opted-in source build sandboxed: the build backend finds no secret', async () => {
    const s = await setup('    pack_code: {source_builds: true}\nenvs: {python: venv}\n', buildingPack);
    const { out } = await s.deploy();
    expect(out.packs.map((p) => [p.status, p.error])).toEqual([['deployed', null]]);
    expectNoSecrets(await readFile(activeFile(s, `probe_src/${FOUND}`), 'utf8'));
  }, 600_000);

  it('runs a pack\'s tests sandboxed: its conftest.py finds no secret', async () => {
    const tested = (targets: string[]): Record<string, FileSpec> => ({
      ...pack('probe', { prefix: '' }),
      // Files a test run adds are removed afterwards; one changed in place stays, for the test to read.
      [`tests/${FOUND}`]: '',
      'tests/conftest.py': `import os\n${scanner(targets, `os.path.join(os.path.dirname(__file__), ${JSON.stringify(FOUND)})`)}\nscan()\n`,
      'tests/test_ok.py': 'def test_ok():\n    assert True\n',
    });
    const s = await setup('    require_tests: true\n', tested);
    const { out } = await s.deploy();
    expect(out.packs.map((p) => [p.status, p.error])).toEqual([['deployed', null]]);
    expectNoSecrets(await readFile(activeFile(s, `tests/${FOUND}`), 'utf8'));
  }, 600_000);
});
