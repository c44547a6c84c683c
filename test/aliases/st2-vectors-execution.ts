import type { St2AliasFixture, St2MatchVector } from './st2-vectors-matching.js';

/**
 * StackStorm's alias execution vectors, as facts: st2api/tests/unit/controllers/v1/test_alias_execution.py
 * at commit 077b57845de4803ebc2ee96a1bd02597147386c7 (StackStorm/st2), with the fixture
 * aliases it loads (TEST_MODELS["aliases"], st2tests/st2tests/fixtures/aliases/aliases/*.yaml).
 *
 * Two ways in: `_do_post` names one alias and its first representation (POST /v1/aliasexecution):
 * the vector's table is that alias alone. `match_and_execute` matches the command against every
 * loaded alias: first those without match_multiple, then the match_multiple ones. Expected
 * params are the action parameters the test asserts; StackStorm casts them to the action's
 * parameter types (action1.yaml: param3 is an array), and adds immutable_parameters.
 *
 * Left out, not being about parsing: test_invalid_format_string_referenced_in_request (the API
 * caller names a format the alias lacks; packbot never takes a format from outside the text),
 * the ack-rendering message of test_invalid_jinja_var_in_ack_format and the show_secrets half
 * of test_execution_secret_parameter (their params are vectors here).
 */
const alias1: St2AliasFixture = { name: 'alias1', pack: 'aliases', action_ref: 'wolfpack.action1', formats: ['Lorem ipsum {{param1}} dolor sit {{param2}} amet.'] };
const alias2: St2AliasFixture = {
  name: 'alias2', pack: 'aliases', action_ref: 'wolfpack.action1',
  formats: [{ display: "Help entry doesn't matter.", representation: ['Lorem ipsum {{param1}} dolor sit {{param3}} amet.'] }],
};
const undefinedJinja: St2AliasFixture = {
  name: 'alias_with_undefined_jinja_in_ack_format', pack: 'aliases', action_ref: 'wolfpack.action1',
  formats: ['run {{cmd}} on {{hosts}}'], ack: { format: 'Ran command *{{cmd}}* on hosts.\n' },
};
const immutableList: St2AliasFixture = {
  name: 'alias_with_immutable_list_param', pack: 'aliases', action_ref: 'wolfpack.action3', formats: ['test alias foo'],
  immutable_parameters: { array_param: [{ key1: 'one', key2: 'two' }, { key3: 'three', key4: 'four' }] },
};
const immutableListStr: St2AliasFixture = {
  name: 'alias_with_immutable_list_param_str_cast', pack: 'aliases', action_ref: 'wolfpack.action4',
  formats: ['test alias list param str cast'], immutable_parameters: { array_param: 'one,two,three,four,give' },
};
const alias4: St2AliasFixture = {
  name: 'alias4', pack: 'aliases', action_ref: 'wolfpack.action1', extra: { color: 'red' },
  formats: [{ display: "Help entry doesn't matter.", representation: ['Lorem ipsum {{param1}} dolor sit {{param4}} amet.'] }],
};
const alias5: St2AliasFixture = {
  name: 'alias5', pack: 'aliases', action_ref: 'wolfpack.action1', formats: ['lorem ipsum'],
  immutable_parameters: { param1: 'value1', param2: 'value2' },
};
const fixes = (name: string): St2AliasFixture => ({
  name, pack: 'aliases', action_ref: 'wolfpack.action2',
  formats: [{ display: 'fixes <issue_key>', representation: ['(?:\\b|^)fixes (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)(?:\\b|$)'], match_multiple: true }],
});
const matchMultiple: St2AliasFixture = {
  name: 'alias_match_multiple', pack: 'aliases', action_ref: 'wolfpack.action2',
  formats: [{ display: 'duplicate of <issue_key>', representation: ['(?:\\b|^)duplicate of (?P<issue_key>[A-Z][A-Z0-9]+-[0-9]+)(?:\\b|$)'], match_multiple: true }],
};

/** TEST_MODELS["aliases"], in the test's order. */
export const ST2_EXECUTION_ALIASES: readonly St2AliasFixture[] = [
  alias1, alias2, undefinedJinja, immutableList, immutableListStr, alias4, alias5,
  fixes('alias_match_multiple_fixes1'), fixes('alias_match_multiple_fixes2'), matchMultiple,
];

