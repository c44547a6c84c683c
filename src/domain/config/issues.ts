/**
 * Turns YAML, interpolation, schema and cross-field problems into one list of
 * `{path, message, line, column}` and then into the lines users read, sorted by position.
 */
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { locateInYaml } from '../../core/yaml-locate.js';
import type { PathSegment } from './interpolate.js';

export interface ConfigIssue {
  /** Dotted path like `repositories.st2contrib.repo`; empty for file-level problems. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

const PLAIN_KEY_RE = /^[A-Za-z0-9_-]+$/;

/** `repositories.st2contrib.repo`, `permissions.admins[0]`, `repositories["my.repo"].repo`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY_RE.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Finds where a path lives in the source; falls back to the deepest ancestor that exists. */
export class Positions {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of the value at `path`, or of its key when `atKey` (for unknown keys). */
  locate(path: readonly PathSegment[], atKey = false): { line: number; column: number } | undefined {
    const at = locateInYaml(this.doc, this.lines, path, { atKey });
    return at && { line: at.line, column: at.column };
  }

  issue(path: readonly PathSegment[], message: string, atKey = false): ConfigIssue {
    return { path: formatPath(path), message, ...this.locate(path, atKey) };
  }
}

/** One zod issue can stand for several problems (unknown keys); each gets its own entry. */
export function fromZodIssue(iss: z.core.$ZodIssue, positions: Positions): ConfigIssue[] {
  const path = iss.path.map((seg) => (typeof seg === 'symbol' ? String(seg) : seg));
  if (iss.code === 'unrecognized_keys') {
    const messages = iss.message.split('\n');
    return iss.keys.map((key, i) => positions.issue([...path, key], messages[i] ?? `unknown key ${JSON.stringify(key)}`, true));
  }
  if (iss.code === 'invalid_key') return [positions.issue(path, iss.message, true)];
  if (iss.code === 'custom' && iss.params?.['credentialsInUrl'] === true) {
    const tokenPath = formatPath([...path.slice(0, -1), 'token']);
    if (iss.params?.['inQuery'] === true) {
      return [positions.issue(path, `remove the query string: git would show it in every error; put a token in ${tokenPath}, not in the URL`)];
    }
    return [positions.issue(path, `remove the credentials: put the token in ${tokenPath}, not in the URL`)];
  }
  return [positions.issue(path, iss.message)];
}

/** True when `inner` is `outer` or below it (used to drop schema noise under broken values). */
export function isAtOrBelow(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? '' : `line ${issue.line}:${issue.column ?? 1} `;
  const path = issue.path === '' ? '' : `${issue.path}: `;
  return `${where}${path}${issue.message}`;
}

/** Stable order: by position, then the ones without a position, as found. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => {
      const la = a.issue.line ?? Infinity;
      const lb = b.issue.line ?? Infinity;
      if (la !== lb) return la - lb;
      const ca = a.issue.column ?? 0;
      const cb = b.issue.column ?? 0;
      return ca !== cb ? ca - cb : a.index - b.index;
    })
    .map((x) => x.issue);
}
