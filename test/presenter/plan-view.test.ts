/** A deploy's plan as chat and the CLI read it, from hand-built previews: one line per pack, per platform. */
import { describe, expect, it } from 'vitest';
import { packLine, planDetailsView, planSummary, plainLine, promptPlanView } from '../../src/interfaces/presenter/plan-view.js';
import { createTemplates } from '../../src/interfaces/templates/environment.js';
import { createResponder } from '../../src/interfaces/chat/responder.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { reply } from '../../src/interfaces/chat/reply.js';
import type { ComponentLists, DeployPreview, PackPreview } from '../../src/services/deploy/preview-types.js';

const none = (): ComponentLists => ({ actions: [], rules: [], sensors: [], aliases: [] });
const sha = (c: string) => c.repeat(40);

function pack(name: string, over: Partial<PackPreview> = {}): PackPreview {
  return {
    pack: name, source: name,
    from: { version: '1.0.0', commit: sha('a'), branch: 'main', repo: 'st2contrib', release: `${name}-r1` },
    to: { version: '1.0.0', commit: sha('b'), branch: 'main' },
    unchanged: false, added: none(), removed: none(), changed: none(), envRebuild: { python: false, node: false },
    dependencies: [], commits: [], moreCommits: 0, warnings: [], errors: [], ...over,
  };
}

const same = (name: string) => pack(name, { unchanged: true, to: { version: '1.0.0', commit: sha('a'), branch: 'main' } });

/** The brief's example: a version bump, components added, changed and removed, an env rebuild, a dependency, commits. */
const docker = pack('docker', {
  from: { version: '1.2.0', commit: `a1b2c3d${'0'.repeat(33)}`, branch: 'main', repo: 'st2contrib', release: 'docker-r1' },
  to: { version: '1.3.0', commit: `d4e5f6a${'0'.repeat(33)}`, branch: 'main' },
  added: { ...none(), actions: ['check_disk', 'check_load'] }, changed: { ...none(), rules: ['on_alert'] }, removed: { ...none(), sensors: ['poller'] },
  envRebuild: { python: true, node: false },
  dependencies: [{ pack: 'utils', from: null, to: '0.3.0', source: 'repository' }],
  commits: [
    { sha: sha('1'), subject: 'Add check_load', author: 'Alice' },
    { sha: sha('2'), subject: 'Drop the poller', author: 'Bob' },
    { sha: sha('3'), subject: 'Retune on_alert', author: 'Alice' },
  ],
  moreCommits: 1,
});

function preview(packs: PackPreview[], over: Partial<DeployPreview> = {}): DeployPreview {
  return { repo: 'st2contrib', ref: 'main', commit: `d4e5f6a${'0'.repeat(33)}`, packs, notPacks: [], problems: [], nothingToDo: packs.every((p) => p.unchanged), ...over };
}

describe('a plan line', () => {
  it('says in one line what a pack becomes: version, commits, components, env, dependencies, commit count', () => {
    expect(plainLine(packLine(docker, { repo: 'st2contrib' }))).toBe(
      'docker 1.2.0 → 1.3.0 (a1b2c3d → d4e5f6a): +2 actions, ~1 rule, −1 sensor; requirements changed (env rebuilt); installs dependency utils 0.3.0; 4 commits',
    );
    expect(plainLine(packLine(same('sensu'), { repo: 'st2contrib' }))).toBe('sensu unchanged (1.0.0, aaaaaaa)');
    expect(plainLine(packLine(same('sensu'), { repo: 'st2contrib', force: true }))).toBe('sensu unchanged (1.0.0, aaaaaaa), redeployed (force)');
  });

  it('names a new pack, a branch move, a pack changing repositories, an upgrade from the registry, and warnings', () => {
    const fresh = pack('fresh', { from: null, to: { version: '0.1.0', commit: sha('c'), branch: 'main' }, added: { ...none(), aliases: ['hi'] } });
    expect(plainLine(packLine(fresh, { repo: 'st2contrib' }))).toBe('fresh 0.1.0 (new, ccccccc): +1 alias');
    const back = pack('alpha', {
      from: { version: '1.1.0', commit: sha('a'), branch: 'feature-x', repo: 'st2contrib', release: 'r' }, to: { version: '1.0.0', commit: sha('b'), branch: 'main' },
      dependencies: [{ pack: 'lib', from: '1.0.0', to: '2.0.0', source: 'registry' }], warnings: ['w1', 'w2'],
    });
    expect(plainLine(packLine(back, { repo: 'st2contrib' }))).toBe('alpha 1.1.0 → 1.0.0 (aaaaaaa feature-x → bbbbbbb main): upgrades dependency lib 1.0.0 → 2.0.0 from the registry; 2 warnings');
    const moved = pack('beta', { from: { version: '1.0.0', commit: sha('a'), branch: 'main', repo: 'other', release: 'r' } });
    expect(plainLine(packLine(moved, { repo: 'st2contrib' }))).toBe('beta 1.0.0 (aaaaaaa of other → bbbbbbb): other files changed');
    // Forced, a pack at its active commit is not "unchanged": it is redeployed as it is.
    const forced = pack('gamma', { to: { version: '1.0.0', commit: sha('a'), branch: 'main' } });
    expect(plainLine(packLine(forced, { repo: 'st2contrib', force: true }))).toBe('gamma 1.0.0 (aaaaaaa → aaaaaaa): same commit, redeployed');
  });

  it('puts what would refuse a pack first: one short problem as it is, more counted', () => {
    const bad = pack('beta', { errors: ['pack.yaml: version "one" is not semver'], commits: [{ sha: sha('1'), subject: 's', author: 'a' }] });
    expect(plainLine(packLine(bad, { repo: 'st2contrib' }))).toBe('beta 1.0.0 (aaaaaaa → bbbbbbb): ✗ would be refused: pack.yaml: version "one" is not semver; 1 commit');
    expect(plainLine(packLine(pack('beta', { errors: ['a', 'b'] }), { repo: 'st2contrib' }))).toBe('beta 1.0.0 (aaaaaaa → bbbbbbb): ✗ would be refused: 2 problems');
  });

  it('marks the names it holds, and only those, for bold', () => {
    expect(packLine(docker, { repo: 'st2contrib' }).filter((r) => r.strong).map((r) => r.text)).toEqual(['docker', 'utils']);
  });
});

