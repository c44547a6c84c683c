/**
 * "Plan, then apply", end to end on a real git repository: a queued request's prompt carries
 * the plan worked out at its turn; `pack diff` in chat, `packbot diff --json` and
 * `packbot deploy --dry-run` say the same; the dry run changes nothing on disk or in the store;
 * a request whose plan changes nothing is told so instead of being asked.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startChat, stopAllChats, type ChatMsg } from '../helpers/chat-process.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeConfig } from '../helpers/config.js';
import { pack } from '../helpers/deploy.js';
import { createRepo } from '../helpers/git-repo.js';
import { packLine } from '../../src/interfaces/presenter/plan-view.js';
import type { DeployPreview } from '../../src/services/deploy/preview-types.js';

/** A slow, busy machine starts node and fetches slowly; the helper's default kills the CLI after 20 s. */
const cli = (args: string[]) => runCli(args, { timeoutMs: 60_000 });
const prompt = (user: string) => (m: ChatMsg) => m.mentions.includes(user) && m.text.startsWith('Say _');
const summary = (user: string) => (m: ChatMsg) => m.mentions.includes(user) && /^Deploy `[0-9a-f]{8}`/.test(m.text);

function configYaml(url: string): string {
  return [
    'state_dir: ./var',
    'log: {level: warn}',
    'repositories:',
    `  demo: {repo: ${JSON.stringify(url)}, branch: main}`,
    // The same repository, asking every time: a request there holds the queue while others wait behind it.
    `  strict: {repo: ${JSON.stringify(url)}, branch: main, confirm: {policy: always}}`,
    `  guarded: {repo: ${JSON.stringify(url)}, branch: main, allowed_users: ["console:alice"]}`,
    'confirm: {timeout: 10m}',
  ].join('\n');
}

/** Every file under `root` (but the git mirror, a cache every look at a ref refreshes) → its sha256. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const name = rel ? `${rel}/${entry.name}` : entry.name;
      if (name === 'mirrors' || name === 'git') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        out[`${name}/`] = 'dir';
        await walk(full, name);
      } else if (entry.isSymbolicLink()) out[name] = `-> ${await readlink(full)}`;
      else out[name] = createHash('sha256').update(await readFile(full)).digest('hex');
    }
  };
  await walk(root, '');
  return out;
}

/** A plan line as the console writes it (names in bold). */
const consoleLine = (p: DeployPreview, i = 0) => `• ${packLine(p.packs[i]!, { repo: p.repo }).map((r) => (r.strong ? `*${r.text}*` : r.text)).join('')}`;

