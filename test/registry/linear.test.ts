/**
 * Finding: registry index checks were quadratic in the versions of a pack (50k versions blocked
 * the bot for 17.8 s): each version read scanned every version read before it for duplicates,
 * and every selection sorted the whole list. These check the algorithm, never the clock
 * (bench/registry.ts has the times): selection compares at most once per version, counted
 * through an injected comparator, and both steps still mean exactly what they meant, checked
 * against the old semantics written out plainly here.
 */
import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { parseIndex, type RegistryPack, type RegistryVersion } from '../../src/domain/registry/index-format.js';
import { highestSatisfying } from '../../src/domain/registry/select.js';

/** The old selection: sort newest first (stable), take the first version satisfying every range. */
const oldHighest = (pack: RegistryPack, ranges: string[]): RegistryVersion | undefined =>
  [...pack.versions].sort((a, b) => semver.rcompare(a.version, b.version)).find((v) => ranges.every((r) => semver.satisfies(v.version, r)));

const version = fc.tuple(fc.nat(6), fc.nat(6), fc.nat(6), fc.constantFrom('', '-rc.1', '-beta', '+build.1', '+b2')).map(([a, b, c, tail]) => `${a}.${b}.${c}${tail}`);
const range = fc.constantFrom('*', '^1.0.0', '~2.3.0', '>=3 <5', '1.x', '<2', '=4.4.4', '>=1.0.0-rc.1', 'not a range', '^0.0.1');

describe('highestSatisfying', () => {
  it('compares each version at most once (one pass, not a sort), on 10,000 versions', () => {
    const versions = Array.from({ length: 10_000 }, (_, i) => ({ version: `${i % 97}.${i % 89}.${i}`, dependencies: [] }));
    const pack: RegistryPack = { name: 'big', versions };
    let comparisons = 0;
    const best = highestSatisfying(pack, ['*'], (a, b) => {
      comparisons++;
      return a.compare(b);
    });
    expect(best?.version).toBe(oldHighest(pack, ['*'])?.version);
    expect(comparisons).toBeGreaterThan(0);
    expect(comparisons).toBeLessThan(versions.length);
  });

  it('chooses what the sort-then-find did, for any versions and ranges (build metadata ties: the first listed)', () => {
    fc.assert(
      fc.property(fc.array(version, { maxLength: 40 }), fc.array(range, { minLength: 1, maxLength: 3 }), (list, ranges) => {
        const pack: RegistryPack = { name: 'p', versions: [...new Set(list)].map((v) => ({ version: v, dependencies: [] })) };
        expect(highestSatisfying(pack, ranges)).toBe(oldHighest(pack, ranges));
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseIndex duplicate versions', () => {
  /** The old reading: keep a version unless one with the same text was kept before. */
  const firstOfEach = (list: string[]) => list.filter((v, i) => list.indexOf(v) === i);

  it('keeps the first of each version, in index order, warning once per repeat (Exchange and Attune)', () => {
    fc.assert(
      fc.property(fc.array(version.filter((v) => !v.includes('+')), { maxLength: 60 }), (list) => {
        const kept = firstOfEach(list.map((v) => semver.valid(v) as string));
        const exchange = parseIndex({ packs: { p: { repo_url: 'https://git.example/p', versions: list } } });
        expect(exchange.packs.get('p')?.versions.map((v) => v.version) ?? []).toEqual(kept);
        expect(exchange.warnings.filter((w) => w.includes('listed twice'))).toHaveLength(list.length - kept.length);
        const attune = parseIndex({ packs: list.map((v) => ({ ref: 'p', version: v, install_sources: [{ type: 'git', url: 'https://git.example/p' }] })) });
        expect(attune.packs.get('p')?.versions.map((v) => v.version) ?? []).toEqual(kept);
      }),
      { numRuns: 200 },
    );
  });

  it('reads 50,000 versions of one pack, with repeats, into 50,000 versions', () => {
    const list = Array.from({ length: 50_000 }, (_, i) => `${Math.floor(i / 1000)}.${Math.floor(i / 10) % 100}.${i % 10}`);
    const parsed = parseIndex({ packs: { big: { repo_url: 'https://git.example/big', versions: [...list, ...list.slice(0, 500)] } } });
    expect(parsed.packs.get('big')?.versions).toHaveLength(50_000);
    expect(parsed.warnings).toHaveLength(500);
  });
});