describe('the plan in a prompt', () => {
  const PROMPT = { phrase: 'alas! ear wax!', packs: 'docker,sensu', repo: 'st2contrib', branch: 'main', timeout: '5m', id: 'ab12cd34', prefix: '!' };

  it('keeps the question as it was and lists the packs under it, bold as each platform writes it, changes first', async () => {
    const t = await createTemplates();
    const plan = promptPlanView(preview([same('sensu'), docker]));
    expect(t.render('confirm_prompt', 'console', { ...PROMPT, plan }).split('\n')).toEqual([
      'Say _alas! ear wax!_ to complete your deployment of *docker,sensu* from *st2contrib* branch _main_ (within 5m; `!pack cancel ab12cd34` withdraws it).',
      '• *docker* 1.2.0 → 1.3.0 (a1b2c3d → d4e5f6a): +2 actions, ~1 rule, −1 sensor; requirements changed (env rebuilt); installs dependency *utils* 0.3.0; 4 commits',
      '• *sensu* unchanged (1.0.0, aaaaaaa)',
    ]);
    expect(t.render('confirm_prompt', 'slack', { ...PROMPT, plan })).toContain('• *docker* 1.2.0 → 1.3.0');
    const discord = t.render('confirm_prompt', 'discord', { ...PROMPT, plan });
    expect(discord).toContain('• **docker** 1.2.0 → 1.3.0');
    expect(discord).toContain('installs dependency **utils** 0.3.0');
    // Without a plan (an operator's old view, an install) the prompt reads exactly as before.
    expect(t.render('confirm_prompt', 'console', PROMPT)).not.toContain('\n');
  });

  it('says why there is no plan when it could not be worked out', async () => {
    const t = await createTemplates();
    expect(t.render('confirm_prompt', 'console', { ...PROMPT, planError: 'the repository could not be fetched' }).split('\n')[1])
      .toBe('(No plan: the repository could not be fetched)');
  });

  it('gives a big request one summary line and sends its packs to the thread', async () => {
    const many = [docker, ...['a', 'b', 'c', 'd', 'e'].map(same), pack('f', { envRebuild: { python: false, node: true } })];
    const plan = promptPlanView(preview(many));
    expect(plan.thread).toBe(true);
    expect(plan.lines).toEqual([]);
    expect(plan.summary).toBe('2 of 7 packs to deploy, 5 unchanged; installs 1 dependency; 2 envs rebuilt; 4 commits');
    const text = (await createTemplates()).render('confirm_prompt', 'console', { ...PROMPT, plan });
    expect(text.split('\n').slice(1)).toEqual(['Plan: 2 of 7 packs to deploy, 5 unchanged; installs 1 dependency; 2 envs rebuilt; 4 commits — every pack is in the thread.']);
    expect(promptPlanView(preview(many.slice(0, 5))).thread).toBe(false);
  });

  it('says, even for a big request, what would stop the whole deploy', async () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => pack(n, { errors: n === 'a' ? ['x'] : [] }));
    const plan = promptPlanView(preview(many, { problems: ['alpha needs lib >=2, and nothing provides it'] }));
    const text = (await createTemplates()).render('confirm_prompt', 'console', { ...PROMPT, plan });
    expect(text.split('\n').slice(1)).toEqual([
      'Plan: 6 packs to deploy; 1 pack would be refused; its dependencies would stop it — every pack is in the thread.',
      '✗ The dependencies would stop it: alpha needs lib >=2, and nothing provides it',
    ]);
  });

  it('sums up plans that change nothing, or everything', () => {
    expect(planSummary(preview([same('a')]))).toBe('nothing to do: the pack is unchanged');
    expect(planSummary(preview([same('a'), same('b')]))).toBe('nothing to do: all 2 packs are unchanged');
    expect(planSummary(preview([same('a'), same('b')]), true)).toBe('all 2 packs are unchanged, redeployed (force)');
    expect(planSummary(preview([pack('a', { warnings: ['w'] })]))).toBe('1 pack to deploy; 1 warning');
  });
});

