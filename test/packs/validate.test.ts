import { describe, expect, it } from 'vitest';
import { isPackbotError } from '../../src/core/errors.js';
import { assertValid, validatePackDir } from '../../src/domain/packs/index.js';
import { copyDemoPack, writePack } from './fixtures.js';

describe('validatePackDir on the bundled demo packs', () => {
  it('accepts monitoring and summarises its content', async () => {
    const dir = await copyDemoPack('monitoring');
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual([]);
    expect(check.warnings).toEqual([]);
    expect(check.dir).toBe(dir);
    expect(check.ref).toBe('monitoring');
    expect(check.manifest).toMatchObject({ ref: 'monitoring', name: 'monitoring', version: '0.2.0', author: 'packbot demo', python_versions: ['3'], dependencies: [] });
    expect(check.summary).toEqual({
      actions: ['check_disk', 'check_http'],
      rules: ['poll_homepage'],
      sensors: ['http_watch'],
      aliases: [],
      policies: [],
      tests: true,
      requirements: true,
      packageJson: false,
      configSchema: true,
    });
  });

  it.each([
    ['hello', '1.0.0', [], { actions: 1, rules: 0, aliases: 1 }],
    ['incident', '1.2.0', ['monitoring'], { actions: 2, rules: 1, aliases: 1 }],
  ] as const)('accepts %s', async (name, version, dependencies, counts) => {
    const check = await validatePackDir(await copyDemoPack(name));
    expect(check.errors).toEqual([]);
    expect(check.manifest).toMatchObject({ ref: name, version, dependencies });
    expect(check.summary.actions).toHaveLength(counts.actions);
    expect(check.summary.rules).toHaveLength(counts.rules);
    expect(check.summary.aliases).toHaveLength(counts.aliases);
  });

  it('keeps the manifest of a valid pack.yaml even when the content is broken', async () => {
    const check = await validatePackDir(await writePack({ 'rules/r.yaml': 'name: r\n' }));
    expect(check.errors.length).toBeGreaterThan(0);
    expect(check.manifest?.ref).toBe('demo');
  });
});

describe('assertValid', () => {
  it('passes a valid pack and throws pack_invalid listing every problem otherwise', async () => {
    assertValid(await validatePackDir(await writePack({})));
    const check = await validatePackDir(await writePack({ 'rules/r.yaml': 'name: r\n' }));
    let thrown: unknown;
    try {
      assertValid(check);
    } catch (err) {
      thrown = err;
    }
    expect(isPackbotError(thrown) && thrown.code).toBe('pack_invalid');
    expect(isPackbotError(thrown) && thrown.message).toBe('demo: 2 problems in the pack');
    expect(isPackbotError(thrown) && thrown.details).toEqual(check.errors);
  });

  it('names a pack without a ref by its directory, never by its path (a deploy validates in a staging dir)', async () => {
    const dir = await writePack({ 'pack.yaml': null }, { name: 'nameless' });
    const check = await validatePackDir(dir);
    expect(check.ref).toBeNull();
    expect(() => assertValid(check)).toThrow(expect.objectContaining({ message: 'nameless: 1 problem in the pack' }));
    expect(check.errors.join('\n')).not.toContain(dir);
  });
});
