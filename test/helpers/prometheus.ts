/**
 * A small parser for the Prometheus text exposition format (version 0.0.4), so tests can
 * assert on /metrics by value instead of by substring. prom-client has none, and a
 * dependency for a test helper is not worth it.
 *
 * Strict on purpose: a malformed line throws with its line number, so a test fails on
 * output Prometheus itself would reject rather than quietly skipping it.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  help?: string;
  type?: string;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Every sample line, in order. */
export function parsePrometheus(text: string): PromSample[] {
  return parse(text).samples;
}

/** `# HELP` / `# TYPE` per metric family name. */
export function parseFamilies(text: string): Map<string, PromFamily> {
  return parse(text).families;
}

/**
 * The value of the one sample named `name` whose labels include `labels` (others may be
 * present). undefined if none; throws if several match, since a test that meant one
 * series and matched two is asserting on the wrong thing.
 */
export function sample(samples: readonly PromSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length > 1) {
    throw new Error(`${hits.length} samples match ${name}${JSON.stringify(labels)}; add labels to pick one`);
  }
  return hits[0]?.value;
}

function parse(text: string): { samples: PromSample[]; families: Map<string, PromFamily> } {
  const samples: PromSample[] = [];
  const families = new Map<string, PromFamily>();
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const fail = (why: string): never => {
      throw new Error(`line ${i + 1}: ${why}: ${raw}`);
    };
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
      // Other comments are allowed by the format and carry nothing.
      if (!m) return;
      const [, kind, name = '', rest = ''] = m;
      if (!NAME.test(name)) fail('bad metric name');
      const family = families.get(name) ?? {};
      if (kind === 'HELP') {
        if (family.help !== undefined) fail('second HELP');
        family.help = unescape(rest, false, fail);
      } else {
        if (family.type !== undefined) fail('second TYPE');
        if (!/^(counter|gauge|histogram|summary|untyped)$/.test(rest)) fail('unknown TYPE');
        family.type = rest;
      }
      families.set(name, family);
      return;
    }
    samples.push(parseSample(line, fail));
  });
  return { samples, families };
}

function parseSample(line: string, fail: (why: string) => never): PromSample {
  const name = NAME.exec(line)?.[0] ?? fail('bad metric name');
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    rest = rest.slice(1).trimStart();
    while (!rest.startsWith('}')) {
      const label = LABEL_NAME.exec(rest)?.[0] ?? fail('bad label name');
      rest = rest.slice(label.length).trimStart();
      if (!rest.startsWith('="') && !/^=\s*"/.test(rest)) fail(`expected ="..." after ${label}`);
      rest = rest.slice(rest.indexOf('"') + 1);
      const end = closingQuote(rest) ?? fail(`unterminated value for ${label}`);
      if (label in labels) fail(`duplicate label ${label}`);
      labels[label] = unescape(rest.slice(0, end), true, fail);
      rest = rest.slice(end + 1).trimStart();
      // A trailing comma before } is legal.
      if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
      else if (!rest.startsWith('}')) fail('expected , or }');
    }
    rest = rest.slice(1);
  }
  // Value, then an optional millisecond timestamp this helper has no use for.
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '' || !/^\s/.test(rest)) fail('expected value');
  if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) fail('bad timestamp');
  return { name, labels, value: parseValue(fields[0] ?? '', fail) };
}

/** Index of the first `"` not escaped by a backslash. */
function closingQuote(s: string): number | undefined {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return undefined;
}

/** Label values escape \\, \" and \n; HELP text only \\ and \n. Anything else is malformed. */
function unescape(s: string, quotes: boolean, fail: (why: string) => never): string {
  return s.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quotes) return '"';
    return fail(`bad escape \\${c}`);
  });
}

function parseValue(v: string, fail: (why: string) => never): number {
  // Go's ParseFloat spellings; prom-client writes NaN as "Nan".
  if (/^nan$/i.test(v)) return NaN;
  if (/^\+?inf$/i.test(v)) return Infinity;
  if (/^-inf$/i.test(v)) return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) fail(`bad value ${v}`);
  return Number(v);
}
