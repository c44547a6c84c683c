/**
 * The Redis store: shared by several packbot processes, so every primitive is one atomic
 * Redis command (or a Lua script, or MULTI). Keys live under `<prefix>kv:` and lists under
 * `<prefix>list:`, so keys() never returns a list and instances with other prefixes never meet.
 */
import { Redis } from 'ioredis';
import { PackbotError } from '../../core/errors.js';
import { redisTarget } from './redis-connect.js';
import { DEFAULT_LIST_MAX, type SetOptions, type StateStore, type TxCheck, type TxOp } from './state.js';

export interface RedisStoreOptions {
  url: string;
  prefix?: string;
  /** How long to wait for the first connection. */
  connectTimeoutMs?: number;
}

// KEYS[1] key; ARGV: hasExpected, expected, hasValue, value, ttlMs ('' = none).
// GET on an expired key returns nil, so expected-absent matches it.
const CAS = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '0' then
  redis.call('DEL', KEYS[1])
elseif ARGV[5] ~= '' then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('SET', KEYS[1], ARGV[4])
end
return 1
`;

// ARGV: kv prefix, index prefix, JSON {c: [[key, expected or false]], o: [[kind, ...]]}.
// Keys are built in the script (one Redis, not a cluster): a transaction names any number.
const TRANSACT = `
local kv, idx = ARGV[1], ARGV[2]
local tx = cjson.decode(ARGV[3])
for _, c in ipairs(tx.c) do
  local current = redis.call('GET', kv .. c[1])
  if c[2] == false then
    if current then return 0 end
  elseif current ~= c[2] then
    return 0
  end
end
for _, o in ipairs(tx.o) do
  if o[1] == 's' then redis.call('SET', kv .. o[2], o[3])
  elseif o[1] == 'd' then redis.call('DEL', kv .. o[2])
  elseif o[1] == 'a' then redis.call('ZADD', idx .. o[2], o[4], o[3])
  elseif o[1] == 'r' then redis.call('ZREM', idx .. o[2], o[3])
  end
end
return 1
`;

function txOp(op: TxOp): Array<string | number> {
  switch (op.op) {
    case 'set': return ['s', op.key, op.value];
    case 'del': return ['d', op.key];
    case 'index-add': return ['a', op.index, op.member, op.score];
    case 'index-remove': return ['r', op.index, op.member];
  }
}

/** SCAN MATCH is a glob: the prefix must match only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, '\\$&');
}

function ttlArgs(opts: SetOptions): ['PX', number] | [] {
  return opts.ttlMs === undefined ? [] : ['PX', Math.max(1, Math.ceil(opts.ttlMs))];
}

/** Errors Redis itself answered (WRONGTYPE, script errors) are bugs; the rest mean "can't reach it". */
function isReplyError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ReplyError';
}

class RedisStore implements StateStore {
  private closed = false;

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly unavailable: (err: unknown) => PackbotError,
  ) {}

  private k(key: string) {
    return `${this.prefix}kv:${key}`;
  }

  private l(list: string) {
    return `${this.prefix}list:${list}`;
  }

  private i(index: string) {
    return `${this.prefix}idx:${index}`;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the state store is closed');
    try {
      return await fn();
    } catch (err) {
      if (isReplyError(err)) throw err;
      throw this.unavailable(err);
    }
  }

  get(key: string): Promise<string | null> {
    return this.call(() => this.client.get(this.k(key)));
  }

  getMany(keys: readonly string[]): Promise<Array<string | null>> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.call(() => this.client.mget(keys.map((k) => this.k(k))));
  }

  async set(key: string, value: string, opts: SetOptions = {}): Promise<void> {
    await this.call(() => this.client.set(this.k(key), value, ...(ttlArgs(opts) as [])));
  }

  async setIfAbsent(key: string, value: string, opts: SetOptions = {}): Promise<boolean> {
    const ttl = ttlArgs(opts);
    const reply = await this.call(() =>
      ttl.length === 0 ? this.client.set(this.k(key), value, 'NX') : this.client.set(this.k(key), value, 'PX', ttl[1], 'NX'),
    );
    return reply === 'OK';
  }

  async compareAndSet(key: string, expected: string | null, value: string | null, opts: SetOptions = {}): Promise<boolean> {
    const ttl = opts.ttlMs === undefined ? '' : String(Math.max(1, Math.ceil(opts.ttlMs)));
    const args = [expected === null ? '0' : '1', expected ?? '', value === null ? '0' : '1', value ?? '', ttl];
    const reply = await this.call(() => this.client.eval(CAS, 1, this.k(key), ...args));
    return reply === 1;
  }

  async delete(key: string): Promise<boolean> {
    return (await this.call(() => this.client.del(this.k(key)))) > 0;
  }

  async keys(prefix: string): Promise<string[]> {
    const base = this.k('');
    const match = `${escapeGlob(this.k(prefix))}*`;
    const found = new Set<string>(); // SCAN may return a key more than once
    let cursor = '0';
    do {
      const [next, batch] = await this.call(() => this.client.scan(cursor, 'MATCH', match, 'COUNT', 1000));
      cursor = next;
      for (const key of batch) found.add(key.slice(base.length));
    } while (cursor !== '0');
    return [...found].sort();
  }

  async append(list: string, value: string, max = DEFAULT_LIST_MAX): Promise<void> {
    const cap = Math.max(1, Math.floor(max));
    const results = await this.call(() => this.client.multi().rpush(this.l(list), value).ltrim(this.l(list), -cap, -1).exec());
    const failed = results?.find(([err]) => err)?.[0];
    if (failed) throw failed;
  }

  async recent(list: string, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    return (await this.call(() => this.client.lrange(this.l(list), -Math.floor(limit), -1))).reverse();
  }

  increment(key: string): Promise<number> {
    return this.call(() => this.client.incr(this.k(key)));
  }

  async indexRange(index: string, offset: number, limit: number): Promise<string[]> {
    const start = Math.max(0, Math.floor(offset));
    if (limit <= 0) return [];
    const stop = limit === Infinity ? -1 : start + Math.floor(limit) - 1;
    return this.call(() => this.client.zrange(this.i(index), start, stop));
  }

  indexSize(index: string): Promise<number> {
    return this.call(() => this.client.zcard(this.i(index)));
  }

  async transact(checks: readonly TxCheck[], ops: readonly TxOp[]): Promise<boolean> {
    const tx = JSON.stringify({ c: checks.map((c) => [c.key, c.expected ?? false]), o: ops.map(txOp) });
    const reply = await this.call(() => this.client.eval(TRANSACT, 0, this.k(''), this.i(''), tx));
    return reply === 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}

export async function openRedisStore(opts: RedisStoreOptions): Promise<StateStore> {
  const target = redisTarget(opts.url, 'store');
  const client = await target.connect({ maxRetriesPerRequest: 2, ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}) });
  return new RedisStore(client, opts.prefix ?? 'packbot:', target.unavailable);
}
