/**
 * `register:`'s cross-field rules (crosscheck.ts runs them on the raw tree, so they are
 * reported beside every other problem): register.st2 authenticates one way, as StackStorm
 * takes one credential per request; and it is not combined with register.http, which would
 * post the same registration a second time.
 */
import type { PathSegment } from './interpolate.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

export function checkRegister(root: Obj): Array<{ path: PathSegment[]; message: string }> {
  const register = root['register'];
  if (!isObj(register) || !isObj(register['st2'])) return [];
  const st2 = register['st2'];
  const base = ['register', 'st2'];
  const issues: Array<{ path: PathSegment[]; message: string }> = [];
  const key = present(st2['api_key']);
  const token = present(st2['auth_token']);
  if (key && token) {
    issues.push({ path: base, message: 'set api_key or auth_token, not both: StackStorm authenticates a request with one (an API key does not expire, a token does)' });
  } else if (!key && !token && !('api_key' in st2) && !('auth_token' in st2)) {
    issues.push({ path: [...base, 'api_key'], message: 'register.st2 needs api_key (sent as St2-Api-Key; `st2 apikey create`) or auth_token (sent as X-Auth-Token)' });
  }
  if (register['http'] !== undefined) {
    issues.push({ path: ['register', 'http'], message: 'register.http and register.st2 would both register the packs; keep register.st2 (it reads StackStorm\'s answer) and remove register.http' });
  }
  return issues;
}
