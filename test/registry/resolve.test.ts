import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIndex } from '../../src/domain/registry/index-format.js';
import { assertResolution, resolveInstall, type Resolution } from '../../src/domain/registry/resolve.js';
import { loadIndexes, type LoadedIndex } from '../../src/domain/registry/sources.js';
import { startIndexServer, type IndexServer } from './server.js';

let server: IndexServer;
let indexes: LoadedIndex[];

beforeAll(async () => {
  server = await startIndexServer();
  const loaded = await loadIndexes(
    [
      { name: 'exchange', url: `${server.url}/exchange/v1/index.json` },
      { name: 'internal', url: `${server.url}/attune/index.json`, fail_closed: true },
    ],
    { timeoutMs: 2_000, maxBytes: 1_000_000 },
  );
  indexes = loaded.indexes;
});
afterAll(async () => {
  await server.close();
});

const NONE = new Map<string, string>();
const resolve = (requests: string[], installed: ReadonlyMap<string, string> = NONE, maxDepth?: number): Resolution =>
  resolveInstall({ requests, installed, indexes, ...(maxDepth === undefined ? {} : { maxDepth }) });
const planOf = (r: Resolution) => r.plan.map((p) => `${p.name}@${p.version} (${p.reason})`);

/** An in-memory Exchange-format index, for graphs the fixture doesn't have. */
function memoryIndex(packs: Record<string, string[]>, label = '"mem"'): LoadedIndex {
  const raw = Object.fromEntries(Object.entries(packs).map(([name, deps]) => [name, { repo_url: `https://e.example/${name}`, version: '1.0.0', dependencies: deps }]));
  const parsed = parseIndex({ packs: raw });
  return { label, priority: 1, location: 'memory', format: 'exchange', packs: parsed.packs, warnings: [] };
}

