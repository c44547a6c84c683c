import { execFile } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PackbotError } from '../../src/core/errors.js';
import { demoSourceDir, seedDemoRepo } from '../../src/app/demo/seed.js';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const sourceDir = demoSourceDir(packageRoot);
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

const gitEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_')),
);
Object.assign(gitEnv, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' });

async function git(repo: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', repo, ...args], { env: gitEnv });
  return stdout.trim();
}

async function lines(repo: string, ...args: string[]): Promise<string[]> {
  return (await git(repo, ...args)).split('\n').filter(Boolean);
}

/** Every file under dir, as posix paths relative to it, skipping local test byproducts. */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((p) => !/(^|\/)(__pycache__|\.pytest_cache)\//.test(p) && !p.endsWith('.pyc'))
    .sort();
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'packbot-seed-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('seedDemoRepo', () => {
  let repo: string;
  let first: Awaited<ReturnType<typeof seedDemoRepo>>;

  beforeAll(async () => {
    repo = join(tmp, 'var', 'demo-packs.git');
    first = await seedDemoRepo({ sourceDir, repoDir: repo });
  });

  it('creates a bare repository with master and feature-x', async () => {
    expect(first).toEqual({ created: true, repoDir: repo, branches: ['feature-x', 'master'] });
    expect(await git(repo, 'rev-parse', '--is-bare-repository')).toBe('true');
    expect(await git(repo, 'symbolic-ref', 'HEAD')).toBe('refs/heads/master');
    expect(await git(repo, 'remote')).toBe('');
    // The build happens in a sibling temp dir; nothing of it may be left behind.
    expect(await readdir(join(tmp, 'var'))).toEqual(['demo-packs.git']);
  });

  it('gives master three commits by the demo identity', async () => {
    expect(await lines(repo, 'log', '--format=%s', 'master')).toEqual([
      'monitoring: add disk check',
      'Add monitoring and incident packs',
      'Add hello pack',
    ]);
    expect(new Set(await lines(repo, 'log', '--format=%an <%ae>|%cn <%ce>', 'feature-x'))).toEqual(
      new Set(['packbot demo <demo@packbot.invalid>|packbot demo <demo@packbot.invalid>']),
    );
  });

  it('puts exactly the source tree on master', async () => {
    const tree = await lines(repo, 'ls-tree', '-r', '--name-only', 'master');
    expect(tree).toContain('packs/hello/pack.yaml');
    expect(tree.sort()).toEqual(await walk(sourceDir));
    const seeded = await git(repo, 'show', 'master:packs/monitoring/pack.yaml');
    expect(seeded).toBe((await readFile(join(sourceDir, 'packs/monitoring/pack.yaml'), 'utf8')).trim());
    const script = await git(repo, 'ls-tree', 'master', '--', 'packs/incident/actions/collect_diagnostics.sh');
    expect(script.split(/\s/)[0]).toBe('100755');
  });

  it('builds master up pack by pack', async () => {
    const firstTree = await lines(repo, 'ls-tree', '-r', '--name-only', 'master~2');
    expect(firstTree.filter((p) => p.startsWith('packs/')).every((p) => p.startsWith('packs/hello/'))).toBe(true);
    expect(firstTree).toContain('README.md');

    const diskCommit = await lines(repo, 'diff', '--name-only', 'master~1', 'master');
    expect(diskCommit).toContain('packs/monitoring/actions/check_disk.yaml');
    expect(diskCommit).toContain('packs/monitoring/pack.yaml');
    expect(diskCommit.every((p) => p.startsWith('packs/monitoring/'))).toBe(true);
    const before = parse(await git(repo, 'show', 'master~1:packs/monitoring/pack.yaml')) as { version: string };
    const after = parse(await git(repo, 'show', 'master:packs/monitoring/pack.yaml')) as { version: string };
    expect([before.version, after.version]).toEqual(['0.1.0', '0.2.0']);
  });

  it('makes feature-x one commit ahead of master, changing only hello', async () => {
    expect(await git(repo, 'rev-parse', 'feature-x~1')).toBe(await git(repo, 'rev-parse', 'master'));
    const changed = await lines(repo, 'diff', '--name-only', 'master', 'feature-x');
    expect(changed.sort()).toEqual([
      'packs/hello/actions/farewell.py',
      'packs/hello/actions/farewell.yaml',
      'packs/hello/pack.yaml',
    ]);
    const onMaster = parse(await git(repo, 'show', 'master:packs/hello/pack.yaml')) as { version: string };
    const onFeature = parse(await git(repo, 'show', 'feature-x:packs/hello/pack.yaml')) as { version: string };
    expect([onMaster.version, onFeature.version]).toEqual(['1.0.0', '1.1.0']);
    const action = parse(await git(repo, 'show', 'feature-x:packs/hello/actions/farewell.yaml')) as Record<string, unknown>;
    expect(action).toMatchObject({ name: 'farewell', runner_type: 'python-script', entry_point: 'farewell.py' });
  });

  it('leaves an existing repository alone', async () => {
    const refs = await git(repo, 'for-each-ref', '--format=%(refname) %(objectname)');
    const again = await seedDemoRepo({ sourceDir, repoDir: repo });
    expect(again).toEqual({ created: false, repoDir: repo, branches: ['feature-x', 'master'] });
    expect(await git(repo, 'for-each-ref', '--format=%(refname) %(objectname)')).toBe(refs);
    expect(await readdir(join(tmp, 'var'))).toEqual(['demo-packs.git']);
  });

  it('seeds into an empty directory inside another git repository', async () => {
    const outer = join(tmp, 'outer');
    await mkdir(join(outer, 'var', 'demo.git'), { recursive: true });
    await run('git', ['init', '-q', outer], { env: gitEnv });
    const result = await seedDemoRepo({ sourceDir, repoDir: join(outer, 'var', 'demo.git') });
    expect(result.created).toBe(true);
    expect(await lines(result.repoDir, 'rev-list', 'master')).toHaveLength(3);
  });

  it('refuses a non-empty directory that is not a repository', async () => {
    const target = join(tmp, 'occupied');
    await mkdir(target);
    await writeFile(join(target, 'notes.txt'), 'mine\n');
    const err = await seedDemoRepo({ sourceDir, repoDir: target }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackbotError);
    expect((err as PackbotError).code).toBe('demo_seed_failed');
    expect((err as PackbotError).message).toMatch(/not a git repository/);
    expect((err as PackbotError).message).not.toMatch(/\n/);
    expect(await readdir(target)).toEqual(['notes.txt']);
  });

  it('names a missing source', async () => {
    const err = await seedDemoRepo({ sourceDir: join(tmp, 'nope'), repoDir: join(tmp, 'x.git') }).catch((e: unknown) => e);
    expect((err as PackbotError).code).toBe('demo_seed_failed');
    expect((err as PackbotError).message).toMatch(/missing packs\/hello\/pack\.yaml/);
    await expect(lstat(join(tmp, 'x.git'))).rejects.toThrow();
  });
});

