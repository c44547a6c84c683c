import { describe, expect, it } from 'vitest';
import { AliasTable, type MatchResult } from '../../src/domain/aliases/index.js';
import { alias } from './helpers.js';

/** A compact view of a result: kind, alias names, params. */
function summary(result: MatchResult) {
  if (result.kind === 'match') return { kind: 'match', alias: result.match.alias.name, format: result.match.format, params: result.match.params };
  if (result.kind === 'ambiguous') return { kind: 'ambiguous', aliases: result.candidates.map((c) => c.alias.name) };
  return { kind: 'none', closest: result.closest && { alias: result.closest.alias.name, display: result.closest.display } };
}

describe('specificity between aliases', () => {
  const table = new AliasTable([
    alias('generic', ['pack {{verb}} {{pack}}']),
    alias('info', ['pack info {{pack}}']),
    alias('foo_x', ['pack foo {{x}}']),
    alias('y_bar', ['pack {{y}} bar']),
    alias('status', ['pack status {{pack=""}}']),
    alias('status_all', ['pack status all']),
  ]);

  it.each<[string, ReturnType<typeof summary>]>([
    ['pack info docker', { kind: 'match', alias: 'info', format: 'pack info {{pack}}', params: { pack: 'docker' } }],
    ['pack show docker', { kind: 'match', alias: 'generic', format: 'pack {{verb}} {{pack}}', params: { verb: 'show', pack: 'docker' } }],
    ['pack status all', { kind: 'match', alias: 'status_all', format: 'pack status all', params: {} }],
    ['pack status docker', { kind: 'match', alias: 'status', format: 'pack status {{pack=""}}', params: { pack: 'docker' } }],
    ['pack foo bar', { kind: 'ambiguous', aliases: ['foo_x', 'y_bar'] }],
  ])('%j', (text, expected) => {
    expect(summary(table.match(text))).toEqual(expected);
  });

  it('returns both candidates with their params when ambiguous', () => {
    const result = table.match('pack foo bar');
    expect(result.kind).toBe('ambiguous');
    if (result.kind !== 'ambiguous') return;
    expect(result.candidates.map((c) => [c.alias.name, c.format, c.params])).toEqual([
      ['foo_x', 'pack foo {{x}}', { x: 'bar' }],
      ['y_bar', 'pack {{y}} bar', { y: 'foo' }],
    ]);
  });

  it('reports the crafted overlap as a collision', () => {
    expect(table.collisions()).toEqual(['aliases "foo_x" (foo_x.yaml) and "y_bar" (y_bar.yaml) both match "pack foo bar"']);
  });
});

describe('representations within one alias', () => {
  const table = new AliasTable([
    alias('deploy', [
      {
        display: 'deploy <repo> [packs] [branch]',
        representation: ['deploy {{repo}} {{packs}} {{branch=""}}', 'deploy {{repo}}'],
      },
    ]),
    alias('ship', [{ display: 'ship <pack>', representation: ['ship {{pack}}', '(?:send|push) {{pack}} out'] }]),
  ]);

  it.each<[string, string, Record<string, string>]>([
    ['deploy st2contrib docker,sensu dev', 'deploy {{repo}} {{packs}} {{branch=""}}', { repo: 'st2contrib', packs: 'docker,sensu', branch: 'dev' }],
    ['deploy st2contrib docker', 'deploy {{repo}} {{packs}} {{branch=""}}', { repo: 'st2contrib', packs: 'docker', branch: '' }],
    ['deploy st2contrib', 'deploy {{repo}}', { repo: 'st2contrib' }],
    ['deploy st2contrib force=true', 'deploy {{repo}}', { repo: 'st2contrib', force: 'true' }],
    ['ship docker', 'ship {{pack}}', { pack: 'docker' }],
    ['push docker out', '(?:send|push) {{pack}} out', { pack: 'docker' }],
  ])('%j takes the most specific representation silently', (text, format, params) => {
    expect(summary(table.match(text))).toEqual({ kind: 'match', alias: text.startsWith('deploy') ? 'deploy' : 'ship', format, params });
  });

  it('keeps display and representations on the definition', () => {
    expect(table.definitions[1]!.formats).toEqual([{ display: 'ship <pack>', representation: ['ship {{pack}}', '(?:send|push) {{pack}} out'] }]);
    expect(table.collisions()).toEqual([]);
  });
});

