/**
 * The pack's content metadata: every YAML file under the content directories must parse, and
 * each top-level metadata file gets the light structural check StackStorm's registrars would
 * otherwise fail on at register time — after the pack is already installed. What StackStorm
 * registers anyway (a missing entry_point file, two files declaring one name, a repeated YAML
 * key) is a warning that says what StackStorm will do; `strict: true` refuses those too.
 */
import type { YamlPool } from '../../core/yaml-safe/index.js';
import { posix } from 'node:path';
import { z } from 'zod';
import { DEFAULT_YAML_LIMITS, tooManyBytes } from '../../core/yaml-safe/index.js';
import { describe, isObject, parseYaml, parseYamlNow, want, zodProblems, type Problem, type YamlFile, type YamlResult } from './problems.js';
import { CONTENT_KINDS, metadataFiles, type ContentKind } from './summary.js';
import type { PackTree } from './walk.js';

/** Runners whose action is a file in the pack (st2 resolves entry_point under actions/). */
export const RUNNERS_WITH_ENTRY_POINT: readonly string[] = [
  'python-script', 'local-shell-script', 'remote-shell-script', 'action-chain', 'orquesta', 'mistral-v2', 'winrm-ps-script',
];

/** Metadata bigger than this is not metadata; parsing it would only stall the bot. */
export const MAX_YAML_BYTES = DEFAULT_YAML_LIMITS.maxBytes;

const required = (hint: string) => z.string({ error: want(hint) }).refine((s) => s.trim() !== '', { message: 'must not be empty' });

const formatEntry = z.union([
  z.string(),
  // As StackStorm's normalise_alias_format_string: one representation string or a list, and
  // a display alone (a help line that matches nothing) — the same as packbot's own alias files.
  z.looseObject({ display: z.string().optional(), representation: z.union([z.string(), z.array(z.string())]).optional() })
    .refine((f) => f.display !== undefined || (f.representation?.length ?? 0) > 0, { message: 'needs a display, a representation or both' }),
], { error: want('a format string, or {display, representation: [formats]}') });

const schemas: Record<ContentKind, z.ZodType> = {
  actions: z.looseObject({
    name: required('the action name'),
    runner_type: required('the runner, e.g. python-script or local-shell-script'),
    entry_point: z.string({ error: want('a file path relative to actions/') }).optional(),
  }),
  rules: z.looseObject({
    name: required('the rule name'),
    trigger: z.looseObject({ type: required('a trigger type ref like core.st2.IntervalTimer') }, { error: want('a mapping with the trigger type') }),
    action: z.looseObject({ ref: required('an action ref like mypack.myaction') }, { error: want('a mapping with the action ref') }),
  }),
  sensors: z.looseObject({
    class_name: required('the sensor class name'),
    entry_point: required('the sensor file, relative to sensors/'),
  }),
  aliases: z.looseObject({
    name: required('the alias name'),
    action_ref: required('the action it runs, like mypack.myaction'),
    formats: z.array(formatEntry, { error: want('a list of formats') }).min(1, { message: 'must list at least one format' }),
  }),
  policies: z.looseObject({
    name: required('the policy name'),
    resource_ref: required('the action the policy applies to, like mypack.myaction'),
    policy_type: required('a policy type like action.concurrency'),
  }),
};

/**
 * What identifies a resource of each kind, for the duplicate check (a sensor is registered
 * under its class_name: st2's sensor_type_utils).
 */
const IDENTITY: Record<ContentKind, string> = { actions: 'name', rules: 'name', sensors: 'class_name', aliases: 'name', policies: 'name' };

/** Every YAML file under a content directory (workflows too), plus top-level JSON metadata. */
function needsParsing(file: string): boolean {
  const kind = CONTENT_KINDS.find((k) => file.startsWith(`${k}/`));
  return kind !== undefined && (/\.ya?ml$/.test(file) || metadataFiles([file], kind).length > 0);
}

/** A file's text: at once when it is small (most metadata is), else through a promise. */
export type ReadFile = (rel: string) => string | Promise<string>;

/**
 * parseYaml of a pack's file, without a promise hop for a small one: a deploy of many packs
 * reads thousands of such files, and their awaits cost more than their parsing.
 */
export async function parseYamlRead(file: string, read: ReadFile, yaml?: YamlPool): Promise<YamlResult> {
  const got = read(file);
  const text = typeof got === 'string' ? got : await got;
  return parseYamlNow(file, text) ?? parseYaml(file, text, yaml);
}

export interface ContentProblems {
  errors: Problem[];
  warnings: Problem[];
}