describe('the plan in full (pack diff, the CLI, a big prompt\'s thread)', () => {
  it('lists each pack with the commits behind it, the rest counted, and its warnings', async () => {
    const beta = pack('beta', { warnings: ['actions/x.yaml: no runner_type'], errors: ['pack.yaml: bad\nand worse'] });
    const view = planDetailsView(preview([same('sensu'), beta, docker], { notPacks: ['packs/docs'], problems: ['lib 2.0 is not available'] }), { commitsShown: 2 });
    const text = (await createTemplates()).render('deploy_plan', 'console', view);
    expect(text.split('\n')).toEqual([
      'Plan for *st2contrib* _main_ at `d4e5f6a`: 2 of 3 packs to deploy, 1 unchanged; installs 1 dependency; 1 env rebuilt; 4 commits; 1 warning; 1 pack would be refused; its dependencies would stop it.',
      '• *beta* 1.0.0 (aaaaaaa → bbbbbbb): ✗ would be refused: 1 problem; 1 warning',
      '   ✗ pack.yaml: bad',
      '     and worse',
      '   ⚠ actions/x.yaml: no runner_type',
      '• *docker* 1.2.0 → 1.3.0 (a1b2c3d → d4e5f6a): +2 actions, ~1 rule, −1 sensor; requirements changed (env rebuilt); installs dependency *utils* 0.3.0; 4 commits',
      '   `1111111` Add check_load — Alice',
      '   `2222222` Drop the poller — Bob',
      '   … and 2 more commits',
      '• *sensu* unchanged (1.0.0, aaaaaaa)',
      '✗ The dependencies would stop it: lib 2.0 is not available',
      '– skipped, not a pack (no pack.yaml): packs/docs',
    ]);
  });

  it('says when deploying would change nothing', async () => {
    const text = (await createTemplates()).render('deploy_plan', 'discord', planDetailsView(preview([same('sensu')])));
    expect(text.split('\n')).toEqual([
      'Plan for **st2contrib** _main_ at `d4e5f6a`: nothing to do: the pack is unchanged.',
      '• **sensu** unchanged (1.0.0, aaaaaaa)',
      'Deploying it would change nothing; add force=true to redeploy anyway.',
    ]);
  });

  it('tells a request that would do nothing so, instead of asking', async () => {
    const t = await createTemplates();
    const text = t.render('deploy_nothing', 'console', { packs: 'sensu', repo: 'st2contrib', branch: 'main', id: 'ab12cd34', plan: promptPlanView(preview([same('sensu')])) });
    expect(text.split('\n')).toEqual([
      'Nothing to do: *sensu* from *st2contrib* branch _main_ (at `d4e5f6a`) is already live, so it was not deployed (id `ab12cd34`). Deploy it with force=true to redeploy anyway.',
      '• *sensu* unchanged (1.0.0, aaaaaaa)',
    ]);
  });

  it('is masked like every chat message: a secret in a commit subject never shows', async () => {
    const responder = createResponder({ templates: await createTemplates(), masker: createMasker(['hunter2-token']), globals: { prefix: '!' } });
    const leaky = pack('beta', { commits: [{ sha: sha('9'), subject: 'oops, pushed hunter2-token', author: 'Eve' }] });
    const text = responder.render('slack', reply('deploy_plan', planDetailsView(preview([leaky]))));
    expect(text).toContain('oops, pushed');
    expect(text).not.toContain('hunter2-token');
  });
});
