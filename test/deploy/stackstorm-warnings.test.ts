/**
 * Packs StackStorm installs are deployed, with warnings that say what StackStorm will do: an
 * entry_point file that is not there (st2 registers the action; it fails when run), two files
 * declaring one name (st2 registers them in sorted order: the last wins), a repeated YAML key
 * (PyYAML keeps the last value). A repository with `strict: true` refuses them. A directory
 * under packs/ without pack.yaml is not a pack: "all" skips it and lists it, naming it fails
 * with one line. All through the real pipeline, on real git repositories.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summaryView } from '../../src/interfaces/presenter/deploy-view.js';
import { createTemplates } from '../../src/interfaces/templates/environment.js';
import { startConsoleBot } from '../helpers/bot.js';
import { createDeployEnv, pack } from '../helpers/deploy.js';
import { createRepo } from '../helpers/git-repo.js';

const ACTION = (name: string, entry: string) => `---\nname: ${name}\nrunner_type: python-script\nentry_point: ${entry}\n`;

/** One pack per case StackStorm installs but packbot used to refuse, a clean one, and a README-only directory. */
const FILES = {
  ...pack('clean'),
  // A renamed script: the metadata still names the old file.
  ...pack('entry', { extra: { 'packs/entry/actions/renamed.yaml': ACTION('renamed', 'old_name.py') } }),
  // Copy-paste: get_vlan.yaml still declares delete_vlan.
  ...pack('dupnames', {
    extra: {
      'packs/dupnames/actions/delete_vlan.yaml': ACTION('delete_vlan', 'hello.py'),
      'packs/dupnames/actions/get_vlan.yaml': ACTION('delete_vlan', 'hello.py'),
    },
  }),
  // A bad merge: keys written twice, in pack.yaml and in an action.
  ...pack('dupkeys', {
    extra: {
      'packs/dupkeys/pack.yaml': '---\nref: dupkeys\nname: dupkeys\ndescription: Keys twice.\nversion: 0.9.0\nauthor: Ada\nversion: 1.2.0\n',
      'packs/dupkeys/actions/hello.yaml': '---\nname: hello\nrunner_type: python-script\nentry_point: gone.py\nentry_point: hello.py\n',
    },
  }),
  // A pack moved to another repository; its README stayed behind.
  'packs/old/README.md': '# old\nMoved to https://example.com/old.\n',
};

const WARNINGS: Record<string, string[]> = {
  clean: [],
  dupkeys: [
    'pack.yaml:7: key `version` appears twice (lines 5 and 7); StackStorm (PyYAML) keeps the last value',
    'actions/hello.yaml:5: key `entry_point` appears twice (lines 4 and 5); StackStorm (PyYAML) keeps the last value',
  ],
  dupnames: ['actions/delete_vlan.yaml and actions/get_vlan.yaml both declare delete_vlan; StackStorm keeps the last loaded, actions/get_vlan.yaml'],
  entry: ['actions/renamed.yaml:4: entry_point "old_name.py": actions/old_name.py does not exist; StackStorm registers the action; it fails when it runs'],
};

