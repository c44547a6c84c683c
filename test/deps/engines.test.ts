import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// packbot promises to run on the oldest Node its `engines` allows; a dependency that wants a
// newer one may work today and break on its next patch, so the lock file must not hold one.
const root = path.resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean; optional?: boolean; engines?: { node?: string } | string[] }>;
};

function offenders(oldest: string, include: (entry: { dev?: boolean }) => boolean): string[] {
  const out: string[] = [];
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || !include(entry)) continue;
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (range && !semver.satisfies(oldest, range, { includePrerelease: true })) {
      out.push(`${where}@${entry.version ?? '?'} wants node ${range}`);
    }
  }
  return out;
}

describe('dependency engines', () => {
  const oldest = semver.minVersion(manifest.engines.node)?.version ?? '';

  it('every production dependency runs on the oldest Node packbot claims', () => {
    expect(oldest).toMatch(/^20\./);
    expect(offenders(oldest, (e) => e.dev !== true)).toEqual([]);
  });

  it('every dev dependency runs on Node 20.20, the machines the suite runs on', () => {
    expect(offenders('20.20.0', (e) => e.dev === true)).toEqual([]);
  });
});