describe('resolveInstall', () => {
  it('plans a single pack at its highest release', () => {
    const r = resolve(['aws']);
    expect(r).toMatchObject({ conflicts: [], problems: [], alreadyInstalled: [] });
    expect(r.plan).toEqual([
      {
        name: 'aws',
        version: '1.10.0',
        source: { version: '1.10.0', repo_url: 'https://github.com/StackStorm-Exchange/stackstorm-aws', git_ref: 'v1.10.0', dependencies: [] },
        index: { label: '"exchange"', priority: 1 },
        reason: 'requested',
      },
    ]);
  });

  it('resolves a diamond to one version satisfying both sides, dependencies first', () => {
    // app → lib_b → lib_d@^1;  app → lib_c → lib_d=^1.2 (and core, a system pack).
    const r = resolve(['app']);
    expect(r.conflicts).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(planOf(r)).toEqual(['lib_d@1.10.0 (dependency of lib_b, lib_c)', 'lib_b@1.0.0 (dependency of app)', 'lib_c@2.0.0 (dependency of app)', 'app@1.0.0 (requested)']);
  });

  it('reports incompatible ranges as a conflict naming both paths, and plans nothing usable', () => {
    const r = resolve(['clash']);
    expect(r.conflicts).toEqual([
      'conflict over lib_d: clash → left needs lib_d 1.x, but clash → right needs lib_d 2.x; no version of lib_d in the index "exchange" (priority 1) satisfies both',
    ]);
    expect(r.plan.map((p) => p.name)).not.toContain('lib_d');
    expect(() => assertResolution(r)).toThrow(expect.objectContaining({ code: 'pack_dependencies', message: 'nothing was installed: 1 dependency problem', details: r.conflicts }));
    expect(() => assertResolution(resolve(['app']))).not.toThrow();
  });

  it('reports a conflict between a request and a dependency', () => {
    const r = resolve(['lib_d=2.0.0', 'lib_b']);
    expect(r.conflicts).toEqual(['conflict over lib_d: the request "lib_d=2.0.0", but lib_b needs lib_d ^1; no version of lib_d in the index "exchange" (priority 1) satisfies both']);
  });

  it('reports a cycle as a problem', () => {
    const r = resolve(['ping']);
    expect(r.problems).toEqual(['dependency cycle: ping → pong → ping; a pack cannot be installed before itself']);
    expect(r.conflicts).toEqual([]);
  });

  it('reports a self-dependency as a cycle', () => {
    const r = resolveInstall({ requests: ['solo'], installed: NONE, indexes: [memoryIndex({ solo: ['solo'] })] });
    expect(r.problems).toEqual(['dependency cycle: solo → solo; a pack cannot be installed before itself']);
  });

  it('enforces the depth limit, naming the chain', () => {
    expect(resolve(['chain_a'], NONE, 4).problems).toEqual([]);
    expect(planOf(resolve(['chain_a'], NONE, 4)).map((p) => p.split('@')[0])).toEqual(['chain_e', 'chain_d', 'chain_c', 'chain_b', 'chain_a']);
    expect(resolve(['chain_a'], NONE, 3).problems).toEqual(['chain_a → chain_b → chain_c → chain_d → chain_e is deeper than the dependency depth limit (3)']);
  });

  it('defaults the depth limit to 10, like st2', () => {
    const packs: Record<string, string[]> = {};
    for (let i = 0; i < 12; i++) packs[`p${i}`] = i < 11 ? [`p${i + 1}`] : [];
    const r = resolveInstall({ requests: ['p0'], installed: NONE, indexes: [memoryIndex(packs)] });
    expect(r.problems).toEqual(['p0 → p1 → p2 → p3 → p4 → p5 → p6 → p7 → p8 → p9 → p10 → p11 is deeper than the dependency depth limit (10)']);
  });

  it('does not reinstall a dependency that is installed at a satisfying version', () => {
    const r = resolve(['app'], new Map([['lib_d', '1.3.0']]));
    expect(r.conflicts).toEqual([]);
    expect(r.alreadyInstalled).toEqual([{ name: 'lib_d', version: '1.3.0', reason: 'dependency of lib_b, lib_c' }]);
    expect(r.plan.map((p) => p.name)).toEqual(['lib_b', 'lib_c', 'app']);
  });

  it('reports an installed dependency that no longer fits as a conflict, unless the request upgrades it', () => {
    const installed = new Map([['lib_d', '1.1.0']]);
    expect(resolve(['app'], installed).conflicts).toEqual(['lib_d 1.1.0 is installed, but app → lib_c needs lib_d ^1.2 — request lib_d too to upgrade it']);
    const upgraded = resolve(['app', 'lib_d'], installed);
    expect(upgraded.conflicts).toEqual([]);
    expect(upgraded.plan.find((p) => p.name === 'lib_d')).toMatchObject({ version: '1.10.0', replaces: '1.1.0', reason: 'requested' });
  });

  it('upgrades a requested pack, keeps it when current, and never downgrades a newer local build', () => {
    expect(resolve(['aws'], new Map([['aws', '1.2.0']])).plan).toMatchObject([{ name: 'aws', version: '1.10.0', replaces: '1.2.0' }]);
    expect(resolve(['aws'], new Map([['aws', '1.10.0']]))).toMatchObject({ plan: [], alreadyInstalled: [{ name: 'aws', version: '1.10.0', reason: 'requested' }] });
    expect(resolve(['aws'], new Map([['aws', '1.11.0']]))).toMatchObject({ plan: [], alreadyInstalled: [{ name: 'aws', version: '1.11.0' }] });
    // An explicit pin is honoured, downgrade included.
    expect(resolve(['aws=1.2.0'], new Map([['aws', '1.10.0']])).plan).toMatchObject([{ name: 'aws', version: '1.2.0', replaces: '1.10.0' }]);
  });

  it('reports a missing version and a missing pack, with who needs them, all at once', () => {
    const r = resolve(['aws=7.0.0', 'slak', 'lib_b=1.0.0', 'aws=banana']);
    expect(r.problems).toEqual([
      'cannot read "aws=banana": "banana" is not a version (packbot pins dependencies by version, not by git ref); write ref, ref=1.2.0 (exact) or ref@^1.2 (a semver range)',
      'no version of aws in the index "exchange" (priority 1) satisfies =7.0.0; available: 2.0.0-rc.1, 1.10.0, 1.9.0, 1.2.0, 1.1.0 (newest 5 of 7)',
      'no index lists a pack named "slak" (searched "exchange", "internal"); did you mean "slack"?',
    ]);
    const deep = resolveInstall({ requests: ['top'], installed: NONE, indexes: [memoryIndex({ top: ['nope', 'lib=2.0.0'], lib: [] })] });
    expect(deep.problems).toEqual([
      'top: no version of lib in the index "mem" (priority 1) satisfies =2.0.0; available: 1.0.0',
      'top needs nope, but no index lists a pack named "nope" (searched "mem")',
    ]);
  });

  it('resolves Attune dependencies ("ref@version") through the same indexes', () => {
    const r = resolve(['slack']);
    expect(r.problems).toEqual([]);
    expect(planOf(r)).toEqual(['chatkit@1.4.0 (dependency of slack)', 'slack@2.1.0 (requested)']);
    expect(r.plan[0]?.index).toEqual({ label: '"internal"', priority: 2 });
    const old = resolve(['slack=2.0.0']);
    expect(old.problems).toEqual(['slack: no version of chatkit in the index "internal" (priority 2) satisfies 1.0.0; available: 1.4.0']);
  });

  it('accepts a URL dependency only when the index lists the pack from that repository', () => {
    expect(resolve(['by_url'])).toMatchObject({ problems: [], conflicts: [] });
    expect(planOf(resolve(['by_url']))).toEqual(['lib_d@1.10.0 (dependency of lib_b)', 'lib_b@1.0.0 (dependency of by_url)', 'by_url@1.0.0 (requested)']);
    expect(resolve(['by_other_url']).problems).toEqual([
      'by_other_url needs lib_b =1.0.0 from https://evil.example.com/x/stackstorm-lib_b.git, but the index "exchange" (priority 1) lists lib_b from https://github.com/StackStorm-Exchange/stackstorm-lib_b; packbot installs dependencies from its indexes only — name the dependency by ref, or publish that repository in an index',
    ]);
  });

  it('refuses a dependency on a git branch with a clear message', () => {
    expect(resolve(['branchy']).problems).toEqual([
      'branchy 1.0.0: cannot read "lib_b=master": "master" is not a version (packbot pins dependencies by version, not by git ref); write ref, ref=1.2.0 (exact) or ref@^1.2 (a semver range)',
    ]);
  });

  it('re-chooses when a later range narrows an earlier choice', () => {
    // wide is reached first and allows 2.x; narrow, one level deeper, insists on 1.x.
    const packs = {
      root: ['wide', 'mid'],
      wide: ['shared@>=1'],
      mid: ['narrow'],
      narrow: ['shared@^1'],
    };
    const parsed = parseIndex({
      packs: {
        ...Object.fromEntries(Object.entries(packs).map(([n, d]) => [n, { repo_url: `https://e.example/${n}`, version: '1.0.0', dependencies: d }])),
        shared: { repo_url: 'https://e.example/shared', versions: ['2.0.0', '1.5.0', '1.10.0'] },
      },
    });
    const index: LoadedIndex = { label: '"mem"', priority: 1, location: 'memory', format: 'exchange', packs: parsed.packs, warnings: [] };
    const r = resolveInstall({ requests: ['root'], installed: NONE, indexes: [index] });
    expect(r).toMatchObject({ conflicts: [], problems: [] });
    expect(r.plan.find((p) => p.name === 'shared')?.version).toBe('1.10.0');
  });
});
