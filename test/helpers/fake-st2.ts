/**
 * A stand-in for StackStorm's API (st2api) on 127.0.0.1, for `register.st2`. It follows
 * StackStorm's published contract (st2common/openapi.yaml) and what st2api does behind it:
 *
 * - routes: POST `/api/v1/packs/register` (behind nginx) and `/v1/packs/register` (st2api on
 *   :9101); anything else is a 404 `{"faultstring": ...}`.
 * - auth as st2common/router.py: the first credential present, in the spec's order (X-Auth-Token
 *   header, St2-Api-Key header, then their query spellings), is validated; none, an unknown or
 *   an expired one is a 401 `{"faultstring": "Unauthorized - ..."}`; RBAC without
 *   `pack_register` is a 403.
 * - the body is parsed as JSON and validated against `PacksRegister` (packs: [string], types:
 *   [PacksContentRegisterType], fail_on_failure: boolean, default true); a bad one is a 400.
 * - registration as PackRegisterController and the bootstrap registrars: per content type in
 *   StackStorm's order, each pack's metadata files (.yaml/.yml/.json, not recursive) are loaded
 *   from `packsDir` — packbot's packs_dir, which is StackStorm's packs base path — and checked
 *   for the fields StackStorm requires. With fail_on_failure a bad file is a 400 whose message
 *   names the file by its path on the *server* (`serverPacksPath`), as st2 does; without it the
 *   file is skipped. The answer is the counts per resource type, runners and rule/policy types
 *   included.
 *
 * Every request is recorded (headers and body) so a test can check what packbot sent.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';

/** PacksContentRegisterType in openapi.yaml. */
const CONTENT_TYPES = ['all', 'runner', 'action', 'actions', 'trigger', 'triggers', 'sensor', 'sensors', 'rule', 'rules', 'rule_type', 'rule_types',
  'alias', 'aliases', 'policy_type', 'policy_types', 'policy', 'policies', 'config', 'configs'];
/** The runners StackStorm 3.x ships (mistral-v2, removed in 3.3, is not among them). */
const RUNNERS = ['action-chain', 'announcement', 'http-request', 'inquirer', 'local-shell-cmd', 'local-shell-script', 'noop', 'orquesta',
  'python-script', 'remote-shell-cmd', 'remote-shell-script', 'winrm-cmd', 'winrm-ps-cmd', 'winrm-ps-script'];
const ALL = ['runner', 'action', 'trigger', 'sensor', 'rule', 'rule_type', 'alias', 'policy_type', 'policy', 'config'];

/** packs.py's ENTITIES, in its order: type, directory / result key, the fields the API model requires. */
const ENTITIES: Array<[string, string, string[]]> = [
  ['trigger', 'triggers', ['name']],
  ['sensor', 'sensors', ['class_name', 'entry_point']],
  ['action', 'actions', ['name', 'runner_type']],
  ['rule', 'rules', ['name', 'trigger', 'action']],
  ['alias', 'aliases', ['name', 'action_ref', 'formats']],
  ['policy', 'policies', ['name', 'resource_ref', 'policy_type']],
];

export interface FakeSt2Options {
  /** Where the packs are on disk (packbot's packs_dir). */
  packsDir: string;
  apiKeys?: string[];
  /** API keys StackStorm knows but that are disabled. */
  disabledKeys?: string[];
  authTokens?: string[];
  expiredTokens?: string[];
  /** RBAC on, and the caller lacks `pack_register`. */
  denyRegister?: boolean;
  /** The packs base path as StackStorm's messages show it. */
  serverPacksPath?: string;
}

