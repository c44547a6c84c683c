import { describe, expect, it } from 'vitest';
import { AliasTable, injectImmutableParameters, parseFormat, type AliasDefinition, type MatchResult } from '../../src/domain/aliases/index.js';
import { parseSyntax } from '../../src/domain/aliases/syntax.js';
import { toDefinition, validateAlias } from '../../src/domain/aliases/schema.js';
import { isPackbotError } from '../../src/core/errors.js';
import { ST2_VECTORS } from './st2-vectors.js';
import { ST2_ANCHOR_VECTORS, ST2_IMMUTABLE_VECTORS } from './st2-vectors-utils.js';
import { ST2_FORMATS_VECTORS, ST2_MATCHING_VECTORS, type St2AliasFixture, type St2MatchVector, type St2Row } from './st2-vectors-matching.js';
import { ST2_EXECUTION_VECTORS } from './st2-vectors-execution.js';

/**
 * StackStorm's own alias test vectors (st2-vectors*.ts, facts taken from its test files) run
 * through packbot. Each vector is one StackStorm assertion, with what StackStorm expects and a
 * way to ask packbot the same question; it either agrees or is listed in KNOWN_DIFFERENCES
 * with the reason packbot differs on purpose. Each listed difference is documented in
 * README.md ("Differences from StackStorm") and must really differ, so the list cannot go stale.
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  test_immutable_parameters_with_jinja: 'immutable_parameters are taken as written: packbot renders no Jinja',
  'test_list_format_strings_from_aliases_with_representation_only#1': 'a format without display is listed by its representation',
  'test_list_format_strings_from_aliases_with_representation_only#2': 'a format without display is listed by its representation',
  test_execution_with_array_type_single_value: 'no action parameter types: values stay strings',
  test_execution_with_array_type_multi_value: 'no action parameter types: values stay strings',
  test_match_and_execute_list_action_param_str_cast_to_list: 'no action parameter types: values stay strings',
  test_match_and_execute_list_action_param_already_a_list: 'no action parameter types: a list immutable parameter is JSON text',
  test_match_and_execute_matches_one_multiple_match: 'no match_multiple: a format runs once, for its first occurrence',
};

interface Vector {
  id: string;
  expected: unknown;
  /** Packbot's answer, in the expected's shape. */
  packbot(): unknown;
  /** Default: deep equality. */
  agrees?(got: unknown): boolean;
}

function outcome<T>(run: () => T): T | { error: string } {
  try {
    return run();
  } catch (err) {
    if (isPackbotError(err)) return { error: err.message };
    throw err;
  }
}

