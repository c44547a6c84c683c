import { compileFormat, parseFormat, type CompiledFormat } from '../src/domain/aliases/index.js';
import { benchAliasLimits } from './aliases-limits.js';

/**
 * Alias format parsing: what compiling each format once (as AliasTable does) buys over
 * compiling per call (as StackStorm's parser does). Both sides run the same cases in the
 * same process, so the speedup is comparable across machines even when raw rates are not.
 */

type Case = [format: string, text: string];

// Each format with several texts: plain words, defaults, quoted values, {...} objects,
// key=value pairs, regex constructs, and chat noise (smart quotes, NBSP, odd case).
const GROUPS: Array<[string, string[]]> = [
  ['pack list', ['pack list', 'PACK LIST', '  pack   list  ']],
  ['pack info {{pack}}', ['pack info docker', 'pack info "my pack"', 'pack info sensu verbose=true']],
  ['pack status {{pack=""}}', ['pack status', 'pack status ', 'pack status docker', 'pack status docker pack=sensu']],
  [
    'pack deploy {{repo}} {{packs}} {{branch=""}}',
    ['pack deploy st2contrib docker,sensu feature-x', 'pack deploy st2contrib docker', 'pack deploy st2contrib all main force=true', 'pack deploy st2contrib "docker, sensu" dev'],
  ],
  ['pack deploy {{repo}}', ['pack deploy st2contrib', 'pack deploy st2contrib force=true note="from bench"']],
  ['pack lock extend {{pack}} {{duration}}', ['pack lock extend docker 2h', 'pack lock extend docker 30m reason=\u201Clong test\u201D']],
  ['pack history {{pack}}', ['pack history docker', 'pack history docker limit=20']],
  ['pack uninstall {{packs}}', ['pack uninstall docker,sensu', "pack uninstall 'docker sensu'"]],
  ['pack rollback {{pack}} {{release=""}}', ['pack rollback docker', 'pack rollback docker 20240101-1200']],
  ['say {{message}}', ['say hello', 'say hello world, how are you', 'say \u201Csmart quotes\u201D', 'say foo=bar', 'say a=1 b=2']],
  ['open {{url}}', ['open https://example.com/?a=b', 'open https://example.com/?token=', 'open https://example.com/ mode=tab']],
  ['run {{payload={"dry": true}}}', ['run', 'run {"a": {"b": [1, 2]}}', "run 'single quoted'"]],
  ['send {{payload}} to {{target}}', ['send {"a": 1} to {"b": 2}', 'send hello to #ops', 'send "two words" to ops team']],
  ['(?:deploy|ship|push) {{pack}} (?:to|into) {{env=staging}}', ['deploy docker to prod', 'SHIP sensu into qa', 'push web to staging']],
  ['build v\\d+\\.\\d+(?:\\.\\d+)? {{target}}', ['build v1.2 linux', 'build v10.20.3 darwin-arm64']],
  ['^status$', ['status', 'STATUS']],
  ['colou?r {{name}} {{hex=ff0000}}', ['color red', 'colour red ff0000']],
  ['set (?<scope>global|local) {{key}} {{value}}', ['set global timeout 30s', 'set local name "a b c"']],
  ['help {{command=""}}', ['help', 'help pack deploy', 'help\u00A0pack\u202Fstatus']],
];

const CASES: Case[] = GROUPS.flatMap(([format, texts]) => texts.map((text): Case => [format, text]));

interface Rate {
  ops_per_sec: number;
  iterations: number;
  elapsed_ms: number;
}

/** Runs `once(i)` over the cases round-robin for at least `minMs` (after `warmMs` of warm-up). */
function measure(once: (i: number) => number, count: number, warmMs: number, minMs: number): Rate {
  let sink = 0;
  const run = (ms: number) => {
    let iterations = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      for (let i = 0; i < count; i++) sink += once(i);
      iterations += count;
      elapsed = performance.now() - start;
    }
    return { iterations, elapsed };
  };
  run(warmMs);
  const { iterations, elapsed } = run(minMs);
  if (sink < 0) throw new Error('unreachable: keeps the results alive');
  return { ops_per_sec: Math.round((iterations / elapsed) * 1000), iterations, elapsed_ms: Math.round(elapsed) };
}

export async function benchAliases(options: { warmMs?: number; minMs?: number } = {}): Promise<object> {
  const warmMs = options.warmMs ?? 200;
  const minMs = options.minMs ?? 1000;
  const compiled = new Map<string, CompiledFormat>();
  for (const [format] of CASES) if (!compiled.has(format)) compiled.set(format, compileFormat(format));
  const reused = CASES.map(([format, text]) => [compiled.get(format)!, text] as const);

  // Both paths must agree before their speed means anything.
  for (const [i, [format, text]] of CASES.entries()) {
    const a = JSON.stringify(reused[i]![0].parse(text));
    const b = JSON.stringify(parseFormat(format, text));
    if (a !== b) throw new Error(`bench case ${i} disagrees: ${format} / ${text}: ${a} vs ${b}`);
  }

  const compiledOnce = measure((i) => Object.keys(reused[i]![0].parse(reused[i]![1]) ?? {}).length, reused.length, warmMs, minMs);
  await new Promise((resolve) => setImmediate(resolve));
  const compiledPerCall = measure((i) => Object.keys(parseFormat(CASES[i]![0], CASES[i]![1])).length, CASES.length, warmMs, minMs);

  return {
    cases: CASES.length,
    formats: compiled.size,
    min_time_ms: minMs,
    compiled_once: compiledOnce,
    compiled_per_call: compiledPerCall,
    speedup: Math.round((compiledOnce.ops_per_sec / compiledPerCall.ops_per_sec) * 100) / 100,
    ...(await benchAliasLimits()),
  };
}
