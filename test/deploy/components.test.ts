import { describe, expect, it } from 'vitest';
import { blobId, compareComponents, envRebuild, tracked } from '../../src/services/deploy/components.js';

const files = (o: Record<string, string>) => new Map(Object.entries(o));

describe('comparing components by content id (the plan and the announcement alike)', () => {
  it('gives a file the id git gives its blob, so the mirror and a release on disk agree', () => {
    expect(blobId(Buffer.from(''))).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    expect(blobId(Buffer.from('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(blobId(Buffer.from('hello\n'), 'sha256')).toHaveLength(64);
  });

  it('takes a component as its metadata file and the same-stem files beside it', () => {
    const before = files({ 'actions/a.yaml': '1', 'actions/a.py': '2', 'actions/b.yaml': '3', 'actions/lib/x.py': '4', 'rules/r.yml': '5', 'actions/dotted.name.yaml': '6' });
    const after = files({ 'actions/a.yaml': '1', 'actions/a.py': 'changed', 'actions/c.json': '7', 'actions/lib/x.py': 'ignored', 'rules/r.yml': '5', 'actions/dotted.name.yaml': '8', 'aliases/al.yaml': '9' });
    expect(compareComponents(before, after)).toEqual({
      added: { actions: ['c'], rules: [], sensors: [], aliases: ['al'] },
      removed: { actions: ['b'], rules: [], sensors: [], aliases: [] },
      changed: { actions: ['a', 'dotted.name'], rules: [], sensors: [], aliases: [] },
    });
    expect(compareComponents(null, files({ 'sensors/s.yaml': '1', 'sensors/s.py': '2' })).added.sensors).toEqual(['s']);
  });

  it('rebuilds an environment when its files differ, and a new pack builds the ones it has files for', () => {
    expect(envRebuild(files({ 'requirements.txt': '1' }), files({ 'requirements.txt': '2', 'package.json': '3' }))).toEqual({ python: true, node: true });
    expect(envRebuild(files({ 'package-lock.json': '1' }), files({ 'package-lock.json': '1' }))).toEqual({ python: false, node: false });
    expect(envRebuild(null, files({ 'requirements.txt': '1' }))).toEqual({ python: true, node: false });
    expect(['requirements.txt', 'actions/a.py', 'actions/lib/a.py', 'policies/p.yaml', 'README.md'].map(tracked)).toEqual([true, true, false, false, false]);
  });
});
