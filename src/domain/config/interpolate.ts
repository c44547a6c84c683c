/**
 * `${VAR}` / `${VAR:-default}` substitution in string scalars, applied to the already-parsed
 * YAML tree: an environment value is only ever data, so it cannot add keys, anchors or tags.
 * `$${` yields a literal `${`. Keys are never interpolated.
 */

export type Env = Readonly<Record<string, string | undefined>>;
export type PathSegment = string | number;

export interface InterpolationIssue {
  path: PathSegment[];
  message: string;
}

export interface InterpolatedTree {
  value: unknown;
  issues: InterpolationIssue[];
  /** Values that had at least one substitution; `key` is the nearest mapping key above them. */
  substituted: Array<{ path: PathSegment[]; key: string | undefined; value: string; pieces: string[]; empty: string[] }>;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `empty`: variables used without a default that are set but empty, named where their value is refused. */
type StringResult = { ok: true; value: string; pieces: string[]; empty: string[] } | { ok: false; message: string };

/** Interpolates one string; reports the first problem found in it. */
export function interpolateString(text: string, env: Env): StringResult {
  let out = '';
  const pieces: string[] = [];
  const empty: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    if (close === -1) {
      return { ok: false, message: 'unterminated "${" (write "$${" for a literal "${")' };
    }
    const body = text.slice(i + 2, close);
    const sep = body.indexOf(':-');
    const name = sep === -1 ? body : body.slice(0, sep);
    if (!NAME_RE.test(name)) {
      return { ok: false, message: `invalid environment variable name ${JSON.stringify(name)} in "\${...}"` };
    }
    const fromEnv = env[name];
    let piece: string;
    if (sep !== -1) {
      // Shell semantics: the default also applies when the variable is set but empty.
      piece = fromEnv === undefined || fromEnv === '' ? body.slice(sep + 2) : fromEnv;
    } else if (fromEnv === undefined) {
      return { ok: false, message: `environment variable ${name} is not set` };
    } else {
      piece = fromEnv;
      if (piece === '') empty.push(name);
    }
    out += piece;
    pieces.push(piece);
    i = close + 1;
  }
  return { ok: true, value: out, pieces, empty };
}

/** Walks plain JSON-like data, interpolating every string value and collecting every problem. */
export function interpolateTree(root: unknown, env: Env): InterpolatedTree {
  const result: InterpolatedTree = { value: undefined, issues: [], substituted: [] };

  // A YAML alias inside its own anchor (`a: &x [*x]`) becomes a cyclic object after toJS.
  const ancestors = new Set<object>();
  const walk = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === 'string') {
      if (!node.includes('${')) return node;
      const r = interpolateString(node, env);
      if (!r.ok) {
        result.issues.push({ path, message: r.message });
        // Keep the raw text so the schema still sees a string; its issues at this path are dropped.
        return node;
      }
      if (r.pieces.length > 0) {
        const key = [...path].reverse().find((seg): seg is string => typeof seg === 'string');
        result.substituted.push({ path, key, value: r.value, pieces: r.pieces, empty: r.empty });
      }
      return r.value;
    }
    if (node === null || typeof node !== 'object') return node;
    if (ancestors.has(node)) {
      result.issues.push({ path, message: 'a YAML alias refers to its own anchor' });
      return null;
    }
    ancestors.add(node);
    try {
      if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        // defineProperty so a YAML key "__proto__" stays a plain (and then unknown) key.
        Object.defineProperty(out, k, { value: walk(v, [...path, k]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    } finally {
      ancestors.delete(node);
    }
  };

  result.value = walk(root, []);
  return result;
}
