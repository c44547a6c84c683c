/**
 * The test gate: a pack's tests run on its staged release, after its environment is built
 * and before it goes live (from PackStore.writeRelease's `prepare` hook), so a failure activates
 * nothing and the previous release stays.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, sep } from 'node:path';
import type { PackbotConfig } from '../../domain/config/index.js';
import { parseDuration } from '../../domain/config/duration.js';
import { DEFAULTS } from '../../domain/config/schema.js';
import { PackbotError } from '../../core/errors.js';
import type { Masker } from '../../core/masking/masker.js';
import { lstatOrNull } from '../../domain/packstore/fsutil.js';
import { execTool, type ToolOutcome } from '../../domain/packstore/tool.js';
import { confine, noSandbox, type Sandbox } from '../../domain/sandbox/index.js';
import type { ResolvedRepository } from './resolve.js';

export const TESTS_DIR = 'tests';
export const TEST_REQUIREMENTS = 'requirements-tests.txt';
const REPORT_LINES = 20;
const REPORT_CHARS = 1_500;
const NO_PYTEST = 97;
const PYTEST_NO_TESTS = 5;

/**
 * Runs pytest with extra import dirs appended (after the interpreter's own site-packages,
 * so a venv's pinned packages always win). A venv sees the system's site-packages (as
 * StackStorm builds them), but pytest may live elsewhere (a pyenv or user install); the test
 * run alone borrows the host python3's site-packages as a last resort — only when it is the
 * same Python version, since compiled packages of another version would not load.
 * site.addsitedir also reads .pth files.
 */
const BOOTSTRAP = `import os, site, sys
dirs = [d for d in os.environ.pop('PACKBOT_TEST_PATH', '').split(os.pathsep) if d]
host = [d for d in os.environ.pop('PACKBOT_HOST_SITE', '').split(os.pathsep) if d]
if os.environ.pop('PACKBOT_HOST_PYVER', '') == '%d.%d' % sys.version_info[:2]:
    dirs += host
for d in dirs:
    site.addsitedir(d)
try:
    import pytest
except ImportError as e:
    sys.stderr.write('cannot import pytest with %s: %s\\n' % (sys.executable, e))
    sys.exit(${NO_PYTEST})
sys.exit(pytest.console_main())
`;

/** The host's version, interpreter, prefix and site-packages, for the sandbox and a venv that lacks pytest. */
const HOST_SITE = `import sys
print('%d.%d' % sys.version_info[:2])
print(sys.executable)
print(sys.base_prefix)
print('\\n'.join(p for p in sys.path if p.endswith(('site-packages', 'dist-packages'))))
`;

export interface PackTestsInput {
  pack: string;
  /** The staged release (cwd of the run, and `{pack_dir}` in a command). */
  releaseDir: string;
  /** The pack's python venv when it has one. */
  envDir: string | null;
  /** A configured argv instead of pytest on `tests/`. */
  command: readonly string[] | null;
  timeoutMs: number;
  masker: Masker;
  /** False: a pack with nothing to run passes (ran: false) instead of failing. Default true. */
  required?: boolean;
  /** Default python3. */
  pythonBin?: string;
  onOutput?: (line: string) => void;
  /** Where the pack's code runs; without one the tests are refused. */
  sandbox?: Sandbox;
}

export interface TestSettings {
  command: string[] | null;
  timeoutMs: number;
}

/** Whether a pack of this repository must pass its tests, and how they run; null = no gate. */
export function testSettings(config: PackbotConfig, repo: Pick<ResolvedRepository, 'settings'>, ref: string, source: string): TestSettings | null {
  const wanted = repo.settings?.require_tests ?? false;
  const required = Array.isArray(wanted) ? wanted.includes(ref) || wanted.includes(source) : wanted;
  if (!required) return null;
  const own = repo.settings?.tests;
  return {
    command: own?.command ?? config.tests?.command ?? null,
    timeoutMs: own?.timeout ?? config.tests?.timeout ?? parseDuration(DEFAULTS.testsTimeout),
  };
}

/** The last lines of the output, at most REPORT_CHARS, keeping the end (where pytest summarises). */
export function trimReport(lines: readonly string[]): string[] {
  const kept: string[] = [];
  let size = 0;
  for (const line of lines.filter((l) => l.trim() !== '').slice(-REPORT_LINES).reverse()) {
    if (size + line.length + 1 > REPORT_CHARS) {
      if (kept.length === 0) kept.push(`…${line.slice(-(REPORT_CHARS - 1))}`);
      break;
    }
    kept.push(line);
    size += line.length + 1;
  }
  return kept.reverse();
}

function failed(why: string, lines: readonly string[] = []): PackbotError {
  return new PackbotError('tests_failed', `tests failed (${why})${lines.length > 0 ? ':' : ''}`, { details: trimReport(lines) });
}

async function isDir(path: string): Promise<boolean> {
  return (await lstatOrNull(path))?.isDirectory() ?? false;
}

async function isFile(path: string): Promise<boolean> {
  return (await lstatOrNull(path))?.isFile() ?? false;
}

/**
 * What a run added to the release is removed again: plugins write where they like (the
 * host's pytest-benchmark makes `.benchmarks/`, coverage `.coverage`), and the release must
 * be what was deployed. Files changed in place are not undone.
 */