describe('what StackStorm installs, packbot deploys — with warnings', () => {
  it('deploys every pack with the warnings, skips the README-only directory, and says so in the summary', async () => {
    const repo = await createRepo({ files: FILES });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const result = await env.deploy({ repo: 'demo', packs: 'all' });
    expect(result.error).toBeNull();
    expect(result.packs.map((p) => [p.pack, p.status, p.warnings])).toEqual(Object.entries(WARNINGS).map(([name, w]) => [name, 'deployed', w]));
    expect(result.failure_count).toBe(0);
    expect(result.not_packs).toEqual(['packs/old']);
    expect(existsSync(path.join(env.config.packs_dir, 'old'))).toBe(false);
    // The value installed is the one StackStorm reads: the last of the repeated keys.
    expect(result.packs.find((p) => p.pack === 'dupkeys')?.version).toBe('1.2.0');
    expect(await readFile(path.join(env.config.packs_dir, 'dupkeys', 'actions', 'hello.yaml'), 'utf8')).toContain('entry_point: hello.py');

    const summary = (await createTemplates()).render('deploy_summary', 'console', summaryView(result));
    expect(summary).toContain('4 ok, 0 failed');
    for (const w of Object.values(WARNINGS).flat()) expect(summary).toContain(`⚠ ${w}`);
    expect(summary).toContain('– skipped, not a pack (no pack.yaml): packs/old');
  });

  it('with strict: true refuses each pack with warnings, naming them, and still deploys the clean one', async () => {
    const repo = await createRepo({ files: FILES });
    const env = await createDeployEnv({ demo: { url: repo.url, strict: true } });
    const result = await env.deploy({ repo: 'demo', packs: '' });
    expect(result.error).toBeNull();
    expect(result.packs.map((p) => [p.pack, p.status])).toEqual([['clean', 'deployed'], ['dupkeys', 'failed'], ['dupnames', 'failed'], ['entry', 'failed']]);
    for (const p of result.packs.filter((r) => r.status === 'failed')) {
      const n = WARNINGS[p.pack]?.length ?? 0;
      expect(p.error).toBe(`${n} problem${n === 1 ? '' : 's'} in the pack (strict: true refuses warnings too):\n${(WARNINGS[p.pack] ?? []).join('\n')}`);
      // Listed once, in the error, not again as warnings under it.
      expect(p.warnings).toEqual([]);
      expect(existsSync(path.join(env.config.packs_dir, p.pack))).toBe(false);
    }
    // Not a pack is not a failure, strict or not.
    expect(result.not_packs).toEqual(['packs/old']);
    expect(result.failure_count).toBe(3);
  });

  it('refuses a README-only directory named explicitly, in one line, before anything is installed', async () => {
    const repo = await createRepo({ files: FILES });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const result = await env.deploy({ repo: 'demo', packs: 'clean,old' });
    expect(result.error).toBe('packs/old: not a pack (no pack.yaml) in demo at main; packs there: `clean`, `dupkeys`, `dupnames`, `entry`.');
    expect(result.packs).toEqual([]);
    expect(existsSync(path.join(env.config.packs_dir, 'clean'))).toBe(false);
    // Preflight (what chat does before queueing) says the same, and "all" leaves the directory out.
    const plan = (packs: string) => env.app.deployer.plan({ repo: 'demo', packs, requestedBy: 'console:alice' });
    await expect(env.app.deployer.resolveTargets(plan('old'))).rejects.toThrow(/^packs\/old: not a pack \(no pack\.yaml\) in demo at main;/);
    expect((await env.app.deployer.resolveTargets(plan('all'))).packs).toEqual(['clean', 'dupkeys', 'dupnames', 'entry']);
  });

  it('a repository whose packs/ holds no pack at all says so', async () => {
    const repo = await createRepo({ files: { 'packs/old/README.md': 'moved\n', 'packs/docs/index.md': 'docs\n' } });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const result = await env.deploy({ repo: 'demo' });
    expect(result.error).toBe('demo has no packs under packs/ at main: no directory there has a pack.yaml (packs/docs, packs/old).');
    const plan = env.app.deployer.plan({ repo: 'demo', packs: '', requestedBy: 'console:alice' });
    await expect(env.app.deployer.resolveTargets(plan)).rejects.toThrow('demo has no packs under packs/ at main: no directory there has a pack.yaml');
  });
});

describe('in chat', () => {
  it('a deploy of all shows the warnings and the directory that is not a pack, not as a failure', async () => {
    const repo = await createRepo({ files: FILES });
    const b = await startConsoleBot(`state_dir: ./var\nlog: {level: warn}\nrepositories:\n  demo: {repo: ${JSON.stringify(repo.url)}, branch: main}\n`);
    const out = await b.converse(['!pack deploy demo all', '!pack deploy demo old']);
    const chat = out.map((m) => m.text).join('\n');
    expect(chat).toMatch(/: 4 ok, 0 failed/);
    expect(chat).toContain('⚠ actions/delete_vlan.yaml and actions/get_vlan.yaml both declare delete_vlan; StackStorm keeps the last loaded, actions/get_vlan.yaml');
    expect(chat).toContain('skipped, not a pack (no pack.yaml): packs/old');
    expect(chat).toContain('packs/old: not a pack (no pack.yaml) in demo at main');
  });
});
