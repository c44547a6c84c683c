import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPackConfig } from '../../src/domain/packs/index.js';
import { copyDemoPack, tempDir, writePack } from './fixtures.js';

const SCHEMA = `
endpoints:
  type: array
  items: {type: string}
  required: true
auth_token:
  type: string
  secret: true
  required: true
timeout:
  type: integer
  required: true
  default: 10
region:
  type: string
  required: false
`;

async function setup(opts: { schema?: string | null; config?: string; example?: boolean; ref?: string } = {}) {
  const ref = opts.ref ?? 'monitoring';
  const files: Record<string, string | null> = { 'config.schema.yaml': opts.schema === undefined ? SCHEMA : opts.schema };
  if (opts.example) files[`${ref}.yaml.example`] = 'endpoints: []\n';
  const packDir = await writePack(files, { name: ref });
  const configsDir = await tempDir();
  if (opts.config !== undefined) await writeFile(path.join(configsDir, `${ref}.yaml`), opts.config);
  // Messages reach chat: the file is named relative to configs_dir, never by its server path.
  return { ref, packDir, configsDir, configPath: `configs/${ref}.yaml` };
}

describe('checkPackConfig', () => {
  it('warns once about every required key without a default, pointing at the example', async () => {
    const s = await setup({ example: true });
    expect(await checkPackConfig(s)).toEqual({
      warnings: [`monitoring needs configuration: endpoints, auth_token — see monitoring.yaml.example; set them in ${s.configPath}`],
      secrets: [],
    });
  });

  it('mentions the example file only when the pack has one', async () => {
    const s = await setup({ config: 'endpoints: [https://x]\n' });
    expect((await checkPackConfig(s)).warnings).toEqual([`monitoring needs configuration: auth_token — set them in ${s.configPath}`]);
  });

  it('treats an empty value as missing', async () => {
    const s = await setup({ config: 'endpoints:\nauth_token: t0ken-value\n' });
    expect((await checkPackConfig(s)).warnings).toEqual([`monitoring needs configuration: endpoints — set them in ${s.configPath}`]);
  });

  it('returns the secret values for the masker, and no warning for a complete config', async () => {
    const s = await setup({ config: 'endpoints: [https://x]\nauth_token: s3cret-t0ken\nregion: eu\n' });
    expect(await checkPackConfig(s)).toEqual({ warnings: [], secrets: ['s3cret-t0ken'] });
  });

  it('finds secrets and required keys in nested objects and lists of objects', async () => {
    const schema = `
db:
  type: object
  required: true
  properties:
    password: {type: string, secret: true}
    user: {type: string, required: true}
accounts:
  type: array
  items:
    type: object
    properties:
      key: {type: string, secret: true}
`;
    const s = await setup({ schema, config: 'db: {password: pw-1}\naccounts:\n  - key: k-1\n  - key: k-2\n  - key: ""\n' });
    expect(await checkPackConfig(s)).toEqual({
      warnings: [`monitoring needs configuration: db.user — set them in ${s.configPath}`],
      secrets: ['pw-1', 'k-1', 'k-2'],
    });
  });

  it('does not register a datastore reference as a secret, and repeats st2\'s refusal of decrypt_kv on secrets', async () => {
    const s = await setup({ config: 'endpoints: [a]\nauth_token: "{{ st2kv.system.token | decrypt_kv }}"\n' });
    expect(await checkPackConfig(s)).toEqual({
      warnings: [`${s.configPath}: auth_token is a secret, which StackStorm decrypts itself; remove "| decrypt_kv" from it`],
      secrets: [],
    });
    const plain = await setup({ config: 'endpoints: [a]\nauth_token: "{{ st2kv.system.token }}"\n' });
    expect(await checkPackConfig(plain)).toEqual({ warnings: [], secrets: [] });
  });

  it('names a config file that does not parse, with the line', async () => {
    const s = await setup({ config: 'endpoints: [a\nauth_token: x\n' });
    const result = await checkPackConfig(s);
    expect(result.secrets).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(new RegExp(`^${s.configPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot be read \\(line \\d+\\): YAML syntax error: .*; monitoring runs without its configuration$`));
    expect(result.warnings[0]).not.toContain(s.configsDir);
  });

  it('names a config file that is not a mapping', async () => {
    const s = await setup({ config: '- a\n' });
    expect((await checkPackConfig(s)).warnings).toEqual([`${s.configPath}: expected a mapping of config keys, got a list; monitoring runs without its configuration`]);
  });

  it('has nothing to say about a pack without a config schema', async () => {
    const s = await setup({ schema: null, config: 'anything: [' });
    expect(await checkPackConfig(s)).toEqual({ warnings: [], secrets: [] });
  });

  it('accepts the demo monitoring pack with an operator config', async () => {
    const packDir = await copyDemoPack('monitoring');
    const configsDir = await tempDir();
    await mkdir(configsDir, { recursive: true });
    await writeFile(path.join(configsDir, 'monitoring.yaml'), 'endpoints: [https://example.com]\nauth_token: demo-secret-123\n');
    expect(await checkPackConfig({ ref: 'monitoring', packDir, configsDir })).toEqual({ warnings: [], secrets: ['demo-secret-123'] });
  });
});
