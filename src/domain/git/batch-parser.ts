/**
 * The output of `git cat-file --batch`, as bytes: `<oid> SP <type> SP <size> LF <contents> LF`
 * per object, or `<name> SP missing LF`. Contents are binary (NULs, newlines, anything), so
 * only the size says where they end; nothing is decoded but the header lines.
 */
export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';

export type BatchReply =
  | { oid: string; missing: true }
  | { oid: string; missing: false; type: ObjectType; content: Buffer }
  /** Bigger than the request's limit: its bytes were counted past, never kept. */
  | { oid: string; missing: false; type: ObjectType; content: null; size: number };

/** The most bytes the `index`-th reply completed by this push may keep (Infinity: no limit). */
export type ReplyLimit = (index: number) => number;

const FOUND = /^([0-9a-f]{40}|[0-9a-f]{64}) (blob|tree|commit|tag) (\d+)$/;
const MISSING = /^(\S+) missing$/;
// A header is a hex id, a type and a size: anything longer is not cat-file talking.
const MAX_HEADER = 200;

export class BatchProtocolError extends Error {}

export class BatchParser {
  private chunks: Buffer[] = [];
  private length = 0;
  private header: { oid: string; type: ObjectType; size: number; skip: boolean } | null = null;
  /** Bytes of a skipped object still to come, its LF included. */
  private skipping = 0;

  /**
   * Takes what the process wrote; returns the replies it completes, in order. An object over
   * `limit` (its header says its size before its bytes) is skipped as it streams: a 1 GB blob
   * nobody will write is never held in memory.
   */
  push(chunk: Buffer, limit: ReplyLimit = () => Infinity): BatchReply[] {
    this.chunks.push(chunk);
    this.length += chunk.length;
    const replies: BatchReply[] = [];
    for (;;) {
      if (this.header?.skip) {
        if (!this.skipPast(replies)) break;
        continue;
      }
      if (this.header === null) {
        const all = this.joined();
        const end = all.indexOf(0x0a);
        if (end < 0) {
          if (all.length > MAX_HEADER) throw new BatchProtocolError('an overlong header line');
          break;
        }
        const line = all.subarray(0, end).toString('latin1');
        this.take(all, end + 1);
        const missing = MISSING.exec(line);
        if (missing) {
          replies.push({ oid: missing[1] ?? '', missing: true });
          continue;
        }
        const found = FOUND.exec(line);
        if (!found) throw new BatchProtocolError(`an unexpected header ${JSON.stringify(line.slice(0, 80))}`);
        const size = Number(found[3]);
        const skip = size > limit(replies.length);
        this.header = { oid: found[1] ?? '', type: found[2] as ObjectType, size, skip };
        if (skip) this.skipping = size + 1;
        continue;
      }
      // Until the whole object (and its LF) is here, chunks are only counted, never joined.
      const { oid, type, size } = this.header;
      if (this.length < size + 1) break;
      const all = this.joined();
      if (all[size] !== 0x0a) throw new BatchProtocolError(`object ${oid} does not end where its size says`);
      const content = Buffer.from(all.subarray(0, size));
      this.take(all, size + 1);
      this.header = null;
      replies.push({ oid, missing: false, type, content });
    }
    return replies;
  }

  /** Drops what is here of a skipped object; true (and its reply pushed) once all of it went by. */
  private skipPast(replies: BatchReply[]): boolean {
    const header = this.header;
    if (header === null || this.length === 0) return false;
    const all = this.joined();
    const n = Math.min(this.skipping, all.length);
    this.skipping -= n;
    if (this.skipping > 0) {
      this.take(all, n);
      return false;
    }
    if (all[n - 1] !== 0x0a) throw new BatchProtocolError(`object ${header.oid} does not end where its size says`);
    this.take(all, n);
    this.header = null;
    replies.push({ oid: header.oid, missing: false, type: header.type, content: null, size: header.size });
    return true;
  }

  private joined(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private take(all: Buffer, n: number): void {
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
  }
}
