import { describe, expect, it } from 'vitest';
import { compareReleasesNewestFirst, isPackName, isReleaseName, releaseName, releaseTime } from '../../src/domain/packstore/names.js';

describe('pack store names', () => {
  it('accepts only st2-style pack names', () => {
    expect(['demo', 'st2_contrib', 'a1'].every(isPackName)).toBe(true);
    expect(['', 'Demo', 'a-b', '../a', 'a/b', '.releases', 'a b', 'a'.repeat(201)].some(isPackName)).toBe(false);
  });

  it('accepts release names that cannot leave their directory', () => {
    expect(isReleaseName('1.0.0-abcdef0-20240102T030405678Z')).toBe(true);
    expect(isReleaseName('2.0.0-rc.1+build-abcdef0-20240102T030405678Z')).toBe(true);
    for (const bad of ['', '.', '..', '../x', 'a/b', 'a\\b', '.tmp-build-x', '1..2', '/etc', 'a\0b', ' x']) {
      expect(isReleaseName(bad), bad).toBe(false);
    }
  });

  it('names a release <version>-<shortsha>-<UTC stamp> and reads the stamp back', () => {
    const at = new Date(Date.UTC(2024, 11, 31, 23, 59, 58, 7));
    const name = releaseName('1.2.3', 'ABCDEF0123456789abcdef0123456789abcdef01', at);
    expect(name).toBe('1.2.3-abcdef0-20241231T235958007Z');
    expect(releaseTime(name)).toBe(at.getTime());
    expect(releaseTime('handmade')).toBeNull();
  });

  it('orders newest first, names without a stamp last', () => {
    const names = ['1.0.0-aaaaaaa-20240101T000000000Z', 'handmade', '0.9.0-bbbbbbb-20240301T000000000Z'];
    expect([...names].sort(compareReleasesNewestFirst)).toEqual([names[2], names[0], 'handmade']);
  });
});
