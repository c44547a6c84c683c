/**
 * Generated pack repositories for the benches, packed as real repositories are (`git gc`
 * after the commit): a bench that leaves thousands of loose objects makes both packbot and the
 * floor spend seconds packing them, which hides the difference it is there to measure.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const GIT_ENV = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@packbot.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@packbot.invalid',
};

export async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: GIT_ENV, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
}

export const packName = (n: number, width = 3) => `pack_${String(n).padStart(width, '0')}`;

export interface RepoShape {
  packs: number;
  /** Actions per pack (each an action YAML and its Python script); every pack also has a rule. */
  actions: number;
  /** One pack (by index) of this many actions instead: a large real pack (~190 actions). */
  big?: { index: number; actions: number };
}

/** How many files a repo of this shape holds (for the JSON, so a reader knows its size). */
export function fileCount(shape: RepoShape): number {
  const per = (actions: number) => 2 + actions * 2;
  return shape.packs * per(shape.actions) + (shape.big ? per(shape.big.actions) - per(shape.actions) : 0);
}

async function writePack(root: string, name: string, p: number, actions: number): Promise<void> {
  await mkdir(path.join(root, 'actions'), { recursive: true });
  await mkdir(path.join(root, 'rules'), { recursive: true });
  await writeFile(path.join(root, 'pack.yaml'), `---\nref: ${name}\nname: ${name}\ndescription: Generated pack ${p}.\nversion: 1.0.${p}\nauthor: bench\n`);
  for (let a = 0; a < actions; a++) {
    await writeFile(path.join(root, 'actions', `action_${a}.yaml`), `---\nname: action_${a}\nrunner_type: python-script\nentry_point: action_${a}.py\nparameters:\n  target: {type: string, required: true}\n`);
    await writeFile(path.join(root, 'actions', `action_${a}.py`), `import sys\n\n\ndef main(target):\n    print("${name} action ${a}", target)\n\n\nif __name__ == "__main__":\n    main(sys.argv[1])\n`);
  }
  await writeFile(path.join(root, 'rules', 'tick.yaml'), `---\nname: tick\npack: ${name}\ntrigger:\n  type: core.st2.IntervalTimer\n  parameters: {unit: minutes, delta: 5}\naction:\n  ref: ${name}.action_0\n`);
}

/** A repository of `shape`, committed on main and packed. Returns the pack names. */
export async function generateRepo(dir: string, shape: RepoShape): Promise<string[]> {
  const width = Math.max(3, String(shape.packs - 1).length);
  const names: string[] = [];
  for (let p = 0; p < shape.packs; p++) {
    const name = packName(p, width);
    names.push(name);
    await writePack(path.join(dir, 'packs', name), name, p, shape.big?.index === p ? shape.big.actions : shape.actions);
  }
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  await git(dir, ['add', '.']);
  // No automatic gc: it would detach and still be writing when the explicit one starts.
  await git(dir, ['-c', 'gc.auto=0', 'commit', '--quiet', '-m', `${shape.packs} generated packs`]);
  await git(dir, ['gc', '--quiet']);
  return names;
}

/** A real edit to one pack (version bump, one action's script), committed on main; returns the commit. */
export async function touchPack(repoDir: string, pack: string, n: number): Promise<string> {
  const root = path.join(repoDir, 'packs', pack);
  const manifest = await readFile(path.join(root, 'pack.yaml'), 'utf8');
  await writeFile(path.join(root, 'pack.yaml'), manifest.replace(/^version: .*$/m, `version: 2.${n}.0`));
  await writeFile(path.join(root, 'actions', 'action_0.py'), `import sys\n\n\ndef main(target):\n    print("${pack} edit ${n}", target)\n`);
  await git(repoDir, ['-c', 'gc.auto=0', 'commit', '--quiet', '-am', `Edit ${pack} (${n})`]);
  return (await git(repoDir, ['rev-parse', 'HEAD'])).trim();
}
