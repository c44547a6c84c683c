/**
 * StackStorm's own alias-parser test vectors, as facts: a format string, a command text and
 * what StackStorm's `ActionAliasFormatParser(format, text).get_extracted_param_value()`
 * returns for them (a params dict, or a ParseException message).
 *
 * Source: StackStorm/st2, st2common/tests/unit/test_action_alias_utils.py, class
 * TestActionAliasParser, at commit e503ca59230162632453150429994b9510f4ac0f (the current
 * layout, after the `^`/`$` anchor detection of st2 2.x). Every (format, text) pair of that
 * class is one vector, in file order; the id is the Python test name plus a counter where a
 * test holds several. A `None` command is StackStorm's `param_stream or ''`, i.e. ''.
 * The three `*_dont_match` tests assert the message inside `assertRaises` after the raise,
 * so StackStorm never checks their wording; the message here is what its code builds.
 */
export type St2Expected = { params: Record<string, string | null> } | { error: string };

export interface St2Vector {
  id: string;
  format: string;
  text: string;
  expected: St2Expected;
}

const noMatch = (text: string, format: string) => ({ error: `Command "${text}" doesn't match format string "${format}"` });

const ISSUE = '(?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)';
const ALL_THE_THINGS = "{{ p0='http' }} g {{ p1=p }} a {{ url }} {{ p2={'a':'b'} }} {{ p3={{ e.i }} }}";