describe('immutable parameters and disabled aliases', () => {
  const table = new AliasTable([
    alias('prod_deploy', ['prod deploy {{pack}}'], { immutableParameters: { env: 'production', pack_set: 'core' } }),
    alias('old', ['old {{x}}'], { enabled: false }),
    alias('shadow', ['pack list'], { enabled: false }),
    alias('list', ['pack list']),
  ]);

  it.each<[string, ReturnType<typeof summary>]>([
    ['prod deploy docker', { kind: 'match', alias: 'prod_deploy', format: 'prod deploy {{pack}}', params: { pack: 'docker', env: 'production', pack_set: 'core' } }],
    ['prod deploy docker note=hi', { kind: 'match', alias: 'prod_deploy', format: 'prod deploy {{pack}}', params: { pack: 'docker', env: 'production', pack_set: 'core', note: 'hi' } }],
    ['old thing', { kind: 'none', closest: undefined }],
    ['pack list', { kind: 'match', alias: 'list', format: 'pack list', params: {} }],
  ])('%j', (text, expected) => {
    expect(summary(table.match(text))).toEqual(expected);
  });

  it.each([
    ['prod deploy docker env=dev', 'env', 'env=…'],
    ['prod deploy docker env=dev pack_set=all', 'env,pack_set', 'env=… or pack_set=…'],
  ])('refuses %j, which sets an immutable parameter, as StackStorm does', (text, names, fix) => {
    expect(() => table.match(text)).toThrow(
      expect.objectContaining({
        code: 'alias_immutable_override',
        message: `Immutable arguments cannot be overriden: ${names}. The "prod_deploy" command always sets ${names.replace(',', ' and ')} itself; send it again without ${fix}`,
      }),
    );
  });

  it('refuses an alias whose own format names an immutable parameter, whatever the text', () => {
    const own = new AliasTable([alias('own', ['own {{env=dev}}'], { immutableParameters: { env: 'prod' } })]);
    expect(() => own.match('own')).toThrow(/^Immutable arguments cannot be overriden: env\./);
  });

  it('keeps disabled aliases in definitions but out of collisions', () => {
    expect(table.definitions.map((d) => d.name)).toEqual(['prod_deploy', 'old', 'shadow', 'list']);
    expect(table.collisions()).toEqual([]);
  });
});

describe('closest alias when nothing matches', () => {
  const table = new AliasTable([
    alias('status', [{ display: 'pack status [pack]', representation: ['pack status {{pack=""}}'] }]),
    alias('deploy', [{ display: 'pack deploy <repo>', representation: ['pack deploy {{repo}}'] }]),
    alias('info', [{ display: 'pack info <pack>', representation: ['pack info {{pack}}'] }]),
    alias('help', [{ display: 'help [command]', representation: ['help {{command=""}}'] }]),
    alias('off', [{ display: 'zap everything', representation: ['zap everything'] }], { enabled: false }),
  ]);

  it.each<[string, { alias: string; display: string } | undefined]>([
    ['pack statsu', { alias: 'status', display: 'pack status [pack]' }],
    ['pakc deploy st2contrib', { alias: 'deploy', display: 'pack deploy <repo>' }],
    ['pack deplyo st2contrib docker', { alias: 'deploy', display: 'pack deploy <repo>' }],
    ['pack info', { alias: 'info', display: 'pack info <pack>' }],
    ['hlep', { alias: 'help', display: 'help [command]' }],
    ['zap everythin', undefined],
    ['what is the weather', undefined],
    ['xyz', undefined],
  ])('%j', (text, closest) => {
    expect(summary(table.match(text))).toEqual({ kind: 'none', closest });
  });
});