export interface St2Request {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

export interface FakeSt2 {
  /** The API base URL, as `register.st2.url` takes it: http://127.0.0.1:<port>/api */
  url: string;
  origin: string;
  readonly requests: St2Request[];
  close(): Promise<void>;
}

class Fault extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function startFakeSt2(opts: FakeSt2Options): Promise<FakeSt2> {
  const requests: St2Request[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      void handle(req, body, opts).then(
        (answer) => send(res, 200, answer),
        (err: unknown) => send(res, err instanceof Fault ? err.status : 500, { faultstring: err instanceof Fault ? err.message : 'Internal Server Error' }),
      ).finally(() => requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, status: res.statusCode }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/api`,
    origin,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function handle(req: IncomingMessage, body: string, opts: FakeSt2Options): Promise<Record<string, number>> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const route = url.pathname.replace(/\/$/, '');
  if (req.method !== 'POST' || (route !== '/api/v1/packs/register' && route !== '/v1/packs/register')) {
    throw new Fault(404, 'The resource could not be found.');
  }
  authenticate(req, url, opts);
  if (opts.denyRegister) throw new Fault(403, 'User "packbot" doesn\'t have required permission "pack_register"');
  const request = validBody(body);
  return register(request, opts);
}

function authenticate(req: IncomingMessage, url: URL, opts: FakeSt2Options): void {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const sources: Array<['token' | 'key', string | null | undefined]> = [
    ['token', header('x-auth-token')], ['key', header('st2-api-key')], ['token', url.searchParams.get('x-auth-token')], ['key', url.searchParams.get('st2-api-key')],
  ];
  const found = sources.find(([, value]) => value);
  if (!found) throw new Fault(401, 'Unauthorized - One of Token or API key required.');
  const [kind, value = ''] = found;
  if (kind === 'token') {
    if (opts.expiredTokens?.includes(value ?? '')) throw new Fault(401, 'Unauthorized - Token has expired.');
    // Token.get raises TokenNotFoundError() without a message.
    if (!opts.authTokens?.includes(value ?? '')) throw new Fault(401, 'Unauthorized');
    return;
  }
  if (opts.disabledKeys?.includes(value ?? '')) throw new Fault(401, 'Unauthorized - API key is disabled.');
  if (!opts.apiKeys?.includes(value ?? '')) {
    throw new Fault(401, `Unauthorized - ApiKey with key_hash=${createHash('sha256').update(value ?? '').digest('hex')} not found.`);
  }
}

interface RegisterRequest {
  packs?: string[];
  types?: string[];
  fail_on_failure: boolean;
}

/** JSON, then PacksRegister (jsonschema's wording, as st2 passes it on). */
function validBody(text: string): RegisterRequest {
  let data: unknown;
  try {
    data = JSON.parse(text === '' ? '{}' : text);
  } catch (err) {
    throw new Fault(400, `Failed to parse request body: ${(err as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Fault(400, `${JSON.stringify(data)} is not of type 'object'`);
  const d = data as Record<string, unknown>;
  if (d['packs'] !== undefined) {
    if (!Array.isArray(d['packs'])) throw new Fault(400, `${JSON.stringify(d['packs'])} is not of type 'array'`);
    for (const p of d['packs']) if (typeof p !== 'string') throw new Fault(400, `${JSON.stringify(p)} is not of type 'string'`);
  }
  if (d['types'] !== undefined) {
    if (!Array.isArray(d['types'])) throw new Fault(400, `${JSON.stringify(d['types'])} is not of type 'array'`);
    for (const t of d['types']) {
      if (typeof t !== 'string' || !CONTENT_TYPES.includes(t)) throw new Fault(400, `${JSON.stringify(t)} is not one of [${CONTENT_TYPES.map((c) => `'${c}'`).join(', ')}]`);
    }
  }
  if (d['fail_on_failure'] !== undefined && typeof d['fail_on_failure'] !== 'boolean') {
    throw new Fault(400, `${JSON.stringify(d['fail_on_failure'])} is not of type 'boolean'`);
  }
  return {
    ...(d['packs'] ? { packs: d['packs'] as string[] } : {}),
    ...(d['types'] ? { types: d['types'] as string[] } : {}),
    fail_on_failure: d['fail_on_failure'] !== false,
  };
}

async function register(request: RegisterRequest, opts: FakeSt2Options): Promise<Record<string, number>> {
  const types = !request.types || request.types.includes('all') ? ALL : request.types;
  const has = (one: string, many: string) => types.includes(one) || types.includes(many);
  const result: Record<string, number> = {};
  // Dependencies first, as StackStorm does: runners, rule types, policy types it ships.
  if (has('runner', 'runners') || has('action', 'actions')) result['runners'] = RUNNERS.length;
  if (has('rule_type', 'rule_types') || has('rule', 'rules')) result['rule_types'] = 2;
  if (has('policy_type', 'policy_types') || has('policy', 'policies')) result['policy_types'] = 6;
  const serverBase = opts.serverPacksPath ?? '/opt/stackstorm/packs';
  const packs = [...new Set(request.packs ?? [])];
  for (const [type, dir, required] of ENTITIES) {
    if (!has(type, dir)) continue;
    result[dir] = result[dir] ?? 0;
    for (const pack of packs) {
      const packDir = path.join(opts.packsDir, pack);
      if (!existsSync(packDir)) {
        throw new Fault(400, `Pack "${pack}" not found on disk: Directory "${serverBase}/${pack}" doesn't exist`);
      }
      for (const file of await metadataFiles(packDir, dir)) {
        const problem = await checkFile(path.join(packDir, dir, file), `${serverBase}/${pack}/${dir}/${file}`, required);
        if (problem === null) result[dir] += 1;
        else if (request.fail_on_failure) {
          throw new Fault(400, `Failed to register ${type} "${serverBase}/${pack}/${dir}/${file}" from pack "${pack}": ${problem}`);
        }
      }
    }
  }
  if (has('config', 'configs')) result['configs'] = 0;
  return result;
}

async function metadataFiles(packDir: string, dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(path.join(packDir, dir));
  } catch {
    return [];
  }
  return names.filter((n) => /\.(ya?ml|json)$/.test(n) && !(dir === 'actions' && /^config\.(ya?ml|json)$/.test(n))).sort();
}

/** Why StackStorm would refuse the file, in its words (PyYAML's, jsonschema's), or null. */
async function checkFile(file: string, serverFile: string, required: string[]): Promise<string | null> {
  let content: unknown;
  try {
    content = parse(await readFile(file, 'utf8'));
  } catch (err) {
    const line = /line (\d+)/.exec((err as Error).message)?.[1] ?? '1';
    return `while parsing a block mapping\n  in "${serverFile}", line ${line}, column 1\nexpected <block end>, but found '<scalar>'`;
  }
  const doc = content !== null && typeof content === 'object' ? (content as Record<string, unknown>) : {};
  const missing = required.find((field) => doc[field] === undefined);
  if (missing === undefined) {
    // action_validator.get_runner_model: the runner must be registered in this StackStorm.
    const runner = doc['runner_type'];
    if (typeof runner === 'string' && !RUNNERS.includes(runner)) {
      return `RunnerType ${runner} is not found. If you are using old and deprecated runner name, you need to switch to a new one. For more information, please see https://docs.stackstorm.com/upgrade_notes.html#st2-v0-9`;
    }
    return null;
  }
  return `'${missing}' is a required property\n\nFailed validating 'required' in schema:\n    {"type": "object", "required": ${JSON.stringify(required)}}\n\nOn instance:\n    ${JSON.stringify(doc)}`;
}
