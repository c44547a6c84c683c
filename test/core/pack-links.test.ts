import { describe, expect, it } from 'vitest';
import { checkLinks, MAX_HOPS, targetProblem, type PackNode } from '../../src/core/fs/pack-links.js';

const file: PackNode = { kind: 'file' };
const dir: PackNode = { kind: 'dir' };
const link = (target: string): PackNode => ({ kind: 'link', target });

function check(entries: Record<string, PackNode>) {
  const { kept, refused } = checkLinks(new Map(Object.entries(entries)));
  return {
    kept: Object.fromEntries(kept.map((l) => [l.path, `${l.kind}:${l.real}`])),
    refused: Object.fromEntries(refused.map((r) => [r.path, r.reason])),
  };
}

describe('checkLinks', () => {
  it('keeps relative links to files and directories inside the pack, following chains and directory links', () => {
    expect(
      check({
        actions: dir,
        'actions/lib': dir,
        'actions/lib/x.py': file,
        sensors: dir,
        'sensors/lib': dir,
        'sensors/lib/x.py': link('../../actions/lib/x.py'),
        'sensors/shared': link('../actions/lib'),
        'sensors/via-dir.py': link('shared/x.py'),
        'sensors/chain.py': link('./lib/x.py'),
        'sensors/slash': link('../actions/lib/'),
      }),
    ).toEqual({
      kept: {
        'sensors/lib/x.py': 'file:actions/lib/x.py',
        'sensors/shared': 'dir:actions/lib',
        'sensors/via-dir.py': 'file:actions/lib/x.py',
        'sensors/chain.py': 'file:actions/lib/x.py',
        'sensors/slash': 'dir:actions/lib',
      },
      refused: {},
    });
  });

  it('follows ".." from where a directory link points, as the kernel does, not from where it sits', () => {
    // x/y/l is "a"; "a/.." is the root, and one more ".." leaves, though the text looks inside.
    const got = check({ a: dir, 'a/f': file, x: dir, 'x/y': dir, 'x/y/l': link('../../a'), out: link('x/y/l/../../a/f'), in: link('x/y/l/../a/f') });
    expect(got.kept).toEqual({ 'x/y/l': 'dir:a', in: 'file:a/f' });
    expect(got.refused).toEqual({ out: 'it points outside the pack through "x/y/l" (-> "../../a")' });
  });

  it('refuses absolute, escaping, dangling, special and file-as-directory targets', () => {
    expect(
      check({
        f: file,
        p: { kind: 'special', what: 'a FIFO (named pipe)' },
        abs: link('/etc/passwd'),
        up: link('../etc/passwd'),
        gone: link('nothing'),
        'to-p': link('p'),
        'f-dir': link('f/x'),
        'f-slash': link('f/'),
        'via-abs': link('abs'),
      }).refused,
    ).toEqual({
      abs: 'its target is an absolute path',
      up: 'it points outside the pack',
      gone: 'it points to "nothing", which does not exist in the pack',
      'to-p': 'it points to "p", which is a FIFO (named pipe)',
      'f-dir': 'it uses "f" as a directory, but it is a file',
      'f-slash': 'it uses "f" as a directory, but it is a file',
      'via-abs': 'it goes through "abs" (-> "/etc/passwd"), and that link\'s target is an absolute path',
    });
  });

  it('refuses loops of links, and allows a chain of exactly MAX_HOPS', () => {
    const chain: Record<string, PackNode> = { end: file };
    for (let i = 0; i < MAX_HOPS; i++) chain[`l${i}`] = link(i === MAX_HOPS - 1 ? 'end' : `l${i + 1}`);
    const got = check(chain);
    expect(got.kept['l0']).toBe('file:end');
    expect(Object.keys(got.refused)).toEqual([]);
    // One more link in front is one too many.
    expect(check({ ...chain, before: link('l0') }).refused['before']).toMatch(/loop of links/);
    chain['end'] = link('l0');
    expect(check(chain).refused['l0']).toMatch(/loop of links/);
    expect(check({ self: link('self') }).refused).toEqual({ self: `it is a loop of links (more than ${MAX_HOPS} followed)` });
  });

  it('refuses directory links whose following never ends', () => {
    expect(check({ a: dir, 'a/up': link('..'), 'a/self': link('.') }).refused).toEqual({
      'a/up': 'it points to the pack root, a directory that holds the link itself (a loop)',
      'a/self': 'it points to "a", a directory that holds the link itself (a loop)',
    });
    // a → b → a through two links, and c pointing into that loop.
    expect(Object.keys(check({ a: dir, b: dir, 'a/to-b': link('../b'), 'b/to-a': link('../a'), c: link('a') }).refused).sort()).toEqual(['a/to-b', 'b/to-a', 'c']);
    // Two links to the same directory are no loop.
    expect(check({ a: dir, 'a/f': file, b: dir, 'b/one': link('../a'), 'b/two': link('../a') }).refused).toEqual({});
  });
});

describe('targetProblem', () => {
  it('names what is wrong with a target on its own', () => {
    expect(targetProblem('')).toBe('its target is empty');
    expect(targetProblem('a\nb')).toBe('its target has control characters');
    expect(targetProblem('C:/x')).toBe('its target is an absolute path');
    expect(targetProblem('..\\x')).toMatch(/backslash/);
    expect(targetProblem('x'.repeat(5000))).toMatch(/longer than 4095/);
    expect(targetProblem('../lib/x.py')).toBeUndefined();
  });
});
