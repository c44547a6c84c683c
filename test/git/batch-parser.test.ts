import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BatchParser, BatchProtocolError, type BatchReply } from '../../src/domain/git/batch-parser.js';
import { headerId, ObjectFormatError, parseTree } from '../../src/domain/git/tree-object.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

function object(oid: string, type: string, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${oid} ${type} ${content.length}\n`), content, Buffer.from('\n')]);
}

/** Feeds `bytes` in pieces of `size` and collects every reply. */
function feed(bytes: Buffer, size: number): BatchReply[] {
  const parser = new BatchParser();
  const replies: BatchReply[] = [];
  for (let i = 0; i < bytes.length; i += size) replies.push(...parser.push(bytes.subarray(i, i + size)));
  return replies;
}

describe('the cat-file --batch parser', () => {
  // Contents that look like headers, hold NULs and end in newlines: only the size says where they stop.
  const tricky = Buffer.from(`x\0y\n${B} blob 3\nzz\n\n\0`, 'latin1');
  const binary = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
  const stream = Buffer.concat([
    object(A, 'blob', tricky),
    Buffer.from(`${C} missing\n`),
    object(B, 'blob', Buffer.alloc(0)),
    object(C, 'tree', binary),
  ]);

  it.each([1, 2, 7, 64, stream.length])('answers in order, byte for byte, however the output is cut (pieces of %i)', (size) => {
    const replies = feed(stream, size);
    expect(replies.map((r) => [r.oid, r.missing ? 'missing' : r.type])).toEqual([[A, 'blob'], [C, 'missing'], [B, 'blob'], [C, 'tree']]);
    const contents = replies.map((r) => (r.missing ? null : r.content));
    expect(contents[0]?.equals(tricky)).toBe(true);
    expect(contents[2]?.length).toBe(0);
    expect(contents[3]?.equals(binary)).toBe(true);
  });

  it('waits for the rest of an object before answering', () => {
    const parser = new BatchParser();
    const bytes = object(A, 'blob', Buffer.from('hello\n'));
    expect(parser.push(bytes.subarray(0, bytes.length - 1))).toEqual([]);
    expect(parser.push(bytes.subarray(bytes.length - 1))).toHaveLength(1);
  });

  it('refuses output that is not cat-file speaking', () => {
    expect(() => new BatchParser().push(Buffer.from('fatal: something\n'))).toThrow(BatchProtocolError);
    expect(() => new BatchParser().push(Buffer.from(`${A} blob 2\nabc\n`))).toThrow(/does not end where its size says/);
    expect(() => new BatchParser().push(Buffer.alloc(500, 0x61))).toThrow(/overlong header/);
  });
});

describe('raw tree objects', () => {
  const sha1 = (s: string) => createHash('sha1').update(s).digest();

  it('reads modes, names (NUL-free, any other byte) and binary ids, as ls-tree shows them', () => {
    const content = Buffer.concat([
      Buffer.from('100644 pack.yaml\0'), sha1('1'),
      Buffer.from('100755 run me.sh\0'), sha1('2'),
      Buffer.from('40000 actions\0'), sha1('3'),
      Buffer.from('120000 link\0'), sha1('4'),
      Buffer.from('160000 vendor\0'), sha1('5'),
      Buffer.from('100644 caf\u00e9\n\u0001\0', 'utf8'), sha1('6'),
    ]);
    const entries = parseTree(content, 20);
    expect(entries.map((e) => [e.mode, e.type, e.name])).toEqual([
      ['100644', 'blob', 'pack.yaml'],
      ['100755', 'blob', 'run me.sh'],
      ['040000', 'tree', 'actions'],
      ['120000', 'blob', 'link'],
      ['160000', 'commit', 'vendor'],
      ['100644', 'blob', 'caf\u00e9\n\u0001'],
    ]);
    expect(entries[2]?.oid).toBe(sha1('3').toString('hex'));
  });

  it('reads sha256 ids when told they are 32 bytes', () => {
    const id = createHash('sha256').update('x').digest();
    expect(parseTree(Buffer.concat([Buffer.from('100644 f\0'), id]), 32)).toEqual([{ mode: '100644', type: 'blob', name: 'f', oid: id.toString('hex') }]);
  });

  it('refuses a truncated or garbled tree', () => {
    expect(() => parseTree(Buffer.concat([Buffer.from('100644 f\0'), Buffer.alloc(10)]), 20)).toThrow(ObjectFormatError);
    expect(() => parseTree(Buffer.from('100644 f'), 20)).toThrow(ObjectFormatError);
    expect(() => parseTree(Buffer.concat([Buffer.from('10x644 f\0'), Buffer.alloc(20)]), 20)).toThrow(/mode/);
  });

  it('finds the tree of a commit and the object of a tag in their headers only', () => {
    const commit = Buffer.from(`tree ${A}\nparent ${B}\nauthor a <a> 1 +0000\n\nmessage\ntree ${C}\n`);
    expect(headerId(commit, 'tree')).toBe(A);
    expect(headerId(Buffer.from(`object ${B}\ntype commit\ntag v1\n\nobject ${C}\n`), 'object')).toBe(B);
    expect(() => headerId(Buffer.from(`parent ${B}\n\ntree ${A}\n`), 'tree')).toThrow(ObjectFormatError);
  });
});
