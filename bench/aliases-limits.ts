import { AliasTable, compileFormat, type AliasDefinition } from '../src/domain/aliases/index.js';

/**
 * The alias engine at its limits (issue 19): the worst parse of a format with 1–8 params on
 * a text of 1,000 / 10,000 characters that does not match, a match on real formats, building
 * a table of 2,000 formats, and a message that matches nothing against one that matches.
 * Baseline, same run: the backtracking RegExp packbot used to match with (the format's
 * `source`, which emit.ts still writes), on the largest text it finishes in a bounded time.
 */

/** Formats with k params, shaped like real chat commands (github-like, deploys, defaults). */
function formatsWith(k: number): string[] {
  const ps = Array.from({ length: k }, (_, i) => `{{p${i}}}`);
  const opt = Array.from({ length: k }, (_, i) => (i === 0 ? `{{p${i}}}` : `{{p${i}=""}}`));
  return [
    `gh issue create ${ps.join(' ')} now`,
    `pack deploy ${ps.join(' ')} --force`,
    `run ${opt.join(' ')} to {{env=staging}}`,
    `send ${ps.join(' to ')} done`,
  ];
}

/** Texts that match none of the formats above, each a known backtracking trap. */
function textsOf(n: number): Array<[string, string]> {
  const fill = (unit: string, head: string, tail = '') => head + unit.repeat(Math.max(0, Math.floor((n - head.length - tail.length) / unit.length))) + tail;
  return [
    ['words', fill(' a', 'gh issue create', ' x!')],
    ['words-deploy', fill(' a', 'pack deploy', ' "')],
    ['quotes', fill(' "a"', 'run', ' "')],
    ['braces', fill(' {a}', 'send', ' {')],
    ['to', fill(' a to', 'send', ' x!')],
    ['pairs', fill(' k=v', 'run a', ' "')],
    ['mixed', fill(' a "b {c', 'gh issue create', '')],
  ];
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

function timeOnce(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** Best of three: a parse's cost, not a GC pause. */
const best = (run: () => unknown) => Math.min(timeOnce(run), timeOnce(run), timeOnce(run));

function worstParses(): object {
  const out: Record<string, unknown> = {};
  for (let k = 1; k <= 8; k++) {
    const formats = formatsWith(k).map(compileFormat);
    const row: Record<string, unknown> = {};
    for (const n of [1000, 10_000]) {
      let worst = { ms: 0, format: '', text: '' };
      for (const f of formats) {
        for (const [name, text] of textsOf(n)) {
          // Only texts the format rejects: a rejection is where backtracking explodes.
          if (f.parse(text) !== null) continue;
          const ms = best(() => f.parse(text));
          if (ms > worst.ms) worst = { ms: round(ms), format: f.format, text: name };
        }
      }
      row[`worst_${n}`] = worst;
    }
    row.baseline = baselineWorst(formats.map((f) => f.source));
    out[`params_${k}`] = row;
  }
  return out;
}

/**
 * The old RegExp on the same traps, each text grown until one parse passes 20 ms: the size
 * and time of the steepest (ms per character); at 10,000 characters these would not end.
 */
function baselineWorst(sources: string[]): object {
  let reached = { chars: 0, ms: 0 };
  for (const source of sources) {
    const re = new RegExp(source, 'is');
    for (let t = 0; t < textsOf(16).length; t++) {
      // Each trap grows until one parse passes 20 ms: the next size would take far longer.
      for (let n = 16; n <= 10_000; n = Math.ceil(n * 1.25)) {
        const text = textsOf(n)[t]![1];
        const ms = timeOnce(() => re.exec(` ${text} `));
        if (ms > 20 || n * 1.25 > 10_000) {
          if (ms / n > reached.ms / Math.max(reached.chars, 1)) reached = { chars: n, ms: round(ms) };
          break;
        }
      }
    }
  }
  return { regex_chars: reached.chars, regex_ms: reached.ms };
}

const REAL: Array<[string, string]> = [
  ['pack deploy {{repo}} {{packs}} {{branch=""}}', 'pack deploy st2contrib docker,sensu feature-x force=true'],
  ['github issue create {{repo}} {{title}} {{body=""}}', 'github issue create StackStorm/st2 "a title here" "and a longer body text"'],
  ['(?:deploy|ship|push) {{pack}} (?:to|into) {{env=staging}}', 'ship sensu into qa'],
  ['send {{payload}} to {{target}}', 'send {"a": {"b": [1, 2]}} to #ops'],
  ['say {{message}}', `say ${'hello world '.repeat(20)}`],
];

function realMatch(): object {
  return Object.fromEntries(
    REAL.map(([format, text]) => {
      const f = compileFormat(format);
      const re = new RegExp(f.source, 'is');
      if (f.parse(text) === null) throw new Error(`bench text does not match ${format}`);
      const perOp = (run: () => unknown) => {
        const reps = 2000;
        return best(() => {
          for (let i = 0; i < reps; i++) run();
        }) / reps;
      };
      return [format, { us: round(perOp(() => f.parse(text)) * 1000), baseline_regex_us: round(perOp(() => re.exec(` ${text} `)) * 1000) }];
    }),
  );
}

const VERBS = ['deploy', 'status', 'info', 'history', 'rollback', 'lock', 'unlock', 'diff', 'restart', 'scale', 'logs', 'config', 'backup', 'restore', 'promote', 'pause', 'resume', 'purge', 'tag', 'notes'];

/** n formats in n/2 aliases: `svcN verb ...` shapes with 1–4 params, two representations each. */
export function generatedAliases(n: number): AliasDefinition[] {
  return Array.from({ length: Math.ceil(n / 2) }, (_, i) => {
    const svc = `svc${Math.floor(i / VERBS.length)}`;
    const verb = VERBS[i % VERBS.length]!;
    return {
      name: `${svc}_${verb}`,
      description: '',
      enabled: true,
      command: 'run',
      permission: 'deploy',
      immutableParameters: {},
      file: `${svc}.yaml`,
      formats: [
        {
          display: `${svc} ${verb} <target> [env]`,
          representation: [`${svc} ${verb} {{target}} {{ref}} to {{env=staging}}`, `${svc} ${verb} {{target}} {{env=""}}`],
        },
      ],
    };
  });
}

/** Wall and CPU time of a table build, best of three (CPU time is less hurt by a busy machine). */
function tableBuild(): object {
  const rows: Record<string, object> = {};
  for (const n of [250, 500, 1000, 2000]) {
    const defs = generatedAliases(n);
    let wall = Infinity;
    let cpu = Infinity;
    for (let i = 0; i < 3; i++) {
      const c = process.cpuUsage();
      wall = Math.min(wall, timeOnce(() => new AliasTable(defs)));
      const used = process.cpuUsage(c);
      cpu = Math.min(cpu, (used.user + used.system) / 1000);
    }
    rows[`formats_${n}`] = { wall_ms: round(wall), cpu_ms: round(cpu) };
  }
  return rows;
}

/** Per call, best of three batches. */
function perCall(table: AliasTable, text: string): number {
  const reps = 500;
  return best(() => {
    for (let i = 0; i < reps; i++) table.match(text);
  }) / reps;
}

/** A miss against a hit of about the same length, on 2,000 formats and on the bundled table. */
function noMatchRatio(): object {
  const table = new AliasTable(generatedAliases(2000));
  const long = 'x '.repeat(2000);
  const pairs: Record<string, [hit: string, miss: string]> = {
    typo: ['svc12 deploy web main to prod', 'svc12 deplyo web main to prod'],
    stranger: ['svc12 deploy web main to prod', 'hello there, how are you today?'],
    long_typo: [`svc12 deploy web ${long}`, `svc12 deplyo web ${long}`],
  };
  const out: Record<string, unknown> = { table_formats: 2000 };
  for (const [name, [hit, miss]] of Object.entries(pairs)) {
    if (table.match(hit).kind !== 'match' || table.match(miss).kind !== 'none') throw new Error(`bench pair ${name} is not a hit and a miss`);
    const hitUs = perCall(table, hit) * 1000;
    const missUs = perCall(table, miss) * 1000;
    out[name] = { match_us: round(hitUs), no_match_us: round(missUs), ratio: Math.round((missUs / hitUs) * 10) / 10 };
  }
  return out;
}

export async function benchAliasLimits(): Promise<object> {
  const sections = { worst_parse: worstParses, real_match: realMatch, table_build: tableBuild, no_match: noMatchRatio };
  const out: Record<string, object> = {};
  for (const [name, run] of Object.entries(sections)) {
    const start = performance.now();
    out[name] = run();
    process.stderr.write(`aliases ${name}: ${Math.round(performance.now() - start)} ms\n`);
  }
  return out;
}
