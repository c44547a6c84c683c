/**
 * Big YAML files are parsed on a worker thread (the built dist/ worker: `npm run build` first,
 * hence the integration project). The result is the one the main thread would have given;
 * the event loop keeps turning meanwhile; a worker over its time budget, or one that dies,
 * fails only its own file, with a message that says so.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createYamlPool, DEFAULT_YAML_LIMITS, OFF_THREAD_ABOVE, readYaml, readYamlDocs } from '../../src/core/yaml-safe/index.js';
import { workerScript } from '../../src/core/yaml-safe/pool.js';
import { readYamlDocuments, readYamlText } from '../../src/core/yaml-safe/read.js';
import { validatePackDir } from '../../src/domain/packs/index.js';
import { writePack } from '../packs/fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A valid action with a long parameter list: well past the inline threshold. */
function bigAction(params: number, entryPoint = 'run.py'): string {
  const lines = ['name: big', 'runner_type: python-script'];
  lines.push('parameters:');
  for (let i = 0; i < params; i++) lines.push(`  p${i}:`, '    type: string', `    description: "parameter ${i}, with [brackets] and: colons"`, `    default: [${i}, {n: ${i}}]`);
  lines.push(`entry_point: ${entryPoint}`);
  return `${lines.join('\n')}\n`;
}

/** Within the limits but not by much (9,000 keys, 72,000 values): a long parse anywhere. */
const HEAVY = `${Array.from({ length: 9000 }, (_, i) => `k${i}: [${i}, "${i}", ${i}, x${i}, y, z]`).join('\n')}\n`;

async function tempFile(name: string, text: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'packbot-yaml-')), name);
  await writeFile(file, text);
  return file;
}


