import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startConsoleBot, type ConsoleBot } from '../helpers/bot.js';
import { createRepo } from '../helpers/git-repo.js';
import { pack } from '../helpers/deploy.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { createStoreHistory, type HistoryRecord } from '../../src/domain/store/history.js';
import { createMasker } from '../../src/core/masking/masker.js';

async function historyOf(b: ConsoleBot): Promise<HistoryRecord[]> {
  const state = await createStateStore({ kind: 'embedded' }, { stateDir: b.app.config.state_dir });
  try {
    return await createStoreHistory(state, createMasker()).list();
  } finally {
    await state.close();
  }
}

describe('a deploy failing validation, as chat sees it', () => {
  it('names config files as configs/<pack>.yaml and pack files within the pack, never by a path on the server', async () => {
    const schema = 'api_key: {type: string, required: true, secret: true}\n';
    const repo = await createRepo({
      files: {
        // Valid, but the operator's configs/svc.yaml does not parse: a warning.
        ...pack('svc', { extra: { 'packs/svc/config.schema.yaml': schema } }),
        // An action whose YAML is broken (the pack fails), and one whose entry point is missing (a warning).
        ...pack('broken', { extra: { 'packs/broken/actions/x.yaml': 'name: [x\n', 'packs/broken/actions/y.yaml': 'name: y\nrunner_type: python-script\nentry_point: y.py\n' } }),
        // No pack.yaml at all: not a pack; asking for it is refused, naming its directory.
        'packs/nameless/actions/hello.yaml': 'name: hello\nrunner_type: python-script\nentry_point: hello.py\n',
        'packs/nameless/actions/hello.py': 'print("hello")\n',
      },
    });
    const b = await startConsoleBot(`state_dir: ./var\nlog: {level: warn}\nrepositories:\n  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}\n`);
    const { state_dir: stateDir, configs_dir: configsDir, packs_dir: packsDir } = b.app.config;
    await mkdir(configsDir, { recursive: true });
    await writeFile(path.join(configsDir, 'svc.yaml'), 'api_key: [unclosed\n');

    const out = await b.converse(['!pack deploy demo svc,broken', '!pack deploy demo nameless', '!pack history broken', '!pack history svc']);
    const chat = out.map((m) => m.text).join('\n');
    expect(chat).toMatch(/configs\/svc\.yaml: cannot be read \(line \d+\): YAML syntax error/);
    expect(chat).toMatch(/actions\/x\.yaml:\d+: YAML syntax error/);
    expect(chat).toMatch(/actions\/y\.yaml:\d+: entry_point "y\.py": actions\/y\.py does not exist; StackStorm registers the action/);
    expect(chat).toMatch(/packs\/nameless: not a pack \(no pack\.yaml\) in demo at main/);

    const roots = [stateDir, configsDir, packsDir, b.dir, tmpdir(), await realpath(tmpdir())];
    for (const root of roots) expect(chat).not.toContain(root);
    // What history keeps of it is shown by `pack history <id>`: the same short names.
    const stored = JSON.stringify(await historyOf(b));
    expect(stored).toContain('configs/svc.yaml');
    for (const root of roots) expect(stored).not.toContain(root);
  });
});
