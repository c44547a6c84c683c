import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { isPackbotError } from '../../src/core/errors.js';
import { planDeploy, planResolved, tryPlanDeploy } from '../../src/services/deploy/plan.js';
import { resolveRepository, withCredentials } from '../../src/services/deploy/resolve.js';
import { planInstall } from '../../src/services/install/install-plan.js';

const TOKEN = 't0ken-value-0123456789';
const config = (extra = '') =>
  parseConfig(
    `repositories:\n  st2contrib: {repo: "https://github.com/StackStorm/st2contrib.git", branch: main, token: "${TOKEN}", require_tests: [docker]}\n${extra}`,
    { file: path.join('/srv/packbot', 'packbot.yaml'), env: {} },
  ).config;

const ask = { requestedBy: 'slack:U1', channel: 'ops' };

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isPackbotError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('not refused');
}

describe('planDeploy', () => {
  it('resolves the repository and the default branch once, into plain JSON without credentials', () => {
    const plan = planDeploy(config(), { ...ask, repo: 'st2contrib', packs: 'docker, sensu,docker' });
    expect(plan).toMatchObject({
      kind: 'deploy', ref: 'main', packs: ['docker', 'sensu'], force: false, requestedBy: 'slack:U1', channel: 'ops',
      repo: { name: 'st2contrib', remote: { name: 'st2contrib', url: 'https://github.com/StackStorm/st2contrib.git' }, defaultBranch: 'main', settings: { require_tests: ['docker'] } },
    });
    expect(plan.id).toMatch(/^[0-9a-f]{8}$/);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(JSON.stringify(plan)).not.toContain(TOKEN);
  });

  it('reads refs/heads/<default branch> as the default branch (it releases locks), any other spelled-out ref as written', () => {
    expect(planDeploy(config(), { ...ask, repo: 'st2contrib', packs: 'docker', ref: 'refs/heads/main' }).ref).toBe('main');
    expect(planDeploy(config(), { ...ask, repo: 'st2contrib', packs: 'docker', ref: 'refs/heads/feature-x' }).ref).toBe('refs/heads/feature-x');
  });

  it('keeps packs as a list, empty for all, whether asked as text or as names', () => {
    const c = config();
    expect(planDeploy(c, { ...ask, repo: 'st2contrib', packs: 'all' }).packs).toEqual([]);
    expect(planDeploy(c, { ...ask, repo: 'st2contrib', packs: [] }).packs).toEqual([]);
    expect(planDeploy(c, { ...ask, repo: 'st2contrib', packs: ['a', 'b'] }).packs).toEqual(['a', 'b']);
  });

  it('refuses a bad repository, ref or pack list with the errors deploys have always given', () => {
    const c = config();
    expect(refusal(() => planDeploy(c, { ...ask, repo: 'nope', packs: '' }))).toEqual({
      code: 'repo_unknown', message: 'Unknown repository "nope" (configured: st2contrib). Add it under repositories: in packbot.yaml.',
    });
    expect(refusal(() => planDeploy(c, { ...ask, repo: 'st2contrib', packs: '', ref: '--upload-pack=x' })).code).toBe('git_ref_invalid');
    expect(refusal(() => planDeploy(c, { ...ask, repo: 'st2contrib', packs: '../../etc' }))).toMatchObject({ code: 'usage', message: expect.stringMatching(/^Invalid pack name/) });
  });

  it('says how far planning got when it refuses, for the failed deploy it becomes', () => {
    const c = config();
    expect(tryPlanDeploy(c, { ...ask, repo: 'nope', packs: '' })).toMatchObject({ ref: '', resolved: false });
    expect(tryPlanDeploy(c, { ...ask, repo: 'st2contrib', packs: 'a b' })).toMatchObject({ ref: 'main', resolved: true });
  });

  it('plans a repository resolved already (a push) without resolving it again', () => {
    const repo = resolveRepository(config(), 'st2contrib');
    const plan = planResolved(repo, { ...ask, id: 'abcd1234', packs: ['docker'], ref: 'main' });
    expect(plan).toEqual(planDeploy(config(), { ...ask, id: 'abcd1234', repo: 'st2contrib', packs: 'docker', ref: 'main' }));
  });
});

describe('withCredentials', () => {
  it('adds the configured credentials only when the deploy runs', () => {
    const plan = planDeploy(config(), { ...ask, repo: 'st2contrib', packs: '' });
    expect(withCredentials(config(), plan.repo).remote).toEqual({ name: 'st2contrib', url: 'https://github.com/StackStorm/st2contrib.git', token: TOKEN });
  });

  it('refuses a plan whose repository is no longer configured at that URL: no token goes elsewhere', () => {
    const plan = planDeploy(config(), { ...ask, repo: 'st2contrib', packs: '' });
    const moved = { ...plan.repo, remote: { ...plan.repo.remote, url: 'https://evil.example/st2contrib.git' } };
    expect(refusal(() => withCredentials(config(), moved)).code).toBe('repo_unknown');
    const gone = parseConfig('repositories: {}\n', { file: '/srv/packbot/packbot.yaml', env: {} }).config;
    expect(refusal(() => withCredentials(gone, plan.repo)).code).toBe('repo_unknown');
  });
});

describe('planInstall', () => {
  it('checks the specs once and keeps them as a list', () => {
    const plan = planInstall({ ...ask, packs: 'slack=2.3.0, docker slack=2.3.0' });
    expect(plan).toMatchObject({ kind: 'install', ref: 'registry', packs: ['slack=2.3.0', 'docker'], repo: { name: 'registry' } });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(refusal(() => planInstall({ ...ask, packs: ' , ' })).code).toBe('usage');
    expect(refusal(() => planInstall({ ...ask, packs: 'https://evil.example/x.tgz' })).code).toBe('registry_request_invalid');
  });
});
