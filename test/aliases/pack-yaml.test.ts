import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAliasTable, type AliasTable } from '../../src/domain/aliases/index.js';

const PACK_YAML = fileURLToPath(new URL('../../aliases/pack.yaml', import.meta.url));

let table: AliasTable;
let warnings: string[];

beforeAll(async () => {
  ({ table, warnings } = await loadAliasTable([PACK_YAML]));
});

describe('aliases/pack.yaml', () => {
  it('loads without warnings and with zero collisions', () => {
    expect(warnings).toEqual([]);
    expect(table.collisions()).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['pack_deploy', 'deploy', 'deploy'],
    ['pack_diff', 'diff', 'deploy'],
    ['pack_confirm', 'confirm', 'deploy'],
    ['pack_cancel', 'cancel', 'deploy'],
    ['pack_queue', 'queue', 'read'],
    ['pack_locks', 'locks', 'read'],
    ['pack_lock_extend', 'lock_extend', 'deploy'],
    ['pack_unlock', 'unlock', 'deploy'],
    ['pack_status', 'status', 'read'],
    ['pack_list', 'list', 'read'],
    ['pack_info', 'info', 'read'],
    ['pack_history', 'history', 'read'],
    ['pack_rollback', 'rollback', 'deploy'],
    ['pack_uninstall', 'uninstall', 'deploy'],
    ['help', 'help', 'read'],
  ])('%s runs %s with permission %s, and has a description and help', (name, command, permission) => {
    const def = table.definitions.find((d) => d.name === name);
    expect(def).toMatchObject({ command, permission, enabled: true });
    expect(def?.description).not.toBe('');
    expect(def?.help).toBeTruthy();
  });

  it('has exactly the seventeen aliases, deploy confirming when queued', () => {
    expect(table.definitions).toHaveLength(17);
    expect(table.definitions.find((d) => d.name === 'pack_deploy')?.confirm).toBeUndefined();
    expect(table.definitions.find((d) => d.name === 'pack_deploy')?.formats[0]?.display).toBe('pack deploy <repo> [packs] [branch]');
  });

  it.each<[string, string, Record<string, string>]>([
    ['pack deploy st2contrib docker,sensu feature-x', 'pack_deploy', { repo: 'st2contrib', packs: 'docker,sensu', branch: 'feature-x' }],
    ['pack deploy st2contrib docker', 'pack_deploy', { repo: 'st2contrib', packs: 'docker', branch: '' }],
    ['pack deploy st2contrib', 'pack_deploy', { repo: 'st2contrib' }],
    ['pack deploy st2contrib all', 'pack_deploy', { repo: 'st2contrib', packs: 'all', branch: '' }],
    ['pack deploy st2contrib force=true', 'pack_deploy', { repo: 'st2contrib', force: 'true' }],
    ['pack deploy st2contrib docker main force=true', 'pack_deploy', { repo: 'st2contrib', packs: 'docker', branch: 'main', force: 'true' }],
    ['Pack Deploy St2Contrib Docker', 'pack_deploy', { repo: 'St2Contrib', packs: 'Docker', branch: '' }],
    ['pack diff st2contrib docker,sensu feature-x', 'pack_diff', { repo: 'st2contrib', packs: 'docker,sensu', branch: 'feature-x' }],
    ['pack diff st2contrib', 'pack_diff', { repo: 'st2contrib' }],
    ['pack confirm deploy docker to feature-x', 'pack_confirm', { phrase: 'deploy docker to feature-x' }],
    ['pack cancel', 'pack_cancel', { id: '' }],
    ['pack cancel 42', 'pack_cancel', { id: '42' }],
    ['pack queue', 'pack_queue', {}],
    ['pack locks', 'pack_locks', {}],
    ['pack lock extend docker 2h', 'pack_lock_extend', { pack: 'docker', duration: '2h' }],
    ['pack unlock docker', 'pack_unlock', { pack: 'docker' }],
    ['pack status', 'pack_status', { pack: '' }],
    ['pack status ', 'pack_status', { pack: '' }],
    ['pack status docker', 'pack_status', { pack: 'docker' }],
    ['pack list', 'pack_list', {}],
    ['pack info sensu', 'pack_info', { pack: 'sensu' }],
    ['pack history sensu', 'pack_history', { pack: 'sensu' }],
    ['pack rollback sensu', 'pack_rollback', { pack: 'sensu', release: '' }],
    ['pack rollback sensu 20240101-1200', 'pack_rollback', { pack: 'sensu', release: '20240101-1200' }],
    ['pack uninstall docker,sensu', 'pack_uninstall', { packs: 'docker,sensu' }],
    ['help', 'help', { command: '' }],
    ['help pack deploy', 'help', { command: 'pack deploy' }],
    ['pack\u00A0status\u202Fdocker', 'pack_status', { pack: 'docker' }],
    ['pack confirm \u201Cdeploy docker\u201D', 'pack_confirm', { phrase: 'deploy docker' }],
  ])('%j → %s', (text, name, params) => {
    const result = table.match(text);
    expect(result.kind).toBe('match');
    if (result.kind !== 'match') return;
    expect(result.match.alias.name).toBe(name);
    expect(result.match.params).toEqual(params);
  });

  it.each<[string, string | undefined]>([
    ['pack deploy', 'pack deploy <repo> [packs] [branch]'],
    ['pack statsu', 'pack status [pack]'],
    ['pack lock extnd docker 2h', 'pack lock extend <pack> <duration>'],
    ['pack lock', 'pack locks'],
    ['pack unlcok docker', 'pack unlock <pack>'],
    ['what is this', undefined],
  ])('%j does not match; suggests %j', (text, display) => {
    const result = table.match(text);
    expect(result.kind).toBe('none');
    if (result.kind !== 'none') return;
    expect(result.closest?.display).toBe(display);
  });
});
