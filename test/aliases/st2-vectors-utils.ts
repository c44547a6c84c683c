/**
 * StackStorm's other alias vectors in st2common/tests/unit/test_action_alias_utils.py, at
 * commit e503ca59230162632453150429994b9510f4ac0f (StackStorm/st2), as facts. The parser
 * class (TestActionAliasParser) is in st2-vectors.ts; these are the two classes after it.
 *
 * TestSearchRegexTokens asks `search_regex_tokens` whether a format has a beginning (`^`,
 * `\A`) or end (`$`, `\Z`) anchor of its own. For parsing that decides whether StackStorm
 * adds `^\s*` / `\s*$` around the format: a side with its own anchor is left alone. One
 * vector per assertion (test_no_beginning_or_ending_tokens holds two); the `backwards`
 * argument of test_backwards only changes the search order, not the answer.
 *
 * TestInjectImmutableParameters runs `inject_immutable_parameters(alias, [params], {})`: the
 * alias's immutable_parameters (Jinja rendered) join the params, and params that already name
 * one are refused with ValueError("Immutable arguments cannot be overriden: <names>"). The
 * test asserts only the exception type; the message is what StackStorm's code builds.
 */
export interface St2AnchorVector {
  id: string;
  format: string;
  side: 'beginning' | 'end';
  /** True: the format brings its own anchor on that side, so none is added. */
  ownAnchor: boolean;
}

export interface St2ImmutableVector {
  id: string;
  immutable: Record<string, string>;
  params: Record<string, string>;
  expected: { params: Record<string, string> } | { error: string };
}

export const ST2_ANCHOR_VECTORS: readonly St2AnchorVector[] = [
  { id: 'test_beginning_tokens', format: '^asdf', side: 'beginning', ownAnchor: true },
  { id: 'test_no_ending_tokens', format: '^asdf', side: 'end', ownAnchor: false },
  { id: 'test_no_beginning_or_ending_tokens#1', format: 'asdf', side: 'beginning', ownAnchor: false },
  { id: 'test_no_beginning_or_ending_tokens#2', format: 'asdf', side: 'end', ownAnchor: false },
  { id: 'test_backwards', format: '^asdf$', side: 'end', ownAnchor: true },
  { id: 'test_branches', format: '^asdf|fdsa$', side: 'end', ownAnchor: true },
  { id: 'test_subpatterns', format: '^(?:asdf|fdsa$)', side: 'end', ownAnchor: true },
];

export const ST2_IMMUTABLE_VECTORS: readonly St2ImmutableVector[] = [
  {
    id: 'test_immutable_parameters_are_injected',
    immutable: { env: 'dev' },
    params: { param1: 'value1', param2: 'value2' },
    expected: { params: { param1: 'value1', param2: 'value2', env: 'dev' } },
  },
  {
    id: 'test_immutable_parameters_with_jinja',
    immutable: { env: '{{ "dev" + "1" }}' },
    params: { param1: 'value1', param2: 'value2' },
    expected: { params: { param1: 'value1', param2: 'value2', env: 'dev1' } },
  },
  {
    id: 'test_override_raises_error',
    immutable: { env: 'dev' },
    params: { param1: 'value1', env: 'prod' },
    expected: { error: 'Immutable arguments cannot be overriden: env' },
  },
];