describe('examples/demo-packs', () => {
  const packsDir = join(sourceDir, 'packs');

  it('has three packs whose pack.yaml is complete', async () => {
    const packs = (await readdir(packsDir)).filter((p) => !p.startsWith('.')).sort();
    expect(packs).toEqual(['hello', 'incident', 'monitoring']);
    for (const pack of packs) {
      const meta = parse(await readFile(join(packsDir, pack, 'pack.yaml'), 'utf8')) as Record<string, unknown>;
      expect(meta, pack).toMatchObject({ ref: pack, name: pack, python_versions: ['3'] });
      for (const key of ['description', 'version', 'author', 'email']) {
        expect(typeof meta[key], `${pack}: ${key}`).toBe('string');
      }
      expect(meta.version, pack).toMatch(SEMVER);
    }
  });

  it('makes incident depend on monitoring', async () => {
    const meta = parse(await readFile(join(packsDir, 'incident', 'pack.yaml'), 'utf8')) as { dependencies?: unknown };
    expect(meta.dependencies).toEqual(['monitoring']);
  });

  it('parses every yaml file and resolves entry points and action refs', async () => {
    const files = (await walk(packsDir)).filter((p) => p.endsWith('.yaml'));
    // hello/actions/greet.yaml -> hello.greet
    const actionFile = /^([^/]+)\/actions\/([^/]+)\.yaml$/;
    const actions = new Set<string>();
    for (const file of files) {
      const match = actionFile.exec(file);
      if (match) actions.add(`${match[1]}.${match[2]}`);
    }
    expect([...actions].sort()).toContain('incident.open_incident');
    for (const file of files) {
      const doc = parse(await readFile(join(packsDir, file), 'utf8')) as Record<string, unknown>;
      const kind = file.split('/')[1];
      if (kind === 'actions' || kind === 'sensors') {
        await expect(lstat(join(packsDir, file, '..', String(doc.entry_point))), file).resolves.toBeTruthy();
      }
      if (kind === 'aliases') expect(actions, file).toContain(doc.action_ref);
      if (kind === 'rules') {
        expect(Object.keys(doc), file).toEqual(expect.arrayContaining(['name', 'pack', 'trigger', 'criteria', 'action']));
        expect(actions, file).toContain((doc.action as { ref: string }).ref);
      }
    }
  });

  it('marks exactly one monitoring config field secret', async () => {
    const text = await readFile(join(packsDir, 'monitoring', 'config.schema.yaml'), 'utf8');
    const schema = parse(text) as Record<string, { secret?: boolean }>;
    expect(Object.keys(schema).filter((key) => schema[key]?.secret === true)).toEqual(['auth_token']);
  });

  it('contains no symlinks', async () => {
    const entries = await readdir(sourceDir, { recursive: true, withFileTypes: true });
    const links = entries.filter((e) => e.isSymbolicLink()).map((e) => join(e.parentPath, e.name));
    expect(links).toEqual([]);
    expect(entries.length).toBeGreaterThan(20);
  });
});
