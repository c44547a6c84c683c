/**
 * What the embedded store's files hold, line by line, and how each is checked.
 *
 * Journal line (format 2): `<crc32 of the JSON, 8 hex> <JSON entry>\n`. The entry carries its
 * sequence number `s`; the numbers run on without a gap, so a deleted line is seen. Format 1
 * (before checksums) was the bare JSON: still read, so an upgrade keeps its state, never written.
 *
 * Snapshot (format 2): a header line `{"format":"packbot-snapshot","version":2,"seq",
 * "bytes","sha256"}` then the state as one JSON line. Format 1 was the state with `seq`
 * as one JSON document: still read.
 *
 * Besides changes, two entries that change nothing: `base` (first line after compaction:
 * "everything up to s is in the snapshot", so a deleted snapshot is seen even when no change
 * followed) and `nop` (written when the store checks that the disk takes writes again).
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { z } from 'zod';

/** One change; `zadd`/`zrem` change an ordered index (member `m`, score `n`). */
export type Change =
  | { o: 'set'; k: string; v: string; x?: number }
  | { o: 'del'; k: string }
  | { o: 'push'; k: string; v: string; m: number }
  | { o: 'zadd'; k: string; m: string; n: number }
  | { o: 'zrem'; k: string; m: string };

/** An entry before the journal numbers it: one change, or several that land together (one line, so a crash keeps all or none). */
export type Mutation = Change | { o: 'tx'; t: Change[] };

/** `nop` and `base` change nothing (see above). */
export type Entry = (Mutation | { o: 'nop'; pad?: string } | { o: 'base' }) & { s: number };

export interface SnapshotState {
  kv: Array<[key: string, value: string, expiresAt: number | null]>;
  lists: Array<[name: string, values: string[]]>;
  /** Ordered indexes; absent in snapshots written before they existed. */
  indexes?: Array<[name: string, members: Array<[member: string, score: number]>]>;
}

const seq = z.number().int().nonnegative();
const setShape = { o: z.literal('set'), k: z.string(), v: z.string(), x: z.number().optional() };
const delShape = { o: z.literal('del'), k: z.string() };
const pushShape = { o: z.literal('push'), k: z.string(), v: z.string(), m: z.number() };
const zaddShape = { o: z.literal('zadd'), k: z.string(), m: z.string(), n: z.number() };
const zremShape = { o: z.literal('zrem'), k: z.string(), m: z.string() };
const change = z.discriminatedUnion('o', [z.object(setShape), z.object(delShape), z.object(pushShape), z.object(zaddShape), z.object(zremShape)]);
const entrySchema = z.discriminatedUnion('o', [
  z.object({ ...setShape, s: seq }), z.object({ ...delShape, s: seq }), z.object({ ...pushShape, s: seq }),
  z.object({ ...zaddShape, s: seq }), z.object({ ...zremShape, s: seq }),
  z.object({ o: z.literal('tx'), t: z.array(change), s: seq }),
  z.object({ o: z.literal('nop'), pad: z.string().optional(), s: seq }),
  z.object({ o: z.literal('base'), s: seq }),
]);

const stateSchema = z.object({
  kv: z.array(z.tuple([z.string(), z.string(), z.number().nullable()])),
  lists: z.array(z.tuple([z.string(), z.array(z.string())])),
  indexes: z.array(z.tuple([z.string(), z.array(z.tuple([z.string(), z.number()]))])).optional(),
});
const headerSchema = z.object({ format: z.literal('packbot-snapshot'), version: z.literal(2), seq, bytes: z.number().int(), sha256: z.string() });

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function encodeEntry(entry: Entry): string {
  const json = JSON.stringify(entry);
  return `${hex8(crc32(json))} ${json}\n`;
}

export type Decoded = { ok: true; entry: Entry; format: 1 | 2 } | { ok: false; problem: string };

/** One complete line (without its newline). */
export function decodeEntry(line: string): Decoded {
  const checked = /^([0-9a-f]{8}) /.exec(line);
  const json = checked ? line.slice(9) : line;
  if (checked && hex8(crc32(json)) !== checked[1]) return { ok: false, problem: 'fails its checksum (changed or damaged)' };
  if (!checked && !line.startsWith('{')) return { ok: false, problem: `is not a journal entry (${JSON.stringify(line.slice(0, 40))})` };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, problem: 'is not valid JSON (changed or damaged)' };
  }
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: `is not a journal entry (${JSON.stringify(json.slice(0, 40))})` };
  return { ok: true, entry: parsed.data as Entry, format: checked ? 2 : 1 };
}

export function encodeSnapshot(at: number, state: SnapshotState): string {
  const body = JSON.stringify(state);
  const header = { format: 'packbot-snapshot', version: 2, seq: at, bytes: Buffer.byteLength(body), sha256: sha256(body) };
  return `${JSON.stringify(header)}\n${body}\n`;
}

export type DecodedSnapshot = { ok: true; seq: number; state: SnapshotState } | { ok: false; problem: string };

export function decodeSnapshot(text: string): DecodedSnapshot {
  if (text.startsWith('{"format":"packbot-snapshot"')) {
    const nl = text.indexOf('\n');
    let header: z.infer<typeof headerSchema>;
    try {
      header = headerSchema.parse(JSON.parse(text.slice(0, nl < 0 ? undefined : nl)));
    } catch {
      return { ok: false, problem: 'has a damaged header' };
    }
    const body = nl < 0 ? '' : text.slice(nl + 1).replace(/\n$/, '');
    if (Buffer.byteLength(body) !== header.bytes) return { ok: false, problem: `is cut short or extended (${Buffer.byteLength(body)} bytes, ${header.bytes} written)` };
    if (sha256(body) !== header.sha256) return { ok: false, problem: 'fails its checksum (changed or damaged)' };
    const state = stateSchema.safeParse(JSON.parse(body));
    return state.success ? { ok: true, seq: header.seq, state: state.data } : { ok: false, problem: 'does not hold a state' };
  }
  // Format 1: no checksum, so only its shape can be checked.
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'is not valid JSON (cut short or damaged)' };
  }
  const parsed = stateSchema.extend({ seq }).safeParse(raw);
  if (!parsed.success) return { ok: false, problem: 'does not hold a state' };
  const { seq: at, ...state } = parsed.data;
  return { ok: true, seq: at, state };
}
