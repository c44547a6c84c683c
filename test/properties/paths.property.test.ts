import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePath, validateRef } from '../../src/domain/git/validate.js';
import { isInside } from '../../src/domain/packs/walk.js';
import { assertPackName, isPackName, isReleaseName } from '../../src/domain/packstore/names.js';
import { isPackbotError } from '../../src/core/errors.js';

const ROOT = '/srv/packbot/checkout';

function accepts(check: (v: string) => unknown, value: string): boolean {
  try {
    check(value);
    return true;
  } catch (err) {
    expect(isPackbotError(err)).toBe(true);
    return false;
  }
}

/** Independent of the code under test: does `rel`, resolved segment by segment from a root, ever leave it? */
function escapes(rel: string): boolean {
  if (rel.startsWith('/')) return true;
  let depth = 0;
  for (const segment of rel.split('/')) {
    if (segment === '..') depth -= 1;
    else if (segment !== '' && segment !== '.') depth += 1;
    if (depth < 0) return true;
  }
  return false;
}

// Pieces hostile paths are made of: traversal, absolute roots, NUL, backslashes, drive letters,
// encoded dots, option-looking dashes, whitespace, unicode look-alikes.
const hostilePiece = fc.constantFrom('..', '../', '/..', '/', '//', '\\', '..\\', '\0', 'C:', 'C:\\', '%2e%2e', '.', './', '-', '--', ' ', '\t', '\n', '~', '*', '?', ':', '\u2024\u2024', '\uff0e\uff0e', '.git', '.lock');
const namePiece = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
const pathArb = fc.array(fc.oneof(hostilePiece, namePiece, fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 12 }).map((p) => p.join(''));

describe('property: paths and names from users and repositories', () => {
  it('validatePath accepts only relative paths that stay under the root', () => {
    fc.assert(
      fc.property(pathArb, (p) => {
        if (!accepts(validatePath, p)) return;
        expect(escapes(p)).toBe(false);
        expect(p.startsWith('/')).toBe(false);
        expect(p).not.toMatch(/[\0\\\s:]/);
        expect(p.split('/')).not.toContain('..');
        expect(p.startsWith('-')).toBe(false);
        expect(isInside(ROOT, path.resolve(ROOT, p))).toBe(true);
        expect(path.posix.normalize(p)).toBe(p === '' ? '.' : p);
      }),
      { numRuns: 500 },
    );
  });

  it('every path made hostile is rejected, wherever the hostile piece sits', () => {
    const hostile = fc.constantFrom('..', '\0', '\\', '/abs', 'C:\\x', ' ', '-opt', '.hidden', 'a//b', 'x:y', '..\\..', '%00');
    fc.assert(
      fc.property(fc.array(namePiece, { maxLength: 4 }), hostile, fc.nat(), (parts, bad, at) => {
        // A leading dash reads as an option; later in the path it is only a character.
        const i = bad === '-opt' ? 0 : at % (parts.length + 1);
        const segments = [...parts.slice(0, i), bad, ...parts.slice(i)];
        const p = bad === '/abs' && i === 0 ? `/${segments.join('/').slice(1)}` : segments.join('/');
        expect(accepts(validatePath, p)).toBe(false);
        expect(accepts(validateRef, p)).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('validateRef never accepts what git could read as an option, a revision expression or a traversal', () => {
    fc.assert(
      fc.property(pathArb, (r) => {
        if (!accepts(validateRef, r)) return;
        expect(r).toMatch(/^[A-Za-z0-9._/-]+$/);
        expect(r.startsWith('-')).toBe(false);
        expect(r).not.toContain('..');
        expect(r.endsWith('.lock')).toBe(false);
        expect(escapes(r)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('pack and release names are single safe path segments', () => {
    fc.assert(
      fc.property(pathArb, (name) => {
        if (isPackName(name)) {
          expect(() => assertPackName(name)).not.toThrow();
          expect(path.dirname(path.join(ROOT, name))).toBe(ROOT);
          expect(path.basename(path.join(ROOT, name))).toBe(name);
        } else {
          expect(() => assertPackName(name)).toThrow();
        }
        if (isReleaseName(name)) {
          expect(name).not.toMatch(/[/\\\0]/);
          expect(name.startsWith('.')).toBe(false);
          expect(path.dirname(path.join(ROOT, name))).toBe(ROOT);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('isInside (the walk\'s check) agrees with a segment-by-segment resolution', () => {
    const seg = fc.constantFrom('..', '.', 'a', 'b', '', '...', '..a', 'a..');
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 10 }), (segments) => {
        const rel = segments.join('/');
        expect(isInside(ROOT, path.resolve(ROOT, rel))).toBe(!escapes(rel));
      }),
      { numRuns: 400 },
    );
  });
});
