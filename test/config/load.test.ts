import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findConfigPath, loadConfig } from '../../src/domain/config/index.js';
import { PackbotError } from '../../src/core/errors.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packbot-config-'));
  await mkdir(join(dir, 'etc'));
  await writeFile(join(dir, 'packbot.yaml'), 'bot: {name: from-cwd}\n');
  await writeFile(join(dir, 'etc', 'from-env.yaml'), 'bot: {name: from-env}\n');
  await writeFile(join(dir, 'etc', 'explicit.yaml'), 'bot: {name: explicit}\nstate_dir: ./state\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function notFound(fn: () => unknown): PackbotError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PackbotError) return err;
    throw err;
  }
  throw new Error('expected config_not_found');
}

describe('findConfigPath', () => {
  it('prefers the explicit path, then PACKBOT_CONFIG, then ./packbot.yaml', () => {
    const env = { PACKBOT_CONFIG: 'etc/from-env.yaml' };
    expect(findConfigPath({ explicit: 'etc/explicit.yaml', env, cwd: dir })).toBe(join(dir, 'etc', 'explicit.yaml'));
    expect(findConfigPath({ env, cwd: dir })).toBe(join(dir, 'etc', 'from-env.yaml'));
    expect(findConfigPath({ env: {}, cwd: dir })).toBe(join(dir, 'packbot.yaml'));
    expect(findConfigPath({ env: { PACKBOT_CONFIG: '' }, cwd: dir })).toBe(join(dir, 'packbot.yaml'));
  });

  it('does not fall back when the path it was given is missing', () => {
    const err = notFound(() => findConfigPath({ explicit: 'nope.yaml', env: { PACKBOT_CONFIG: 'etc/from-env.yaml' }, cwd: dir }));
    expect(err.code).toBe('config_not_found');
    expect(err.message).toContain(join(dir, 'nope.yaml'));
    expect(err.message).toContain('--config');
  });

  it('names the path tried and every fix when nothing is found', async () => {
    await rm(join(dir, 'packbot.yaml'));
    const err = notFound(() => findConfigPath({ env: {}, cwd: dir }));
    expect(err.code).toBe('config_not_found');
    expect(err.details).toEqual([`tried: ${join(dir, 'packbot.yaml')}`]);
    for (const fix of ['--config', 'PACKBOT_CONFIG', 'examples/packbot.yaml']) expect(err.message).toContain(fix);
  });

  it('rejects a directory', () => {
    expect(() => findConfigPath({ explicit: 'etc', env: {}, cwd: dir })).toThrow(/no configuration file/);
  });
});

describe('loadConfig', () => {
  it('reads, parses and resolves paths against the file it found', async () => {
    const loaded = await loadConfig({ explicit: join(dir, 'etc', 'explicit.yaml'), env: {}, cwd: '/' });
    expect(loaded.file).toBe(join(dir, 'etc', 'explicit.yaml'));
    expect(loaded.config.bot.name).toBe('explicit');
    expect(loaded.config.state_dir).toBe(join(dir, 'etc', 'state'));
    expect(loaded.config.packs_dir).toBe(join(dir, 'etc', 'state', 'packs'));
  });

  it('reports problems under the file name', async () => {
    await writeFile(join(dir, 'packbot.yaml'), 'bot: {nmae: x}\n');
    await expect(loadConfig({ env: {}, cwd: dir })).rejects.toMatchObject({
      code: 'config_invalid',
      message: `${join(dir, 'packbot.yaml')}: 1 problem in the configuration`,
      details: ['line 1:7 bot.nmae: unknown key "nmae" (did you mean "name"?)'],
    });
  });
});