const SECRET = 'SUPER_SECRET_PARAMETER_THAT_SHOULD_NEVER_APPEAR_IN_RESPONSES_OR_LOGS';
const all = ST2_EXECUTION_ALIASES;

export const ST2_EXECUTION_VECTORS: readonly St2MatchVector[] = [
  {
    id: 'test_basic_execution', aliases: [alias1], text: 'Lorem ipsum value1 dolor sit "value2 value3" amet.',
    expected: { match: { alias: 'alias1', params: { param1: 'value1', param2: 'value2 value3' } } },
  },
  {
    id: 'test_basic_execution_with_immutable_parameters', aliases: [alias5], text: 'lorem ipsum',
    expected: { match: { alias: 'alias5', params: { param1: 'value1', param2: 'value2' } } },
  },
  {
    id: 'test_execution_with_array_type_single_value', aliases: [alias2], text: 'Lorem ipsum value1 dolor sit value2 amet.',
    expected: { match: { alias: 'alias2', params: { param1: 'value1', param3: ['value2'] } } },
  },
  {
    id: 'test_execution_with_array_type_multi_value', aliases: [alias2], text: 'Lorem ipsum value1 dolor sit "value2, value3" amet.',
    expected: { match: { alias: 'alias2', params: { param1: 'value1', param3: ['value2', 'value3'] } } },
  },
  {
    id: 'test_invalid_jinja_var_in_ack_format', aliases: [undefinedJinja], text: 'run date on localhost',
    expected: { match: { alias: undefinedJinja.name, params: { cmd: 'date', hosts: 'localhost' } } },
  },
  {
    id: 'test_execution_secret_parameter', aliases: [alias4], text: `Lorem ipsum value1 dolor sit ${SECRET} amet.`,
    expected: { match: { alias: 'alias4', params: { param1: 'value1', param4: SECRET } } },
  },
  { id: 'test_match_and_execute_doesnt_match', aliases: all, text: 'hello donny', expected: { none: true } },
  {
    id: 'test_match_and_execute_matches_many', aliases: all, text: 'Lorem ipsum banana dolor sit pineapple amet.',
    expected: { ambiguous: ['alias1', 'alias2', 'alias4'] },
  },
  {
    id: 'test_match_and_execute_matches_one', aliases: all, text: 'run date on localhost',
    expected: { match: { alias: undefinedJinja.name, params: { cmd: 'date', hosts: 'localhost' } } },
  },
  {
    id: 'test_match_and_execute_matches_one_multiple_match', aliases: all,
    text: 'JKROWLING-4 is a duplicate of JRRTOLKIEN-24 which is a duplicate of DRSEUSS-12',
    expected: {
      matches: [
        { alias: 'alias_match_multiple', params: { issue_key: 'JRRTOLKIEN-24' } },
        { alias: 'alias_match_multiple', params: { issue_key: 'DRSEUSS-12' } },
      ],
    },
  },
  {
    id: 'test_match_and_execute_matches_many_multiple_match', aliases: all, text: 'JKROWLING-4 fixes JRRTOLKIEN-24 which fixes DRSEUSS-12',
    expected: { ambiguous: ['alias_match_multiple_fixes1', 'alias_match_multiple_fixes2'] },
  },
  {
    // The test checks the type and the first four items; the fifth follows from the comma split.
    id: 'test_match_and_execute_list_action_param_str_cast_to_list', aliases: all, text: 'test alias list param str cast',
    expected: { match: { alias: immutableListStr.name, params: { array_param: ['one', 'two', 'three', 'four', 'give'] } } },
  },
  {
    id: 'test_match_and_execute_list_action_param_already_a_list', aliases: all, text: 'test alias foo',
    expected: { match: { alias: immutableList.name, params: { array_param: [{ key1: 'one', key2: 'two' }, { key3: 'three', key4: 'four' }] } } },
  },
  { id: 'test_match_and_execute_success', aliases: all, text: 'run whoami on localhost1', expected: { match: { alias: undefinedJinja.name } } },
];
