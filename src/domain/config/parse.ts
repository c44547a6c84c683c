/**
 * packbot.yaml text → validated config. Stages: YAML (syntax errors stop here: positions in a
 * broken tree would mislead) → `${VAR}` interpolation → schema + cross-field checks, whose
 * problems are all collected and thrown together as one PackbotError.
 */
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { errorMessage } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import { crossCheck } from './crosscheck.js';
import { interpolateTree, type Env } from './interpolate.js';
import { formatIssue, formatPath, fromZodIssue, isAtOrBelow, Positions, sortIssues, type ConfigIssue } from './issues.js';
import { resolveConfigPaths } from './resolve.js';
import { configSchema, type PackbotConfig } from './schema.js';
import { collectSecrets } from './secrets.js';

export interface LoadedConfig {
  config: PackbotConfig;
  /** Absolute path of the file the config came from. */
  file: string;
  /** Secret values found in the config, for the masker. */
  secrets: string[];
}

export interface ParseOptions {
  /** Used in messages and as the base for relative paths. */
  file: string;
  env: Env;
}

export function parseConfig(text: string, opts: ParseOptions): LoadedConfig {
  const file = resolve(opts.file);
  const lineCounter = new LineCounter();
  // merge: lets repositories share settings through `<<: *defaults`.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw invalid(file, dedupe(doc.errors.map((e) => yamlIssue(e, lineCounter))));

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw invalid(file, [{ path: '', message: `cannot read the YAML: ${firstLine(err)}` }]);
  }

  const positions = new Positions(doc, lineCounter);
  const interpolated = interpolateTree(raw, opts.env);
  const envIssues = interpolated.issues.map((i) => positions.issue(i.path, i.message));
  // A value whose ${VAR} failed still holds the raw text; what the schema says about it is noise.
  const notUnderEnvIssue = (i: ConfigIssue): boolean => !envIssues.some((e) => isAtOrBelow(i.path, e.path));

  const result = configSchema.safeParse(interpolated.value);
  const schemaIssues = result.success ? [] : result.error.issues.flatMap((i) => fromZodIssue(i, positions));
  const crossIssues = crossCheck(interpolated.value).map((i) => positions.issue(i.path, i.message));

  // A value refused because a variable was set but empty (compose's `VAR: ${VAR:-}`) names it.
  const emptyAt = new Map(interpolated.substituted.filter((s) => s.empty.length > 0).map((s) => [formatPath(s.path), s.empty]));
  const naming = (i: ConfigIssue): ConfigIssue => {
    const names = emptyAt.get(i.path);
    return names ? { ...i, message: `${i.message} (environment variable ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} set but empty)` } : i;
  };
  const issues = dedupe([...envIssues, ...[...schemaIssues, ...crossIssues].filter(notUnderEnvIssue).map(naming)]);
  if (issues.length > 0 || !result.success) throw invalid(file, issues);

  const config = resolveConfigPaths(result.data, dirname(file));
  return { config, file, secrets: collectSecrets(config, interpolated.substituted, opts.env) };
}

function yamlIssue(err: YAMLError, lines: LineCounter): ConfigIssue {
  const pos = lines.linePos(err.pos[0]);
  return { path: '', message: `YAML syntax error: ${firstLine(err)}`, line: pos.line, column: pos.col };
}

function firstLine(err: unknown): string {
  const text = errorMessage(err);
  return text.split('\n')[0]?.trim() ?? '';
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function invalid(file: string, issues: ConfigIssue[]): PackbotError {
  const n = issues.length;
  const lines = sortIssues(issues).map(formatIssue);
  return new PackbotError('config_invalid', `${file}: ${n} ${n === 1 ? 'problem' : 'problems'} in the configuration`, { details: lines });
}
