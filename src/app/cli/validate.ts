import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { ContentSummary, PackCheck } from '../../domain/packs/index.js';

export interface ValidateRunOptions {
  json?: boolean;
  /** Warnings fail too, as a repository's `strict: true` makes them refuse a deploy. */
  strict?: boolean;
  /** Also check each valid pack's configuration in `<configsDir>/<ref>.yaml`. */
  configsDir?: string;
}

export interface ValidateRun {
  code: number;
  stdout: string;
}

async function kind(path: string): Promise<'dir' | 'other' | 'none'> {
  try {
    return (await lstat(path)).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'none';
  }
}

/**
 * A directory without pack.yaml but with packs/ is a repository in the subtree layout: its
 * packs are validated one by one, each under its own directory name (which matters for the ref).
 * A directory there without pack.yaml is no pack (a deploy skips it too): listed in `skipped`.
 */
async function expand(dir: string): Promise<{ packs: string[]; skipped: string[] }> {
  if ((await kind(join(dir, 'pack.yaml'))) !== 'none' || (await kind(join(dir, 'packs'))) !== 'dir') return { packs: [dir], skipped: [] };
  const names = (await readdir(join(dir, 'packs'))).filter((n) => !n.startsWith('.')).sort();
  const packs: string[] = [];
  const skipped: string[] = [];
  for (const n of names) {
    const sub = join(dir, 'packs', n);
    if ((await kind(sub)) !== 'dir') continue;
    ((await kind(join(sub, 'pack.yaml'))) === 'none' ? skipped : packs).push(sub);
  }
  return { packs: packs.length > 0 ? packs : [dir], skipped };
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function contents(s: ContentSummary): string {
  const parts = [
    plural(s.actions.length, 'action'), plural(s.rules.length, 'rule'), plural(s.sensors.length, 'sensor'),
    plural(s.aliases.length, 'alias', 'aliases'), plural(s.policies.length, 'policy', 'policies'),
  ].filter((p) => !p.startsWith('0 '));
  if (s.configSchema) parts.push('config schema');
  if (s.tests) parts.push('tests');
  return parts.length > 0 ? parts.join(', ') : 'no content';
}

const fails = (check: PackCheck, strict: boolean): boolean => check.errors.length > 0 || (strict && check.warnings.length > 0);

function render(check: PackCheck, strict: boolean): string[] {
  const lines: string[] = [];
  if (!fails(check, strict)) {
    const what = check.manifest ? `${check.manifest.ref} ${check.manifest.version}` : (check.ref ?? '');
    lines.push(`OK    ${check.dir}: ${what} — ${contents(check.summary)}`);
  } else {
    const counts = [check.errors.length > 0 ? plural(check.errors.length, 'problem') : '', strict && check.warnings.length > 0 ? `${plural(check.warnings.length, 'warning')} (--strict refuses them)` : ''];
    lines.push(`FAIL  ${check.dir}${check.ref ? ` (${check.ref})` : ''}: ${counts.filter((c) => c !== '').join(', ')}`);
    for (const e of check.errors) lines.push(`  ${e}`);
  }
  for (const w of check.warnings) lines.push(`  warning: ${w}`);
  return lines;
}

/** Validates every directory; exit code 1 when any pack has an error (warnings fail only with `strict`). */
export async function runValidate(dirs: readonly string[], opts: ValidateRunOptions = {}): Promise<ValidateRun> {
  // The pack checks are imported when they run, not when the program is built (a fast `packbot --version`).
  const { checkPackConfig, validatePackDir } = await import('../../domain/packs/index.js');
  const checks: PackCheck[] = [];
  const skipped: string[] = [];
  const strict = opts.strict === true;
  for (const dir of dirs) {
    const found = await expand(dir);
    skipped.push(...found.skipped);
    for (const packDir of found.packs) {
      const check = await validatePackDir(packDir);
      if (opts.configsDir !== undefined && check.ref !== null && check.errors.length === 0) {
        const config = await checkPackConfig({ ref: check.ref, packDir, configsDir: opts.configsDir });
        check.warnings.push(...config.warnings);
      }
      checks.push(check);
    }
  }
  const failed = checks.filter((c) => fails(c, strict)).length;
  const code = failed > 0 ? 1 : 0;
  if (opts.json) {
    const rows = checks.map(({ dir, ref, errors, warnings, summary }) => ({ dir, ref, errors, warnings, summary }));
    return { code, stdout: `${JSON.stringify(rows, null, 2)}\n` };
  }
  const lines = [...checks.flatMap((c) => render(c, strict)), ...skipped.map((d) => `SKIP  ${d}: not a pack (no pack.yaml)`)];
  lines.push(failed === 0 ? `${plural(checks.length, 'pack')} valid` : `${failed} of ${plural(checks.length, 'pack')} invalid`);
  return { code, stdout: `${lines.join('\n')}\n` };
}

/** `packbot validate <dirs...>`: what a pack author runs before pushing. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('validate packs as StackStorm would, reporting every problem at once')
    .argument('<dirs...>', 'pack directories, or repositories with packs/<name>/ directories')
    .option('--json', 'machine-readable output: [{dir, ref, errors, warnings, summary}]')
    .option('--configs-dir <dir>', "also check each pack's configuration in <dir>/<ref>.yaml")
    .option('--strict', 'fail on warnings too, as a repository with strict: true refuses them')
    .action(async (dirs: string[], opts: ValidateRunOptions) => {
      const result = await runValidate(dirs, opts);
      process.stdout.write(result.stdout);
      process.exitCode = result.code;
    });
}
