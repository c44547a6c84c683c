/**
 * Every place packbot reads somebody else's YAML goes through the bounded reader: a pack's
 * metadata, its config schema, the operator's config for it, and alias files. A file over a
 * limit is one problem, naming the file, the limit and the fix. (Files too big to be read on
 * the main thread are in test/core/yaml-worker.test.ts.)
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAliasFiles } from '../../src/domain/aliases/index.js';
import { checkPackConfig, validatePackDir } from '../../src/domain/packs/index.js';
import { tempDir, writePack } from './fixtures.js';

const DEEP = `${'['.repeat(150)}${']'.repeat(150)}\n`;
const TOO_DEEP = 'is nested more than 100 levels deep; packbot reads at most 100 levels — flatten the file';
const laughs = (() => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const n of 'bcdefghi') lines.push(`${n}: &${n} [${Array(9).fill(`*${String.fromCharCode(n.charCodeAt(0) - 1)}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
})();
const ALIASES = "expands its aliases (*name) more than packbot's limit of 100 allows — write the values out in full";

describe('pack files over a limit', () => {
  it('reports a too deeply nested action, rule or workflow as one problem', async () => {
    const dir = await writePack({ 'actions/deep.yaml': DEEP, 'rules/deep.yaml': `name: r\ntrigger: ${DEEP}`, 'actions/workflows/deep.yaml': DEEP });
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual([`actions/deep.yaml: ${TOO_DEEP}`, `actions/workflows/deep.yaml: ${TOO_DEEP}`, `rules/deep.yaml: ${TOO_DEEP}`]);
  });

  it('reports alias expansion in pack.yaml and config.schema.yaml', async () => {
    const dir = await writePack({ 'pack.yaml': `name: demo\ndescription: d\nversion: 1.0.0\nauthor: x\n${laughs}`, 'config.schema.yaml': laughs });
    const check = await validatePackDir(dir);
    expect(check.errors).toEqual([`pack.yaml: ${ALIASES}`, `config.schema.yaml: ${ALIASES}`]);
  });

  it("reports the operator's config for the pack as a warning, and deploys without it", async () => {
    const packDir = await writePack({ 'config.schema.yaml': 'token: {type: string}\n' }, { name: 'demo' });
    const configsDir = await tempDir();
    await writeFile(path.join(configsDir, 'demo.yaml'), `token: ${DEEP}`);
    expect(await checkPackConfig({ ref: 'demo', packDir, configsDir })).toEqual({
      warnings: [`configs/demo.yaml: cannot be read: ${TOO_DEEP}; demo runs without its configuration`],
      secrets: [],
    });
  });
});

describe('alias files over a limit', () => {
  it('reports the file once, at line 1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'packbot-aliases-'));
    await writeFile(path.join(dir, 'deep.yaml'), `name: a\nformats: ${DEEP}`);
    await writeFile(path.join(dir, 'laughs.yaml'), laughs);
    const { errors } = await loadAliasFiles([dir]);
    expect(errors).toEqual([`${path.join(dir, 'deep.yaml')}:1: YAML: ${TOO_DEEP}`, `${path.join(dir, 'laughs.yaml')}:1: YAML: ${ALIASES}`]);
  });
});
