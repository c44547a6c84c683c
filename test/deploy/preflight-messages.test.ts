import { describe, expect, it } from 'vitest';
import { unknownPacks, unknownRef } from '../../src/services/deploy/preflight.js';

const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);

describe('unknownRef', () => {
  it('names the kind of ref from what is close, and lists short lists whole', () => {
    expect(unknownRef('featre-x', 'demo', ['main', 'feature-x'], [])).toBe('There is no branch `featre-x` in demo. Did you mean `feature-x`? Branches: `main`, `feature-x`.');
    expect(unknownRef('v1.2.O', 'demo', ['main'], ['v1.2.0'])).toBe('There is no tag `v1.2.O` in demo. Did you mean `v1.2.0`? Branches: `main`. Tags: `v1.2.0`.');
    expect(unknownRef('nothing', 'demo', ['main'], ['v1'])).toBe('There is no branch or tag `nothing` in demo. Branches: `main`. Tags: `v1`.');
    expect(unknownRef('abc1234', 'demo', ['main'], [])).toBe('There is no branch, tag or commit `abc1234` in demo. Branches: `main`.');
    expect(unknownRef('main', 'empty', [], [])).toBe('There is no branch `main` in empty. The repository has no branches or tags.');
  });

  it('leaves a long list out when something close was found, and shortens it otherwise', () => {
    const branches = ['feature-x', ...many('topic-', 20)];
    expect(unknownRef('featre-x', 'demo', branches, [])).toBe('There is no branch `featre-x` in demo. Did you mean `feature-x`?');
    expect(unknownRef('nothing-like', 'demo', branches, [])).toMatch(/^There is no branch `nothing-like` in demo\. Branches: `feature-x`, `topic-00`, .*`topic-08` and 11 more\.$/);
  });
});

describe('unknownPacks', () => {
  it('suggests per pack, naming every unknown pack in one message', () => {
    expect(unknownPacks(['dokcer'], ['alpha', 'docker'], 'demo', 'main')).toBe('No pack `dokcer` in demo at main: did you mean `docker`? Packs there: `alpha`, `docker`.');
    expect(unknownPacks(['zzz'], ['alpha'], 'demo', 'main')).toBe('No pack `zzz` in demo at main. Packs there: `alpha`.');
    expect(unknownPacks(['dokcer', 'zzz'], ['alpha', 'docker'], 'demo', 'dev')).toBe('No packs `dokcer` (did you mean `docker`?), `zzz` in demo at dev. Packs there: `alpha`, `docker`.');
  });

  it('lists many packs only when nothing close was found', () => {
    const dirs = ['docker', ...many('pack', 15)];
    expect(unknownPacks(['dokcer'], dirs, 'demo', 'main')).toBe('No pack `dokcer` in demo at main: did you mean `docker`?');
    expect(unknownPacks(['zzz'], dirs, 'demo', 'main')).toMatch(/^No pack `zzz` in demo at main\. Packs there: `docker`, .* and 6 more\.$/);
  });
});
