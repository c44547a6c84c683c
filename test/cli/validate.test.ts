import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerValidateCommand, runValidate } from '../../src/app/cli/validate.js';
import { copyDemoPack, DEMO_PACKS, tempDir, writePack } from '../packs/fixtures.js';

describe('runValidate', () => {
  it('exits 0 for a valid pack and says what it contains', async () => {
    const dir = await copyDemoPack('monitoring');
    const r = await runValidate([dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`OK    ${dir}: monitoring 0.2.0 — 2 actions, 1 rule, 1 sensor, config schema, tests\n1 pack valid\n`);
  });

  it('exits 1 for a broken pack and lists every problem under it', async () => {
    const dir = await writePack({ 'pack.yaml': 'name: demo\nversion: nope\nauthor: a\n', 'rules/r.yaml': 'name: r\n' });
    const r = await runValidate([dir]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      `FAIL  ${dir} (demo): 4 problems`,
      '  pack.yaml: description: is required (a sentence saying what the pack does)',
      '  pack.yaml:2: version: "nope" is not a semver version; write major.minor.patch, like 1.0.0 or 0.2.1',
      '  rules/r.yaml: trigger: is required (a mapping with the trigger type)',
      '  rules/r.yaml: action: is required (a mapping with the action ref)',
      '1 of 1 pack invalid',
      '',
    ]);
  });

  it('fails the run when any one pack fails, and shows warnings without failing', async () => {
    const good = await writePack({ 'pack.yaml': 'name: demo\ndescription: d\nversion: 0.2\nauthor: a\n' });
    const bad = await writePack({ 'pack.yaml': null });
    const onlyGood = await runValidate([good]);
    expect(onlyGood.code).toBe(0);
    expect(onlyGood.stdout).toContain('  warning: pack.yaml:3: version: "0.2" is not semver; read as 0.2.0');
    const both = await runValidate([good, bad]);
    expect(both.code).toBe(1);
    expect(both.stdout).toContain('1 of 2 packs invalid');
  });

  it('prints [{dir, ref, errors, warnings, summary}] with --json', async () => {
    const good = await copyDemoPack('hello');
    const bad = await writePack({ 'actions/run.yaml': 'name: run\nentry_point: run.py\n' });
    const r = await runValidate([good, bad], { json: true });
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(rows).toEqual([
      { dir: good, ref: 'hello', errors: [], warnings: [], summary: expect.objectContaining({ actions: ['greet'], aliases: ['greet'] }) },
      { dir: bad, ref: 'demo', errors: ['actions/run.yaml: runner_type: is required (the runner, e.g. python-script or local-shell-script)'], warnings: [], summary: expect.objectContaining({ actions: ['run'] }) },
    ]);
    for (const row of rows) expect(Object.keys(row)).toEqual(['dir', 'ref', 'errors', 'warnings', 'summary']);
  });

  it('reports what StackStorm installs anyway as warnings, and refuses them with --strict', async () => {
    const dir = await writePack({
      'actions/run.py': null,
      'actions/other.yaml': 'name: run\nrunner_type: local-shell-cmd\n',
      'rules/r.yaml': 'name: r\ntrigger: {type: core.st2.webhook}\naction: {ref: demo.run}\ntrigger: {type: core.st2.IntervalTimer}\n',
    });
    const warnings = [
      '  warning: rules/r.yaml:4: key `trigger` appears twice (lines 2 and 4); StackStorm (PyYAML) keeps the last value',
      '  warning: actions/run.yaml:3: entry_point "run.py": actions/run.py does not exist; StackStorm registers the action; it fails when it runs',
      '  warning: actions/other.yaml and actions/run.yaml both declare run; StackStorm keeps the last loaded, actions/run.yaml',
    ];
    const lenient = await runValidate([dir]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout.split('\n')).toEqual([`OK    ${dir}: demo 1.0.0 — 2 actions, 1 rule`, ...warnings, '1 pack valid', '']);
    const strict = await runValidate([dir], { strict: true });
    expect(strict.code).toBe(1);
    expect(strict.stdout.split('\n')).toEqual([`FAIL  ${dir} (demo): 3 warnings (--strict refuses them)`, ...warnings, '1 of 1 pack invalid', '']);
  });

  it('skips a directory under packs/ without pack.yaml, saying it is not a pack', async () => {
    const repo = await tempDir();
    await cp(path.join(DEMO_PACKS, 'hello'), path.join(repo, 'packs', 'hello'), { recursive: true });
    await mkdir(path.join(repo, 'packs', 'old'), { recursive: true });
    await writeFile(path.join(repo, 'packs', 'old', 'README.md'), 'moved to another repository\n');
    const r = await runValidate([repo]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(1)).toEqual([`SKIP  ${path.join(repo, 'packs', 'old')}: not a pack (no pack.yaml)`, '1 pack valid', '']);
  });

  it('validates each pack of a repository in the subtree layout', async () => {
    const repo = await tempDir();
    await cp(DEMO_PACKS, path.join(repo, 'packs'), { recursive: true });
    const r = await runValidate([repo], { json: true });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ dir: string; ref: string }>;
    expect(rows.map((row) => [path.relative(repo, row.dir), row.ref])).toEqual([
      [path.join('packs', 'hello'), 'hello'],
      [path.join('packs', 'incident'), 'incident'],
      [path.join('packs', 'monitoring'), 'monitoring'],
    ]);
  });

  it('reports a directory that is neither a pack nor a repository of packs', async () => {
    const dir = await tempDir();
    const r = await runValidate([dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('pack.yaml: missing: every pack needs one at its root');
  });

  it('checks pack configuration with --configs-dir, as warnings', async () => {
    const dir = await copyDemoPack('monitoring');
    await writeFile(path.join(dir, 'config.schema.yaml'), 'auth_token: {type: string, secret: true, required: true}\n');
    const configsDir = await tempDir();
    await mkdir(configsDir, { recursive: true });
    const r = await runValidate([dir], { configsDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`  warning: monitoring needs configuration: auth_token — see monitoring.yaml.example; set them in configs/monitoring.yaml`);
  });
});

describe('registerValidateCommand', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('adds `validate <dirs...> [--json]` to a commander program', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const program = new Command('packbot').exitOverride();
    registerValidateCommand(program);
    const bad = await writePack({ 'pack.yaml': null });
    await program.parseAsync(['node', 'packbot', 'validate', '--json', bad]);
    vi.mocked(process.stdout.write).mockRestore();
    expect(process.exitCode).toBe(1);
    expect(JSON.parse(written.join(''))).toEqual([expect.objectContaining({ dir: bad, ref: null })]);
  });

  it('takes --strict: a pack with only warnings fails', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const program = new Command('packbot').exitOverride();
    registerValidateCommand(program);
    const warned = await writePack({ 'actions/run.py': null });
    await program.parseAsync(['node', 'packbot', 'validate', warned]);
    expect(process.exitCode).toBe(0);
    await program.parseAsync(['node', 'packbot', 'validate', '--strict', warned]);
    vi.mocked(process.stdout.write).mockRestore();
    expect(process.exitCode).toBe(1);
  });
});
