/**
 * A pack's configuration: `config.schema.yaml` in the pack (StackStorm's format: key →
 * {type, description, required, secret, default}) and the operator's `<configs_dir>/<ref>.yaml`.
 * A pack deploys without its configuration — StackStorm allows that — so problems with the
 * operator's file are warnings; the secrets in it go to the masker so they never reach chat.
 */
import type { YamlPool } from '../../core/yaml-safe/index.js';
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode } from '../../core/caught.js';
import { describe, formatProblem, isObject, parseYaml, type Problem, type YamlFile } from './problems.js';

export const CONFIG_SCHEMA_FILE = 'config.schema.yaml';
const JSON_TYPES = ['string', 'integer', 'number', 'boolean', 'array', 'object', 'null'];
/** st2's ConfigSchemaAPI only allows `^\w+$` keys. */
const KEY_RE = /^\w+$/;

/** Structural check of config.schema.yaml, for validation. */
export function checkConfigSchema(yaml: YamlFile): Problem[] {
  const at = (path: Array<string | number>, message: string, atKey = false): Problem => {
    const line = yaml.lineOf(path, atKey);
    return { file: yaml.file, ...(line === undefined ? {} : { line }), message };
  };
  if (yaml.value === null || yaml.value === undefined) return [];
  if (!isObject(yaml.value)) return [{ file: yaml.file, message: `expected a mapping of config keys, got ${describe(yaml.value)}` }];
  const problems: Problem[] = [];
  for (const [key, spec] of Object.entries(yaml.value)) {
    if (!KEY_RE.test(key)) problems.push(at([key], `key ${JSON.stringify(key)} may contain only letters, digits and _`, true));
    if (!isObject(spec)) {
      problems.push(at([key], `${key}: expected a mapping like {type: string, description: ..., required: true}, got ${describe(spec)}`));
      continue;
    }
    const type = spec['type'];
    const types = Array.isArray(type) ? type : [type];
    if (type !== undefined && !types.every((t) => typeof t === 'string' && JSON_TYPES.includes(t))) {
      problems.push(at([key, 'type'], `${key}.type: expected one of ${JSON_TYPES.join(', ')}, got ${describe(type)}`));
    }
    for (const flag of ['required', 'secret']) {
      if (spec[flag] !== undefined && typeof spec[flag] !== 'boolean') {
        problems.push(at([key, flag], `${key}.${flag}: expected true or false, got ${describe(spec[flag])}`));
      }
    }
  }
  return problems;
}

/**
 * Reads a regular file; null when absent or not a regular file. O_NOFOLLOW and O_NONBLOCK plus
 * the fstat after opening mean a file swapped for a symlink or a FIFO after the walk is
 * neither followed nor waited on.
 */
export async function readRegularFile(path: string): Promise<string | null> {
  try {
    if (!(await lstat(path)).isFile()) return null;
  } catch {
    return null;
  }
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    return (await handle.stat()).isFile() ? await handle.readFile('utf8') : null;
  } finally {
    await handle.close();
  }
}

/** How a pack's configuration file is named in messages: `configs/<ref>.yaml`, relative to configs_dir. */
function configFileLabel(ref: string): string {
  return `configs/${ref}.yaml`;
}

export interface PackConfigCheck {
  warnings: string[];
  /** Values of keys marked `secret: true`, for the masker. */
  secrets: string[];
}

/** A value that is only a Jinja reference (`{{ st2kv.system.token }}`) names a secret; it isn't one. */
const JINJA_ONLY_RE = /^\s*\{\{[^]*\}\}\s*$/;

