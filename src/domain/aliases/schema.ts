import { z } from 'zod';
import type { AliasDefinition, AliasFormat } from './types.js';

/**
 * The alias file schema: StackStorm's action-alias fields plus packbot's own (`command`,
 * `permission`, `confirm`, `help`). Unknown fields pass through so StackStorm alias files
 * load unchanged; the loader warns about them.
 */
// As StackStorm's normalise_alias_format_string: `representation` may be one string, and a
// display alone is a help line that matches nothing. `match_multiple` is read so the loader
// can say it is not supported (packbot runs a command once).
const FormatEntry = z.union(
  [
    z.string().min(1),
    z
      .object({
        display: z.string().min(1).optional(),
        representation: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
        match_multiple: z.boolean().optional(),
      })
      .refine((f) => f.display !== undefined || (f.representation?.length ?? 0) > 0, { error: 'needs a display, a representation or both' }),
  ],
  { error: 'must be a format string or {display, representation: [format, ...]}' },
);

// StackStorm's ack/result object is kept whole: packbot reads `enabled` and `format`.
const ReplySpec = z.union(
  [
    z.string().min(1),
    z.looseObject({
      enabled: z.boolean().optional(),
      format: z.string().optional(),
      append_url: z.boolean().optional(),
      extra: z.record(z.string(), z.unknown()).optional(),
    }),
  ],
  { error: 'must be a template name or {enabled, format, append_url, extra}' },
);

// StackStorm takes any YAML value; packbot's params are text, so a list or mapping is kept as JSON.
const ParamValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())], {
  error: 'must be a string, number, boolean, list or mapping',
});

export const AliasSchema = z.looseObject({
  name: z.string().regex(/^[a-z0-9_.-]+$/, 'must be lowercase letters, digits, "_", "." or "-"'),
  description: z.string().default(''),
  enabled: z.boolean().default(true),
  action_ref: z.string().optional(),
  pack: z.string().optional(),
  formats: z.array(FormatEntry).min(1, 'must list at least one format'),
  ack: ReplySpec.optional(),
  result: ReplySpec.optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
  immutable_parameters: z.record(z.string(), ParamValue).default({}),
  command: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a handler name like "deploy" (lowercase, digits, "_")'),
  permission: z.string().min(1).default('read'),
  confirm: z.enum(['always', 'when_queued', 'never']).optional(),
  help: z.string().optional(),
});

export type AliasInput = z.output<typeof AliasSchema>;

export const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(AliasSchema.shape));

/** One schema problem, with its path inside the alias. */
export interface SchemaProblem {
  path: PropertyKey[];
  message: string;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected === 'record' ? 'mapping' : issue.expected}`;
  }
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_small' && issue.origin === 'string') return 'must not be empty';
  return issue.message;
}

export function validateAlias(raw: unknown): { alias: AliasInput } | { problems: SchemaProblem[] } {
  const result = AliasSchema.safeParse(raw, { reportInput: true });
  if (result.success) return { alias: result.data };
  return { problems: result.error.issues.map((issue) => ({ path: issue.path, message: describeIssue(issue) })) };
}

/** A format without display is shown by its first representation (StackStorm's help leaves it out). */
function formatsOf(input: AliasInput): AliasFormat[] {
  return input.formats.map((f) => {
    if (typeof f === 'string') return { display: f, representation: [f] };
    const representation = typeof f.representation === 'string' ? [f.representation] : (f.representation ?? []);
    return { display: f.display ?? representation[0]!, representation };
  });
}

const paramText = (v: AliasInput['immutable_parameters'][string]): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));

export function toDefinition(input: AliasInput, file: string): AliasDefinition {
  const def: AliasDefinition = {
    name: input.name,
    description: input.description,
    enabled: input.enabled,
    command: input.command,
    permission: input.permission,
    formats: formatsOf(input),
    immutableParameters: Object.fromEntries(Object.entries(input.immutable_parameters).map(([k, v]) => [k, paramText(v)])),
    file,
  };
  if (input.confirm !== undefined) def.confirm = input.confirm;
  if (input.ack !== undefined) def.ack = input.ack;
  if (input.result !== undefined) def.result = input.result;
  if (input.help !== undefined) def.help = input.help;
  if (input.action_ref !== undefined) def.actionRef = input.action_ref;
  if (input.pack !== undefined) def.pack = input.pack;
  if (input.extra !== undefined) def.extra = input.extra;
  return def;
}
