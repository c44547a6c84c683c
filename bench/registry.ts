/**
 * Registry index checks on a big index: one pack listing 50,000 versions (Exchange and Attune
 * forms), read by parseIndex and resolved by resolveInstall — both synchronous, so their sum is
 * how long the bot's event loop is blocked by one `pack install` against such an index. Both
 * used to be quadratic in the versions of a pack (17.8 s for 50k).
 *
 * Baselines in the same run: the floor (JSON.parse of the document, and semver.valid plus a Set
 * per version: the least any reader must do), and, with PACKBOT_BENCH_AGAINST=<checkout> (made
 * by bench/baseline.sh <git-ref>), the same work by that checkout's built code.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import semver from 'semver';
import { median } from './deploy.js';

const VERSIONS = 50_000;
const RUNS = 3;

type ParseIndex = (raw: unknown) => { packs: ReadonlyMap<string, unknown>; errors: string[] };
type ResolveInstall = (input: { requests: string[]; installed: Map<string, string>; indexes: unknown[] }) => { plan: Array<{ version: string }> };

interface Code {
  parseIndex: ParseIndex;
  resolveInstall: ResolveInstall;
}

/** 0.0.0 … 49.99.9, in string order as the Exchange writes them, with every 100th listed twice. */
function versions(): string[] {
  const all = Array.from({ length: VERSIONS }, (_, i) => `${Math.floor(i / 1000)}.${Math.floor(i / 10) % 100}.${i % 10}`);
  all.sort().reverse();
  return [...all, ...all.filter((_, i) => i % 100 === 0)];
}

function documents(list: string[]): Record<'exchange' | 'attune', string> {
  const exchange = { packs: { big: { description: 'big', repo_url: 'https://git.example/big', versions: list, dependencies: [] } } };
  const attune = {
    registry_name: 'bench', version: '1.0',
    packs: list.map((version) => ({ ref: 'big', version, install_sources: [{ type: 'git', url: 'https://git.example/big', ref: `v${version}` }] })),
  };
  return { exchange: JSON.stringify(exchange), attune: JSON.stringify(attune) };
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return Math.round((performance.now() - t0) * 10) / 10;
}

/** parse and resolve ms, medians of `runs`; the resolve asks for `big@<2`, so the answer is 1.99.9. */
function measure(code: Code, text: string, runs: number): { parse_ms: number; resolve_ms: number; blocking_ms: number } {
  const parse: number[] = [];
  const resolve: number[] = [];
  for (let i = 0; i < runs; i++) {
    let parsed: ReturnType<ParseIndex> | undefined;
    parse.push(time(() => void (parsed = code.parseIndex(JSON.parse(text)))));
    const index = { label: 'bench', priority: 1, location: 'bench', format: 'exchange', packs: parsed!.packs, warnings: [] };
    let chosen = '';
    resolve.push(time(() => void (chosen = code.resolveInstall({ requests: ['big@<2'], installed: new Map(), indexes: [index] }).plan[0]?.version ?? '')));
    if (chosen !== '1.99.9') throw new Error(`registry bench: resolved ${chosen || 'nothing'}, expected 1.99.9`);
  }
  const p = median(parse);
  const r = median(resolve);
  return { parse_ms: p, resolve_ms: r, blocking_ms: Math.round((p + r) * 10) / 10 };
}

function floor(text: string): number {
  return median(Array.from({ length: RUNS }, () => time(() => {
    const seen = new Set<string>();
    const doc = JSON.parse(text) as { packs: unknown };
    const list = Array.isArray(doc.packs) ? (doc.packs as Array<{ version: string }>).map((p) => p.version) : (doc.packs as { big: { versions: string[] } }).big.versions;
    for (const v of list) if (semver.valid(v) !== null) seen.add(v);
  })));
}

async function load(root: string): Promise<Code> {
  const at = (file: string) => pathToFileURL(path.join(root, 'dist', 'src', 'domain', 'registry', file)).href;
  const { parseIndex } = (await import(at('index-format.js'))) as { parseIndex: ParseIndex };
  const { resolveInstall } = (await import(at('resolve.js'))) as { resolveInstall: ResolveInstall };
  return { parseIndex, resolveInstall };
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : null);

export async function benchRegistry(): Promise<object> {
  const against = process.env['PACKBOT_BENCH_AGAINST'] || undefined;
  if (against && !existsSync(path.join(against, 'dist', 'src', 'domain', 'registry', 'index-format.js'))) {
    throw new Error(`PACKBOT_BENCH_AGAINST=${against} has no dist/src/domain/registry; make it with bench/baseline.sh <git-ref>`);
  }
  const here = await load(fileURLToPath(new URL('../..', import.meta.url)));
  const before = against ? await load(against) : undefined;
  const list = versions();
  const out: Record<string, unknown> = { versions: VERSIONS, listed: list.length, runs: RUNS };
  for (const [format, text] of Object.entries(documents(list))) {
    const floorMs = floor(text);
    const current = measure(here, text, RUNS);
    // Quadratic code takes tens of seconds here: it runs once, and only when asked for.
    const previous = before ? measure(before, text, 1) : undefined;
    out[format] = {
      floor_json_parse_plus_valid_ms: floorMs,
      current,
      blocking_vs_floor: ratio(current.blocking_ms, floorMs),
      ...(previous ? { against: previous, current_vs_against: ratio(current.blocking_ms, previous.blocking_ms) } : {}),
    };
    process.stderr.write(`registry ${format}: ${JSON.stringify(out[format])}\n`);
  }
  return out;
}

// `node dist/bench/registry.js` runs this bench alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.stdout.write(`${JSON.stringify(await benchRegistry(), null, 2)}\n`);
}