export const ST2_VECTORS: readonly St2Vector[] = [
  { id: 'test_empty_string', format: '', text: '', expected: { params: {} } },

  { id: 'test_arbitrary_pairs#1', format: '', text: 'a=foobar1', expected: { params: { a: 'foobar1' } } },
  { id: 'test_arbitrary_pairs#2', format: 'foo', text: 'foo a="foobar2 poonies bar"', expected: { params: { a: 'foobar2 poonies bar' } } },
  { id: 'test_arbitrary_pairs#3', format: 'foo', text: "foo a='foobar2 poonies bar'", expected: { params: { a: 'foobar2 poonies bar' } } },
  { id: 'test_arbitrary_pairs#4', format: 'foo', text: 'foo a={"foobar2": "poonies"}', expected: { params: { a: '{"foobar2": "poonies"}' } } },
  {
    id: 'test_arbitrary_pairs#5',
    format: '',
    text: `a=foobar1 b="boobar2 3 4" c='coobar3 4' d={"a": "b"}`,
    expected: { params: { a: 'foobar1', b: 'boobar2 3 4', c: 'coobar3 4', d: '{"a": "b"}' } },
  },
  {
    id: 'test_arbitrary_pairs#6',
    format: '{{ captain }} is my captain',
    text: 'Malcolm Reynolds is my captain weirdo="River Tam"',
    expected: { params: { captain: 'Malcolm Reynolds', weirdo: 'River Tam' } },
  },

  { id: 'test_simple_parsing', format: 'skip {{a}} more skip {{b}} and skip more.', text: 'skip a1 more skip b1 and skip more.', expected: { params: { a: 'a1', b: 'b1' } } },
  { id: 'test_end_string_parsing', format: 'skip {{a}} more skip {{b}}', text: 'skip a1 more skip b1', expected: { params: { a: 'a1', b: 'b1' } } },
  { id: 'test_spaced_parsing', format: 'skip {{a}} more skip {{b}} and skip more.', text: 'skip "a1 a2" more skip b1 and skip more.', expected: { params: { a: 'a1 a2', b: 'b1' } } },
  { id: 'test_default_values', format: 'acl {{a}} {{b}} {{c}} {{d=1}}', text: 'acl "a1 a2" "b1" "c1"', expected: { params: { a: 'a1 a2', b: 'b1', c: 'c1', d: '1' } } },
  { id: 'test_spacing', format: 'acl {{a=test}}', text: 'acl', expected: { params: { a: 'test' } } },
  { id: 'test_json_parsing', format: 'skip {{a}} more skip.', text: 'skip {"a": "b", "c": "d"} more skip.', expected: { params: { a: '{"a": "b", "c": "d"}' } } },
  { id: 'test_mixed_parsing', format: 'skip {{a}} more skip {{b}}.', text: 'skip {"a": "b", "c": "d"} more skip x.', expected: { params: { a: '{"a": "b", "c": "d"}', b: 'x' } } },
  {
    id: 'test_param_spaces',
    format: 's {{a}} more {{ b }} more {{ c=99 }} more {{ d = 99 }}',
    text: 's one more two more three more',
    expected: { params: { a: 'one', b: 'two', c: 'three', d: '99' } },
  },
  { id: 'test_enclosed_defaults#1', format: 'skip {{ a = value }} more', text: 'skip one more', expected: { params: { a: 'one' } } },
  { id: 'test_enclosed_defaults#2', format: 'skip {{ a = value }} more', text: 'skip more', expected: { params: { a: 'value' } } },
  {
    id: 'test_template_defaults',
    format: 'two by two hands of {{ color = {{ colors.default_color }} }}',
    text: 'two by two hands of',
    expected: { params: { color: '{{ colors.default_color }}' } },
  },
  { id: 'test_key_value_combinations#1', format: 'testing {{ a }}', text: 'testing value b=value2', expected: { params: { a: 'value', b: 'value2' } } },
  { id: 'test_key_value_combinations#2', format: 'testing {{ a=new }}', text: 'testing b="another value"', expected: { params: { a: 'new', b: 'another value' } } },
  {
    id: 'test_key_value_combinations#3',
    format: 'testing {{ b=abc }} {{ c=xyz }}',
    text: 'testing newvalue d={"1": "2"} e="long value"',
    expected: { params: { b: 'newvalue', c: 'xyz', d: '{"1": "2"}', e: 'long value' } },
  },
  { id: 'test_stream_is_none_with_all_default_values', format: 'skip {{d=test1}} more skip {{e=test1}}.', text: 'skip more skip', expected: { params: { d: 'test1', e: 'test1' } } },
  { id: 'test_stream_is_not_none_some_default_values', format: 'skip {{d=test}} more skip {{e=test}}', text: 'skip ponies more skip', expected: { params: { d: 'ponies', e: 'test' } } },
  { id: 'test_stream_is_none_no_default_values', format: 'skip {{d}} more skip {{e}}.', text: '', expected: noMatch('', 'skip {{d}} more skip {{e}}.') },
  {
    id: 'test_all_the_things',
    format: ALL_THE_THINGS,
    text: "g a http://google.com {{ execution.id }} p4='testing' p5={'a':'c'}",
    expected: { params: { p0: 'http', p1: 'p', url: 'http://google.com', p2: '{{ execution.id }}', p3: '{{ e.i }}', p4: 'testing', p5: "{'a':'c'}" } },
  },
  { id: 'test_command_doesnt_match_format_string', format: 'foo bar ponies', text: 'foo lulz ponies', expected: noMatch('foo lulz ponies', 'foo bar ponies') },
  { id: 'test_ending_parameters_matching', format: 'foo bar', text: 'foo bar pony1=foo pony2=bar', expected: { params: { pony1: 'foo', pony2: 'bar' } } },

  { id: 'test_regex_beginning_anchors', format: `^\\s*foo ${ISSUE}`, text: 'foo ASDF-1234', expected: { params: { issue_key: 'ASDF-1234' } } },
  { id: 'test_regex_beginning_anchors_dont_match', format: `^\\s*foo ${ISSUE}`, text: 'bar foo ASDF-1234', expected: noMatch('bar foo ASDF-1234', `^\\s*foo ${ISSUE}`) },
  { id: 'test_regex_ending_anchors', format: `foo ${ISSUE}\\s*$`, text: 'foo ASDF-1234', expected: { params: { issue_key: 'ASDF-1234' } } },
  { id: 'test_regex_ending_anchors_dont_match', format: `foo ${ISSUE}\\s*$`, text: 'foo ASDF-1234 bar', expected: noMatch('foo ASDF-1234 bar', `foo ${ISSUE}\\s*$`) },
  { id: 'test_regex_beginning_and_ending_anchors', format: `^\\s*foo ${ISSUE} bar\\s*$`, text: 'foo ASDF-1234 bar', expected: { params: { issue_key: 'ASDF-1234' } } },
  {
    id: 'test_regex_beginning_and_ending_anchors_dont_match',
    format: `^\\s*foo ${ISSUE}\\s*$`,
    text: 'bar ASDF-1234',
    expected: noMatch('bar ASDF-1234', `^\\s*foo ${ISSUE}\\s*$`),
  },
];