export async function checkContent(tree: PackTree, ref: string | null, read: ReadFile, yaml?: YamlPool): Promise<ContentProblems> {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const parsed = new Map<string, YamlFile>();
  const yamlFiles = [...tree.files.keys()].filter(needsParsing).sort();
  for (const file of yamlFiles) {
    // Judged by the walk's size, before a byte of it is read.
    const tooBig = tooManyBytes(tree.files.get(file) ?? 0, DEFAULT_YAML_LIMITS);
    if (tooBig) {
      problems.push({ file, message: tooBig });
      continue;
    }
    const got = read(file);
    const text = typeof got === 'string' ? got : await got;
    const result = parseYamlNow(file, text) ?? await parseYaml(file, text, yaml);
    if (result.ok) {
      parsed.set(file, result.yaml);
      warnings.push(...result.yaml.warnings);
    } else problems.push(...result.problems);
  }

  for (const kind of CONTENT_KINDS) {
    const declaring = new Map<string, string[]>();
    for (const file of metadataFiles(tree.files.keys(), kind)) {
      const yaml = parsed.get(file);
      if (!yaml) continue;
      if (!isObject(yaml.value)) {
        problems.push({ file, message: yaml.value === null || yaml.value === undefined ? 'is empty' : `expected a mapping, got ${describe(yaml.value)}` });
        continue;
      }
      problems.push(...zodProblems(yaml, schemas[kind].safeParse(yaml.value)));
      problems.push(...checkPackField(yaml, ref));
      const entry = kind === 'actions' ? checkActionEntryPoint(yaml, tree) : kind === 'sensors' ? checkEntryPoint(yaml, tree, 'sensors') : null;
      if (entry?.error) problems.push(entry.error);
      if (entry?.warning) warnings.push(entry.warning);
      const id = yaml.value[IDENTITY[kind]];
      if (typeof id === 'string' && id !== '') declaring.set(id, [...(declaring.get(id) ?? []), file]);
    }
    warnings.push(...sameNames(declaring));
  }
  return { errors: problems, warnings };
}

/**
 * st2's registrars load `<kind>/*.yaml` in sorted order and register each file under its
 * name, updating whatever that name held: the last file loaded is what StackStorm keeps.
 * metadataFiles lists files in that order.
 */
function sameNames(declaring: ReadonlyMap<string, string[]>): Problem[] {
  const out: Problem[] = [];
  for (const [id, files] of declaring) {
    if (files.length < 2) continue;
    const last = files.at(-1) ?? '';
    const all = `${files.slice(0, -1).join(', ')} and ${last}`;
    out.push({ file: '', message: `${all} ${files.length === 2 ? 'both' : 'all'} declare ${id}; StackStorm keeps the last loaded, ${last}` });
  }
  return out;
}

function at(yaml: YamlFile, path: Array<string | number>, message: string): Problem {
  const line = yaml.lineOf(path);
  return { file: yaml.file, ...(line === undefined ? {} : { line }), message };
}

/** st2's registrars refuse a resource whose `pack` names another pack. */
function checkPackField(yaml: YamlFile, ref: string | null): Problem[] {
  const pack = (yaml.value as Record<string, unknown>)['pack'];
  if (ref === null || pack === undefined || pack === null || pack === '' || pack === ref) return [];
  return [at(yaml, ['pack'], `pack: ${describe(pack)} but this pack's ref is "${ref}"; fix it or drop the field`)];
}

type EntryCheck = { error?: Problem; warning?: Problem } | null;

function checkActionEntryPoint(yaml: YamlFile, tree: PackTree): EntryCheck {
  const action = yaml.value as Record<string, unknown>;
  const runner = action['runner_type'];
  const entry = action['entry_point'];
  if ((entry === undefined || entry === null || entry === '') && typeof runner === 'string' && RUNNERS_WITH_ENTRY_POINT.includes(runner)) {
    return { error: at(yaml, ['runner_type'], `entry_point is required for runner ${runner} (the script, relative to actions/)`) };
  }
  return checkEntryPoint(yaml, tree, 'actions');
}

/** What StackStorm does with a resource whose entry_point file is not there. */
const WHEN_MISSING = {
  actions: 'StackStorm registers the action; it fails when it runs',
  sensors: 'StackStorm registers the sensor; it fails when it starts',
} as const;

/**
 * A referenced file should be a regular file in the pack; st2 resolves it under `base`. One
 * that points outside the pack is refused; one that is not there is registered by st2 all the
 * same (its registrars never look), so it is a warning.
 */
function checkEntryPoint(yaml: YamlFile, tree: PackTree, base: 'actions' | 'sensors'): EntryCheck {
  const entry = (yaml.value as Record<string, unknown>)['entry_point'];
  if (typeof entry !== 'string' || entry.trim() === '') return null; // missing or mistyped: the schema reports it
  const target = posix.normalize(posix.join(base, entry.trim()));
  if (posix.isAbsolute(entry.trim()) || target === '..' || target.startsWith('../')) {
    return { error: at(yaml, ['entry_point'], `entry_point ${JSON.stringify(entry)} points outside the pack; give a path relative to ${base}/`) };
  }
  if (tree.files.has(target)) return null;
  const what = tree.dirs.has(target) ? 'is a directory, not a file' : 'does not exist';
  return { warning: at(yaml, ['entry_point'], `entry_point ${JSON.stringify(entry)}: ${target} ${what}; ${WHEN_MISSING[base]}`) };
}
