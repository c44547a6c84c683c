/**
 * `register.st2`: StackStorm's own pack register endpoint (st2api's `POST /v1/packs/register`,
 * `/api/v1/packs/register` behind nginx), called with the deployed packs after they go live.
 * The fields follow StackStorm's `PacksRegister` (openapi.yaml) and its two ways to
 * authenticate (an API key or an auth token, exactly one: crosscheck-register.ts).
 */
import { z } from 'zod';
import { credentialFreeUrl } from './credential-free-url.js';
import { expected } from './messages.js';
import { positiveDuration, secret, strict } from './schema-parts.js';

/** `PacksContentRegisterType` in StackStorm's openapi.yaml: what a registration may cover. */
export const ST2_CONTENT_TYPES = [
  'all', 'runner', 'action', 'actions', 'trigger', 'triggers', 'sensor', 'sensors', 'rule', 'rules', 'rule_type', 'rule_types',
  'alias', 'aliases', 'policy_type', 'policy_types', 'policy', 'policies', 'config', 'configs',
] as const;

const TYPES_HINT = `StackStorm content types (${ST2_CONTENT_TYPES.join(', ')})`;

export const st2RegisterSchema = strict({
  /** The API's base, as st2's CLI takes it (`https://st2.example.com/api`, `http://st2api:9101`). */
  url: credentialFreeUrl('the key goes in register.st2.api_key'),
  /** Sent as St2-Api-Key (`st2 apikey create`); never expires. */
  api_key: secret.optional(),
  /** Sent as X-Auth-Token; expires (24h by default), so api_key suits a bot better. */
  auth_token: secret.optional(),
  /** Absent: StackStorm registers everything (its default, and what `st2 pack register` sends). */
  types: z.array(z.enum(ST2_CONTENT_TYPES, { error: expected(TYPES_HINT) }), { error: expected(`a list of ${TYPES_HINT}`) }).min(1).optional(),
  /** StackStorm's own default: a resource it cannot register fails the call (and the deploy rolls back). */
  fail_on_failure: z.boolean({ error: expected('true or false') }).default(true),
  /** How long to wait for StackStorm's answer; timeouts.hook when absent. */
  timeout: positiveDuration.optional(),
}, 'a mapping like {url: "https://st2.example.com/api", api_key: "${ST2_API_KEY}"}');

export type St2RegisterConfig = z.output<typeof st2RegisterSchema>;
