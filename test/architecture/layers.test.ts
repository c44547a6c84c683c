import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { checkLayers, placeOf } from './layers.js';

async function sources(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const top of ['src', 'adapters']) {
    for (const entry of await readdir(path.join(ROOT, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const abs = path.join(entry.parentPath, entry.name);
      files.set(path.relative(ROOT, abs).split(path.sep).join('/'), await readFile(abs, 'utf8'));
    }
  }
  return files;
}

describe('the layer rule', () => {
  it('holds for the whole tree: no upward import, no module cycle, no adapters/ from src/', async () => {
    const files = await sources();
    expect(files.size).toBeGreaterThan(150);
    expect(checkLayers(files).map((v) => `${v.at} ${v.message}`)).toEqual([]);
  });

  it('names the file and line of an import from a layer above', async () => {
    const files = await sources();
    const text = files.get('src/core/errors.ts')!;
    files.set('src/core/errors.ts', `${text}\nimport type { Reply } from '../interfaces/chat/reply.js';\n`);
    const line = text.split('\n').length + 1;
    expect(checkLayers(files)).toContainEqual({
      at: `src/core/errors.ts:${line}`,
      message: 'core/errors (layer core) imports src/interfaces/chat/reply.ts from the layer above it (interfaces)',
    });
  });

  it('names a module cycle inside one layer, edge by edge', () => {
    const files = new Map([
      ['src/domain/a/x.ts', "import { y } from '../b/y.js';\nexport const x = 1;\n"],
      ['src/domain/b/y.ts', "export const y = 2;\nexport { x } from '../a/x.js';\n"],
    ]);
    expect(checkLayers(files)).toEqual([{
      at: 'src/domain/a/x.ts:1',
      message: 'module cycle: domain/a → domain/b (src/domain/a/x.ts:1), domain/b → domain/a (src/domain/b/y.ts:2)',
    }]);
  });

  it('refuses src/ importing adapters/ and a folder that is not a layer', () => {
    const files = new Map([
      ['src/app/app.ts', "import { SlackAdapter } from '../../adapters/slack/adapter.js';\n"],
      ['src/misc/util.ts', 'export const u = 1;\n'],
    ]);
    expect(checkLayers(files).map((v) => v.at)).toEqual(['src/app/app.ts:1', 'src/misc/util.ts:1']);
  });

  it('places files by layer and module', () => {
    expect(placeOf('src/services/deploy/pipeline.ts')).toEqual({ layer: 'services', rank: 2, module: 'services/deploy' });
    expect(placeOf('src/core/errors.ts')).toEqual({ layer: 'core', rank: 0, module: 'core/errors' });
    expect(placeOf('adapters/slack/adapter.ts')?.module).toBe('adapters/slack');
    expect(placeOf('test/x.test.ts')).toBeNull();
  });
});