export async function checkPackConfig(opts: { ref: string; packDir: string; configsDir: string; yaml?: YamlPool }): Promise<PackConfigCheck> {
  const { ref, packDir, configsDir } = opts;
  let schemaText: string | null;
  try {
    schemaText = await readRegularFile(join(packDir, CONFIG_SCHEMA_FILE));
  } catch (err) {
    return { warnings: [`${ref}: cannot read ${CONFIG_SCHEMA_FILE} (${errCode(err)})`], secrets: [] };
  }
  if (schemaText === null) return { warnings: [], secrets: [] };
  const schema = await parseYaml(CONFIG_SCHEMA_FILE, schemaText, opts.yaml);
  if (!schema.ok) return { warnings: schema.problems.map((p) => `${ref}: ${formatProblem(p)}`), secrets: [] };
  if (!isObject(schema.yaml.value)) return { warnings: [], secrets: [] };

  const configPath = join(configsDir, `${ref}.yaml`);
  // Named as operators know it, never by its path on the server: messages reach chat.
  const shown = configFileLabel(ref);
  let configText: string | null;
  try {
    configText = await readRegularFile(configPath);
  } catch (err) {
    return { warnings: [`${shown}: cannot read it (${errCode(err)}); ${ref} runs without its configuration`], secrets: [] };
  }
  let config: Record<string, unknown> = {};
  const repeated: string[] = [];
  if (configText !== null) {
    const parsed = await parseYaml(shown, configText, opts.yaml);
    if (!parsed.ok) {
      const first = parsed.problems[0];
      const where = first?.line === undefined ? '' : ` (line ${first.line})`;
      return { warnings: [`${shown}: cannot be read${where}: ${first?.message ?? 'invalid YAML'}; ${ref} runs without its configuration`], secrets: [] };
    }
    if (parsed.yaml.value !== null && parsed.yaml.value !== undefined && !isObject(parsed.yaml.value)) {
      return { warnings: [`${shown}: expected a mapping of config keys, got ${describe(parsed.yaml.value)}; ${ref} runs without its configuration`], secrets: [] };
    }
    config = isObject(parsed.yaml.value) ? parsed.yaml.value : {};
    repeated.push(...parsed.yaml.warnings.map(formatProblem));
  }

  const found: Found = { missing: [], secrets: [], decrypted: [] };
  collect(schema.yaml.value, config, '', found);
  const warnings: string[] = [...repeated];
  if (found.missing.length > 0) {
    const example = (await readRegularFile(join(packDir, `${ref}.yaml.example`))) !== null;
    const hint = example ? `see ${ref}.yaml.example; set them in ${shown}` : `set them in ${shown}`;
    warnings.push(`${ref} needs configuration: ${found.missing.join(', ')} — ${hint}`);
  }
  // st2 refuses such a config: secret values are decrypted for the pack already.
  for (const key of found.decrypted) {
    warnings.push(`${shown}: ${key} is a secret, which StackStorm decrypts itself; remove "| decrypt_kv" from it`);
  }
  return { warnings, secrets: [...new Set(found.secrets)] };
}

const errCode = (err: unknown): string => errnoCode(err) ?? String(err);

interface Found {
  missing: string[];
  secrets: string[];
  decrypted: string[];
}

/** Walks schema and config together, into nested `properties` and arrays of objects. */
function collect(schema: Record<string, unknown>, config: unknown, prefix: string, found: Found): void {
  for (const [key, spec] of Object.entries(schema)) {
    if (!isObject(spec)) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const value = isObject(config) ? config[key] : undefined;
    if (value === undefined || value === null) {
      if (spec['required'] === true && !('default' in spec)) found.missing.push(path);
      continue;
    }
    if (spec['secret'] === true && typeof value === 'string' && value !== '') {
      if (!JINJA_ONLY_RE.test(value)) found.secrets.push(value);
      else if (value.includes('decrypt_kv')) found.decrypted.push(path);
    } else if (spec['secret'] === true) {
      // A secret number (a PIN) or a secret mapping/list: every scalar inside it is secret.
      found.secrets.push(...secretLeaves(value));
    }
    const properties = spec['properties'];
    if (isObject(properties) && isObject(value)) collect(properties, value, path, found);
    const items = spec['items'];
    if (Array.isArray(value) && isObject(items) && isObject(items['properties'])) {
      const itemProps = items['properties'];
      value.forEach((item, i) => collect(itemProps, item, `${path}[${i}]`, found));
    }
  }
}

function secretLeaves(value: unknown, depth = 0): string[] {
  if (typeof value === 'number' || typeof value === 'bigint') return [String(value)];
  if (typeof value === 'string') return value !== '' && !JINJA_ONLY_RE.test(value) ? [value] : [];
  if (depth > 8 || value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap((v) => secretLeaves(v, depth + 1));
}
