/**
 * The lag bench's push case (issue 15, finding 5: one signed push of hostile YAML used to stop
 * /healthz for 180 s). A repository of 20 good packs and three commits: the base, an ordinary
 * push bumping every pack, and a hostile push bumping them again and adding packs with a
 * 60,000-key, a 50,000-level and an alias-bomb YAML file. lag-push-child.ts deploys the base,
 * then measures /healthz latency and loop lag idle, during the ordinary push (the baseline of
 * the same run) and during the hostile one. The goal is healthz_max_ms under 1,000 in the
 * hostile push: reported here (`hostile_healthz_under_1s`), never asserted by a test.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { git } from './deploy.js';
import { hostileYaml } from './hostile-yaml.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./lag-push-child.js', import.meta.url));
const GOOD_PACKS = 20;

async function writePack(repo: string, name: string, version: string, extra: Record<string, string> = {}): Promise<void> {
  const root = path.join(repo, 'packs', name);
  await mkdir(path.join(root, 'actions'), { recursive: true });
  await writeFile(path.join(root, 'pack.yaml'), `---\nref: ${name}\nname: ${name}\ndescription: Bench pack.\nversion: ${version}\nauthor: bench\n`);
  await writeFile(path.join(root, 'actions', 'hello.yaml'), '---\nname: hello\nrunner_type: python-script\nentry_point: hello.py\n');
  await writeFile(path.join(root, 'actions', 'hello.py'), `print("${name}")\n`);
  for (const [file, text] of Object.entries(extra)) await writeFile(path.join(root, 'actions', file), text);
}

async function commitAll(repo: string, message: string): Promise<string> {
  await git(repo, ['add', '.']);
  await git(repo, ['-c', 'gc.auto=0', 'commit', '--quiet', '-m', message]);
  const { stdout } = await run('git', ['-C', repo, 'rev-parse', 'HEAD']);
  return stdout.trim();
}

/** The three commits; main is left at the base (the child moves it before each push). */
async function generateRepo(repo: string): Promise<{ base: string; ordinary: string; hostile: string }> {
  const names = Array.from({ length: GOOD_PACKS }, (_, i) => `good_${String(i).padStart(2, '0')}`);
  await mkdir(repo, { recursive: true });
  await git(repo, ['init', '--quiet', '--initial-branch=main']);
  for (const n of names) await writePack(repo, n, '1.0.0');
  const base = await commitAll(repo, 'base');
  for (const n of names) await writePack(repo, n, '1.1.0');
  const ordinary = await commitAll(repo, 'ordinary push');
  for (const n of names) await writePack(repo, n, '1.2.0');
  await writePack(repo, 'wide', '1.0.0', { 'wide.yaml': hostileYaml.wide(60_000) });
  await writePack(repo, 'deep', '1.0.0', { 'deep.yaml': hostileYaml.deep(50_000) });
  await writePack(repo, 'bomb', '1.0.0', { 'bomb.yaml': hostileYaml.aliasBomb(9) });
  const hostile = await commitAll(repo, 'hostile push');
  await git(repo, ['update-ref', 'refs/heads/main', base]);
  return { base, ordinary, hostile };
}

interface Phase { ms: number; probes: number; healthz_max_ms: number; healthz_p99_ms: number; failed_probes: number; lag_max_ms: number }
interface PushMeasure { idle: Phase; ordinary_push: Phase; hostile_push: Phase; hostile_refused: string[] }

async function measureIn(checkout: string, repo: string, stateDir: string, shas: { base: string; ordinary: string; hostile: string }): Promise<PushMeasure> {
  const args = [CHILD, checkout, repo, stateDir, shas.base, shas.ordinary, shas.hostile];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024, timeout: 30 * 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as PushMeasure;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);

function report(m: PushMeasure): object {
  return {
    ...m,
    hostile_vs_ordinary: { healthz_max_ms: ratio(m.hostile_push.healthz_max_ms, m.ordinary_push.healthz_max_ms), lag_max_ms: ratio(m.hostile_push.lag_max_ms, m.ordinary_push.lag_max_ms) },
    hostile_healthz_under_1s: m.hostile_push.healthz_max_ms < 1000 && m.hostile_push.failed_probes === 0,
  };
}

/**
 * The push case, for this checkout (`here`) and, when given, an older build (`against`, made
 * by bench/baseline.sh; a build from before bounded YAML takes minutes on the hostile push).
 */
export async function benchPushLag(work: string, here: string, against: string | undefined): Promise<object> {
  const repo = path.join(work, 'push-repo');
  const shas = await generateRepo(repo);
  const current = report(await measureIn(here, repo, path.join(work, 'push-state-current'), shas));
  if (!against) return { good_packs: GOOD_PACKS, hostile_files: ['wide: 60000 keys', 'deep: 50000 levels', 'bomb: 9 levels of 9 aliases'], current };
  await git(repo, ['update-ref', 'refs/heads/main', shas.base]);
  let before: object;
  try {
    before = report(await measureIn(against, repo, path.join(work, 'push-state-against'), shas));
  } catch (err) {
    // An older build may not have this config (server, webhooks) or API: say so, keep the rest.
    before = { error: err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err) };
  }
  return { good_packs: GOOD_PACKS, current, against: before };
}
