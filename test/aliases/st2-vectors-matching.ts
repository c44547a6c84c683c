/**
 * StackStorm's alias matching vectors, as facts: st2common/tests/unit/test_util_actionalias_matching.py
 * at commit a565d313f94e7dd1f5181a2b688b7619abb8e97a (StackStorm/st2; the black-formatted
 * "Copyright 2020 The StackStorm Authors" version), run against st2common/util/actionalias_matching.py.
 *
 * - `list_format_strings_from_aliases` / `normalise_alias_format_string`: what one entry of an
 *   alias's `formats` stands for, as (display, representation) rows. One vector per row the
 *   tests list, in file order (test_list_format_strings_from_aliases asserts the displays
 *   only; the representation of a plain string is the string itself, as the _with_display
 *   test shows). A display-only entry gives one row with representation "", a
 *   representation-only one a null display; an entry that is neither a string nor a mapping
 *   is a TypeError (the _error test asserts the type only).
 * - `match_command_to_alias`: which alias and representation a command matches.
 *
 * The aliases are StackStorm alias fields as the tests give them (`ref` is the database
 * reference the tests assert on; packbot names aliases by `name`).
 */
export interface St2AliasFixture {
  name: string;
  formats: unknown[];
  [field: string]: unknown;
}

export type St2Row = { display: string | null; representation: string };

export interface St2FormatsVector {
  id: string;
  /** One entry of an alias's `formats`, as written in the alias file. */
  format: unknown;
  expected: St2Row[] | 'refused';
}

export type St2MatchExpected =
  /** One alias runs once; `format` and `params` only where the test asserts them. */
  | { match: { alias: string; format?: string; params?: Record<string, unknown> } }
  /** A match_multiple format runs once per occurrence in the command. */
  | { matches: Array<{ alias: string; params: Record<string, unknown> }> }
  /** "matched more than 1 pattern": these aliases all match. */
  | { ambiguous: string[] }
  /** "matched no patterns". */
  | { none: true };

export interface St2MatchVector {
  id: string;
  aliases: readonly St2AliasFixture[];
  text: string;
  expected: St2MatchExpected;
}

const NUMBER_5 = { display: 'Number 5 is {{status}}', representation: ['Number 5 is {{status=alive}}'] };
const SNOW_BLOWER = 'Hey, laser lips, your mama was a snow blower.';
const I_FEEL = 'How do I feel? I feel... {{status}}!';
const FEAR = "Quite an experience to live in fear, isn't it?";

export const ST2_FORMATS_VECTORS: readonly St2FormatsVector[] = [
  {
    id: 'test_list_format_strings_from_aliases#1',
    format: 'Come with me if you want to live',
    expected: [{ display: 'Come with me if you want to live', representation: 'Come with me if you want to live' }],
  },
  {
    id: 'test_list_format_strings_from_aliases#2',
    format: 'I need your {{item}}, your {{item2}} and your {{vehicle}}',
    expected: [{ display: 'I need your {{item}}, your {{item2}} and your {{vehicle}}', representation: 'I need your {{item}}, your {{item2}} and your {{vehicle}}' }],
  },
  {
    id: 'test_list_format_strings_from_aliases_with_display#1',
    format: NUMBER_5,
    expected: [{ display: 'Number 5 is {{status}}', representation: 'Number 5 is {{status=alive}}' }],
  },
  { id: 'test_list_format_strings_from_aliases_with_display#2', format: SNOW_BLOWER, expected: [{ display: SNOW_BLOWER, representation: SNOW_BLOWER }] },
  { id: 'test_list_format_strings_from_aliases_with_display#3', format: I_FEEL, expected: [{ display: I_FEEL, representation: I_FEEL }] },
  { id: 'test_list_format_strings_from_aliases_with_display_only#1', format: { display: 'Watch this.' }, expected: [{ display: 'Watch this.', representation: '' }] },
  {
    id: 'test_list_format_strings_from_aliases_with_display_only#2',
    format: { display: "He's just like his {{relation}}." },
    expected: [{ display: "He's just like his {{relation}}.", representation: '' }],
  },
  {
    id: 'test_list_format_strings_from_aliases_with_representation_only#1',
    format: { representation: "That's okay daddy. You can't hug a {{object}}." },
    expected: [{ display: null, representation: "That's okay daddy. You can't hug a {{object}}." }],
  },
  {
    id: 'test_list_format_strings_from_aliases_with_representation_only#2',
    format: { representation: 'You are my greatest invention.' },
    expected: [{ display: null, representation: 'You are my greatest invention.' }],
  },
  { id: 'test_normalise_alias_format_string', format: FEAR, expected: [{ display: FEAR, representation: FEAR }] },
  { id: 'test_normalise_alias_format_string_error', format: [FEAR], expected: 'refused' },
];

export const ST2_MATCHING_VECTORS: readonly St2MatchVector[] = [
  {
    id: 'test_matching',
    aliases: [{ name: 'spengler', ref: 'ghostbusters.1', formats: ['{{choice}} cross the {{target}}'] }],
    text: "Don't cross the streams",
    expected: { match: { alias: 'spengler', format: '{{choice}} cross the {{target}}' } },
  },
];