describe('a deploy\'s plan, before it is confirmed or run', () => {
  afterEach(stopAllChats);

  it('is in a queued request\'s prompt; pack diff, packbot diff --json and --dry-run agree with it; the dry run changes nothing', async () => {
    const repo = await createRepo({ files: { ...pack('alpha'), ...pack('beta') } });
    const before = (await repo.revParse('HEAD')).slice(0, 7);
    const dir = await tempDir('packbot-plan-');
    const config = await writeConfig(configYaml(repo.url), dir);
    const chat = startChat({ config });

    // Nobody ahead, so nobody is asked: the deploy's message still says, briefly, what it changes.
    chat.say('@alice !pack deploy demo');
    const ack = await chat.waitFor((m) => /^Deploying all 2 packs from `demo` \(main\)…/.test(m.text));
    expect(ack.text.split('\n').slice(1, 3)).toEqual([
      expect.stringMatching(new RegExp(`^• \\*alpha\\* 1\\.0\\.0 \\(new, ${before}\\): \\+1 action; 1 commit$`)),
      expect.stringMatching(new RegExp(`^• \\*beta\\* 1\\.0\\.0 \\(new, ${before}\\): \\+1 action; 1 commit$`)),
    ]);
    await chat.waitFor(summary('alice'));

    // alpha moves on: a version, an action. beta does not change.
    await repo.commit('alpha: greet people', pack('alpha', { version: '1.1.0', actions: ['hello', 'greet'] }));
    const after = (await repo.revParse('HEAD')).slice(0, 7);

    // Alice holds alpha's turn (she is asked); Bob's request waits behind it.
    chat.say('@alice !pack deploy strict alpha');
    await chat.waitFor(prompt('alice'));
    chat.say('@bob !pack deploy demo alpha');
    await chat.waitFor((m) => m.mentions.includes('bob') && m.text.startsWith('Queued: alpha from demo main'));
    chat.say('@alice !pack cancel');
    // Bob's turn: the plan is worked out now, from what is live now, and shown under the phrase.
    const bobPrompt = await chat.waitFor(prompt('bob'));
    const lines = bobPrompt.text.split('\n');
    expect(lines[0]).toMatch(/^Say _.+_ to complete your deployment of \*alpha\* from \*demo\* branch _main_ \(within 10m; `!pack cancel [0-9a-f]{8}` withdraws it\)\.$/);
    expect(lines.slice(1)).toEqual([`• *alpha* 1.0.0 → 1.1.0 (${before} → ${after}): +1 action; 1 commit`]);

    // pack diff, asked meanwhile, says the same (and lists the commit behind it).
    chat.say('@bob !pack diff demo alpha');
    const diff = await chat.waitFor(/^Plan for/);
    expect(diff.text.split('\n')).toEqual([
      `Plan for *demo* _main_ at \`${after}\`: 1 pack to deploy; 1 commit.`,
      lines[1],
      expect.stringMatching(new RegExp(`^   \`${after}\` alpha: greet people — .+$`)),
    ]);
    // Only those who may deploy the repository see its plan.
    chat.say('@bob !pack diff guarded alpha');
    expect((await chat.waitFor(/guarded/)).text).toMatch(/^Deploying guarded needs being in repositories\.guarded\.allowed_users/);
    chat.say('@bob !pack cancel');
    await chat.waitFor(/^Cancelled alpha from demo main/);

    // A request whose plan changes nothing is told so at its turn, and never asked.
    chat.say('@dave !pack deploy strict beta');
    await chat.waitFor(prompt('dave'));
    chat.say('@erin !pack deploy demo beta');
    await chat.waitFor((m) => m.mentions.includes('erin') && m.text.startsWith('Queued: beta from demo main'));
    chat.say('@dave !pack cancel');
    const nothing = await chat.waitFor((m) => m.mentions.includes('erin') && m.text.startsWith('Nothing to do'));
    expect(nothing.text.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^Nothing to do: \\*beta\\* from \\*demo\\* branch _main_ \\(at \`${after}\`\\) is already live, so it was not deployed \\(id \`[0-9a-f]{8}\`\\)\\. Deploy it with force=true to redeploy anyway\\.$`)),
      `• *beta* unchanged (1.0.0, ${before})`,
    ]);
    chat.say('!pack queue');
    expect((await chat.waitFor(/queue/)).text).toBe('The deploy queue is empty.');
    expect(chat.messages().filter(prompt('erin'))).toEqual([]);
    expect((await chat.end()).code).toBe(0);

    // From a shell, on the same state: the same plan, as JSON and as text; nothing written.
    const state = path.join(dir, 'var');
    const untouched = await snapshot(state);
    const json = await cli(['--config', config, 'diff', 'demo', 'alpha', '--json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const preview = JSON.parse(json.stdout) as DeployPreview;
    expect(preview).toMatchObject({ repo: 'demo', ref: 'main', nothingToDo: false, notPacks: [], problems: [] });
    expect(preview.commit.slice(0, 7)).toBe(after);
    expect(preview.packs).toHaveLength(1);
    expect(preview.packs[0]).toMatchObject({
      pack: 'alpha', unchanged: false, from: { version: '1.0.0', branch: 'main', repo: 'demo' }, to: { version: '1.1.0', branch: 'main' },
      added: { actions: ['greet'], rules: [], sensors: [], aliases: [] }, removed: { actions: [] }, changed: { actions: [] },
      envRebuild: { python: false, node: false }, dependencies: [], moreCommits: 0, errors: [],
    });
    expect(preview.packs[0]?.commits.map((c) => c.subject)).toEqual(['alpha: greet people']);
    expect(consoleLine(preview)).toBe(lines[1]);

    const text = await cli(['--config', config, 'diff', 'demo', 'alpha']);
    expect(text.code).toBe(0);
    expect(text.stdout.trim()).toBe(diff.text);
    const dry = await cli(['--config', config, 'deploy', 'demo', 'alpha', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout.trim()).toBe(diff.text);
    // No release, staging, queue entry, lock or history record: every file as it was.
    expect(await snapshot(state)).toEqual(untouched);
  }, 120_000);
});
