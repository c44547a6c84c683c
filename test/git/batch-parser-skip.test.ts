/**
 * The cat-file parser skips an object over its request's limit as the bytes stream by (issue
 * 20: a 1.2 GB blob was held whole in memory, then written, before the pack's cap refused it).
 * Whatever the chunking, the replies after a skipped object are the same as without the limit.
 */
import { describe, expect, it } from 'vitest';
import { BatchParser, BatchProtocolError, type BatchReply } from '../../src/domain/git/batch-parser.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

function object(oid: string, type: string, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${oid} ${type} ${content.length}\n`), content, Buffer.from('\n')]);
}

/** Feeds `bytes` in pieces of `size`, the k-th reply of a push limited by `limits` in order overall. */
function feed(bytes: Buffer, size: number, limits: number[]): BatchReply[] {
  const parser = new BatchParser();
  const replies: BatchReply[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    const before = replies.length;
    replies.push(...parser.push(bytes.subarray(i, i + size), (k) => limits[before + k] ?? Infinity));
  }
  return replies;
}

describe('the cat-file parser with a size limit per reply', () => {
  // A big object whose bytes look like headers and newlines: only the size says where it ends.
  const big = Buffer.from(`${B} blob 3\nzz\n`.repeat(500), 'latin1');
  const small = Buffer.from('hello\n');
  const stream = Buffer.concat([object(A, 'blob', small), object(B, 'blob', big), Buffer.from(`${C} missing\n`), object(C, 'blob', small)]);

  it.each([1, 2, 7, 64, 4096, stream.length])('skips the object over its limit, in chunks of %i bytes', (size) => {
    const replies = feed(stream, size, [100, 100, 100, 100]);
    expect(replies).toEqual([
      { oid: A, missing: false, type: 'blob', content: small },
      { oid: B, missing: false, type: 'blob', content: null, size: big.length },
      { oid: C, missing: true },
      { oid: C, missing: false, type: 'blob', content: small },
    ]);
  });

  it('keeps an object exactly at its limit', () => {
    expect(feed(object(A, 'blob', small), 3, [small.length])).toEqual([{ oid: A, missing: false, type: 'blob', content: small }]);
  });

  it('refuses a skipped object that does not end where its size says', () => {
    const broken = Buffer.concat([Buffer.from(`${A} blob 4\n`), Buffer.from('abcdX')]);
    expect(() => feed(broken, 2, [1])).toThrow(BatchProtocolError);
  });
});