/** A StackStorm alias as packbot loads it; packbot maps an alias to a handler, so one is named. */
function definitionOf(fixture: St2AliasFixture | { name: string; formats: unknown[] }): { refused: string } | { definition: AliasDefinition } {
  const checked = validateAlias({ ...fixture, command: 'run' });
  if ('problems' in checked) return { refused: checked.problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ') };
  return { definition: toDefinition(checked.alias, `${fixture.name}.yaml`) };
}

function rowsOf(format: unknown): St2Row[] | 'refused' {
  const loaded = definitionOf({ name: 'x', formats: [format] });
  if (!('definition' in loaded)) return 'refused';
  return loaded.definition.formats.flatMap((f) =>
    f.representation.length === 0 ? [{ display: f.display, representation: '' }] : f.representation.map((r) => ({ display: f.display, representation: r })),
  );
}

/** Packbot's match, with only the fields the StackStorm test asserts. */
function matchOutcome(v: St2MatchVector): unknown {
  const loaded = v.aliases.map(definitionOf);
  const refused = loaded.find((l) => 'refused' in l);
  if (refused) return refused;
  const table = new AliasTable(loaded.flatMap((l) => ('definition' in l ? [l.definition] : [])));
  const result = outcome<MatchResult>(() => table.match(v.text));
  if ('error' in result) return result;
  if (result.kind === 'none') return { none: true };
  if (result.kind === 'ambiguous') return { ambiguous: result.candidates.map((c) => c.alias.name).sort() };
  const want = 'match' in v.expected ? v.expected.match : {};
  const { alias, format, params } = result.match;
  return { match: { alias: alias.name, ...('format' in want ? { format } : {}), ...('params' in want ? { params } : {}) } };
}

const SOURCES: ReadonlyArray<{ file: string; vectors: Vector[] }> = [
  {
    file: 'st2common/tests/unit/test_action_alias_utils.py',
    vectors: [
      ...ST2_VECTORS.map((v) => ({ id: v.id, expected: v.expected, packbot: () => outcome(() => ({ params: parseFormat(v.format, v.text) })) })),
      ...ST2_ANCHOR_VECTORS.map((v) => ({
        id: v.id,
        expected: v.ownAnchor,
        packbot: () => (v.side === 'beginning' ? parseSyntax(v.format).ownStart : parseSyntax(v.format).ownEnd),
      })),
      ...ST2_IMMUTABLE_VECTORS.map((v) => ({
        id: v.id,
        expected: v.expected,
        packbot: () => outcome(() => ({ params: injectImmutableParameters({ name: 'st2', immutableParameters: v.immutable }, v.params) })),
        // packbot's refusal is StackStorm's message followed by the fix.
        agrees: (got: unknown) =>
          'error' in v.expected ? typeof got === 'object' && got !== null && 'error' in got && String(got.error).startsWith(`${v.expected.error}.`) : deepEqual(got, v.expected),
      })),
    ],
  },
  {
    file: 'st2common/tests/unit/test_util_actionalias_matching.py',
    vectors: [
      ...ST2_FORMATS_VECTORS.map((v) => ({ id: v.id, expected: v.expected, packbot: () => rowsOf(v.format) })),
      ...ST2_MATCHING_VECTORS.map((v) => ({ id: v.id, expected: v.expected, packbot: () => matchOutcome(v) })),
    ],
  },
  {
    file: 'st2api/tests/unit/controllers/v1/test_alias_execution.py',
    vectors: ST2_EXECUTION_VECTORS.map((v) => ({ id: v.id, expected: v.expected, packbot: () => matchOutcome(v) })),
  },
];

/** How many vectors each StackStorm test file gives, and how many of all agree. */
const COUNTS: Readonly<Record<string, number>> = {
  'st2common/tests/unit/test_action_alias_utils.py': 43,
  'st2common/tests/unit/test_util_actionalias_matching.py': 12,
  'st2api/tests/unit/controllers/v1/test_alias_execution.py': 14,
};
const TOTAL = 69;
const AGREEING = 61;

function deepEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toStrictEqual(b);
    return true;
  } catch {
    return false;
  }
}

const ALL = SOURCES.flatMap((s) => s.vectors);
const agrees = (v: Vector) => (v.agrees ? v.agrees(v.packbot()) : deepEqual(v.packbot(), v.expected));

describe("StackStorm's alias vectors", () => {
  it(`holds ${TOTAL} vectors, each id once, counted per source file`, () => {
    expect(Object.fromEntries(SOURCES.map((s) => [s.file, s.vectors.length]))).toEqual(COUNTS);
    expect(ALL).toHaveLength(TOTAL);
    expect(new Set(ALL.map((v) => v.id)).size).toBe(TOTAL);
    for (const id of Object.keys(KNOWN_DIFFERENCES)) expect(ALL.map((v) => v.id)).toContain(id);
  });

  it.each(ALL.filter((v) => !(v.id in KNOWN_DIFFERENCES)).map((v) => [v.id, v] as const))('%s agrees', (_id, v) => {
    if (v.agrees) expect(v.agrees(v.packbot()), JSON.stringify(v.packbot())).toBe(true);
    else expect(v.packbot()).toStrictEqual(v.expected);
  });

  it.each(Object.entries(KNOWN_DIFFERENCES))('%s differs on purpose: %s', (id) => {
    expect(agrees(ALL.find((x) => x.id === id)!)).toBe(false);
  });

  it(`${AGREEING} of ${TOTAL} agree; the rest are the documented differences`, () => {
    expect(ALL.filter(agrees).length).toBe(AGREEING);
    expect(AGREEING).toBe(TOTAL - Object.keys(KNOWN_DIFFERENCES).length);
  });
});