// Starting worker threads on a busy 2-core machine takes seconds; nothing here is timed.
describe('parsing on a worker thread', { timeout: 120_000 }, () => {
  it('gives what the main thread gives, for one document and for several', async () => {
    const text = bigAction(200);
    expect(text.length).toBeGreaterThan(OFF_THREAD_ABOVE);
    const onWorker = await readYaml(text);
    expect(onWorker.ok).toBe(true);
    expect(onWorker).toEqual(readYamlText(text, DEFAULT_YAML_LIMITS));
    // Repeated keys read as PyYAML reads them, listed beside the value, on either thread.
    const repeated = `${text}name: again\n`;
    const read = await readYaml(repeated);
    expect(read).toEqual(readYamlText(repeated, DEFAULT_YAML_LIMITS));
    expect(read).toMatchObject({ ok: true, value: { name: 'again' }, duplicates: [{ path: ['name'], lines: [1, text.split('\n').length] }] });
    const docs = `${text}---\n${text}---\nbroken: [\n`;
    expect(await readYamlDocs(docs)).toEqual(readYamlDocuments(docs, DEFAULT_YAML_LIMITS));
  });

  it('keeps the event loop turning while it parses', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = ticks;
    const read = await readYaml(HEAVY);
    clearInterval(timer);
    expect(read.ok).toBe(true);
    // On the main thread the parse would run between two ticks: none could fire during it.
    expect(ticks - started).toBeGreaterThanOrEqual(5);
  });

  it('reports a file over a limit as one line naming the file', async () => {
    const keys = `${Array.from({ length: 25_000 }, (_, i) => `k${i}: ${i}`).join('\n')}\n`;
    const dir = await writePack({ 'actions/big.yaml': bigAction(200, 'missing.py'), 'rules/keys.yaml': keys });
    const check = await validatePackDir(dir);
    const line = bigAction(200).split('\n').length - 1;
    expect(check.errors).toEqual(['rules/keys.yaml: has 25000 keys; packbot reads at most 20000 per file — split the file']);
    // A big file's places come back from the worker: the warning names the right line.
    expect(check.warnings).toEqual([`actions/big.yaml:${line}: entry_point "missing.py": actions/missing.py does not exist; StackStorm registers the action; it fails when it runs`]);
  });

  it('terminates a parse over its time budget and reports the file as too complex', async () => {
    const pool = createYamlPool({ budgetMs: 1 });
    try {
      expect(await readYaml(HEAVY, { pool })).toEqual({
        ok: false,
        problem: { kind: 'limit', message: 'took over 0.001 s to parse; packbot gives up on YAML this complex — simplify or split the file' },
      });
    } finally {
      await pool.close();
    }
  });

  it('fails only the parse whose worker died, and starts another for the next', async () => {
    // The real worker, plus a way to kill it: a text of "die" ends the thread before it answers.
    // The real worker's message listener, wrapped before it is attached.
    const script = await tempFile('dying-worker.mjs', [
      "import { parentPort } from 'node:worker_threads';",
      'const on = parentPort.on.bind(parentPort);',
      "parentPort.on = (event, listener) => on(event, (req) => {",
      "  if (req.text.startsWith('die')) process.exit(3);",
      "  if (req.text.startsWith('throw')) throw new Error('boom');",
      '  listener(req);',
      '});',
      `await import(${JSON.stringify(workerScript().href)});`,
    ].join('\n'));
    const pool = createYamlPool({ script: pathToFileURL(script), size: 1 });
    const big = bigAction(200);
    try {
      const [died, after] = await Promise.all([readYaml(`die${big}`, { pool }), readYaml(big, { pool })]);
      expect(died).toEqual({ ok: false, problem: { kind: 'read', message: "packbot's YAML reader stopped while reading it (the worker exited with code 3)" } });
      expect(after).toEqual(readYamlText(big, DEFAULT_YAML_LIMITS));
      expect(await readYaml(`throw${big}`, { pool })).toEqual({ ok: false, problem: { kind: 'read', message: "packbot's YAML reader stopped while reading it (boom)" } });
      expect((await readYaml(big, { pool })).ok).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('validates a pack to the same errors, warnings and lines with the pool as without', async () => {
    // Small files are read at once on this thread, big ones through the pool: the same report.
    const files: Record<string, string> = { 'actions/big.yaml': bigAction(200, 'missing.py') };
    for (let i = 0; i < 20; i++) files[`actions/a${i}.yaml`] = `name: a${i}\nrunner_type: python-script\nentry_point: ${i % 2 === 0 ? 'run.py' : `a${i}.py`}\n`;
    Object.assign(files, {
      'actions/dup.yaml': 'name: dup\nrunner_type: python-script\nentry_point: run.py\nname: dup2\n',
      'actions/broken.yaml': 'name: [unclosed\n',
      'actions/deep.yaml': `${'['.repeat(150)}${']'.repeat(150)}\n`,
      'actions/wrong.yaml': 'name: 3\nrunner_type: ""\npack: other\n',
      'rules/huge.yaml': `huge: "${'x'.repeat(DEFAULT_YAML_LIMITS.maxBytes)}"\n`,
      'aliases/al.yaml': 'name: al\naction_ref: demo.a1\nformats: []\n',
    });
    const dir = await writePack(files);
    const pool = createYamlPool();
    try {
      const without = await validatePackDir(dir);
      expect(without.errors.length).toBeGreaterThanOrEqual(5);
      expect(without.warnings.length).toBeGreaterThanOrEqual(10);
      expect(await validatePackDir(dir, { yaml: pool })).toEqual(without);
    } finally {
      await pool.close();
    }
  });

  it('still parses after close(), on a new worker', async () => {
    const pool = createYamlPool();
    const big = bigAction(200);
    expect((await readYaml(big, { pool })).ok).toBe(true);
    await pool.close();
    expect((await readYaml(big, { pool })).ok).toBe(true);
    await pool.close();
  });
});

describe('the worker script', { timeout: 120_000 }, () => {
  it('is found from the built dist/ too, and an idle pool does not keep the process alive', async () => {
    const file = await tempFile('big.yaml', bigAction(200));
    const index = pathToFileURL(path.join(ROOT, 'dist/src/core/yaml-safe/index.js')).href;
    const program = `
      import { readFileSync } from 'node:fs';
      const { readYaml } = await import(${JSON.stringify(index)});
      const read = await readYaml(readFileSync(${JSON.stringify(file)}, 'utf8'));
      process.stdout.write(JSON.stringify(read));`;
    // No close(): the child exits only if idle workers are unref'd.
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', program], { timeout: 120_000 });
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(readYamlText(bigAction(200), DEFAULT_YAML_LIMITS))));
  });
});