async function withCleanRelease<T>(releaseDir: string, run: () => Promise<T>): Promise<T> {
  const before = new Set(await readdir(releaseDir, { recursive: true }));
  try {
    return await run();
  } finally {
    // Sorted, a new directory comes before what is inside it, which then goes with it.
    const added = (await readdir(releaseDir, { recursive: true })).filter((p) => !before.has(p)).sort();
    const removed: string[] = [];
    for (const p of added) {
      if (removed.some((r) => p.startsWith(`${r}${sep}`))) continue;
      await rm(join(releaseDir, p), { recursive: true, force: true });
      removed.push(p);
    }
  }
}

export async function runPackTests(input: PackTestsInput): Promise<{ ran: boolean; summary: string }> {
  return withCleanRelease(input.releaseDir, () => runIn(input));
}

async function runIn(input: PackTestsInput): Promise<{ ran: boolean; summary: string }> {
  const { pack, releaseDir, envDir } = input;
  const box = input.sandbox ?? noSandbox();
  // Tests are the pack's own code: never with packbot's rights unless the operator said sandbox: none.
  await confine(box, 'tests_failed', `${pack}: its tests`);
  const python = input.pythonBin ?? 'python3';
  const tool = { pack, cwd: releaseDir, timeoutMs: input.timeoutMs, masker: input.masker, onOutput: input.onOutput };
  const summary = (out: ToolOutcome) => out.lines.filter((l) => l.trim() !== '').at(-1) ?? 'passed';
  const useCommand = input.command !== null;
  if (!useCommand && !(await isDir(join(releaseDir, TESTS_DIR)))) {
    if (input.required === false) return { ran: false, summary: 'no tests' };
    throw new PackbotError('tests_failed', `pack ${pack} has require_tests but no ${TESTS_DIR}/ directory; add tests or set tests.command`);
  }

  // Outside the release and the shared venv: test-only packages must not reach production.
  const scratch = await mkdtemp(join(tmpdir(), 'packbot-tests-'));
  try {
    // The host interpreter, asked outside the pack and isolated (-I): where it lives is what the
    // sandbox must show (it may sit under a hidden HOME, pyenv's), and its site-packages are
    // what a venv without pytest borrows.
    const hostOut = await execTool({ ...tool, cwd: scratch, onOutput: undefined, label: 'python site check', file: python, args: ['-I', '-c', HOST_SITE], env: { PYTHONDONTWRITEBYTECODE: '1' } });
    const [version = '', executable = '', prefix = '', ...dirs] = hostOut.failed ? [] : hostOut.lines.map((l) => l.trim());
    const hostPython = executable || python;
    // Nothing a test run writes by itself may land in the release: no bytecode, no .pytest_cache.
    const env: Record<string, string> = { PYTHONDONTWRITEBYTECODE: '1' };
    const path = [envDir ? join(envDir, 'bin') : '', executable ? dirname(executable) : '', process.env['PATH'] ?? ''];
    env['PATH'] = path.filter((p) => p !== '').join(delimiter);
    if (envDir) env['VIRTUAL_ENV'] = envDir;
    const readable = [envDir ?? '', prefix].filter((p) => p !== '');
    const confined = (network: boolean) => ({ box, writable: [releaseDir, scratch], readable, network });

    if (input.command) {
      const [file, ...args] = input.command.map((a) => a.replaceAll('{pack_dir}', releaseDir));
      const out = await execTool({ ...tool, label: 'tests', file: file ?? '', args, env, sandbox: confined(false) });
      if (out.failed) throw failed(`${input.command[0]}: ${out.why}`, out.lines);
      return { ran: true, summary: summary(out) };
    }

    const extra: string[] = [];
    if (await isFile(join(releaseDir, TEST_REQUIREMENTS))) {
      const pip = envDir ? join(envDir, 'bin', 'python') : hostPython;
      const target = join(scratch, 'site');
      const out = await execTool({
        ...tool, file: pip, env, label: 'pip install (tests)', sandbox: confined(true),
        args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--target', target, '-r', TEST_REQUIREMENTS],
      });
      if (out.failed) throw failed(`pip install -r ${TEST_REQUIREMENTS}: ${out.why}`, out.lines);
      extra.push(target);
    }
    const runEnv = { ...env, PACKBOT_TEST_PATH: extra.join(delimiter) };
    if (envDir) Object.assign(runEnv, { PACKBOT_HOST_PYVER: version, PACKBOT_HOST_SITE: dirs.join(delimiter) });
    const file = envDir ? join(envDir, 'bin', 'python') : hostPython;
    const args = ['-c', BOOTSTRAP, '-q', '--tb=short', '--color=no', '-p', 'no:cacheprovider', TESTS_DIR];
    const out = await execTool({ ...tool, label: 'pytest', file, args, env: runEnv, sandbox: confined(false) });
    if (!out.failed) return { ran: true, summary: summary(out) };
    if (out.exitCode === NO_PYTEST) {
      throw new PackbotError('tests_failed', `tests could not run: pytest is not installed for ${envDir ? "the pack's venv" : python}; install it on the host (${python} -m pip install pytest) or list it in the pack's ${TEST_REQUIREMENTS}`);
    }
    if (out.exitCode === PYTEST_NO_TESTS) {
      throw failed(`pytest found no tests in ${TESTS_DIR}/; name files test_*.py with test_* functions, or set tests.command`);
    }
    throw failed(`pytest ${out.why}`, out.lines);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
