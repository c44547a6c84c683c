import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { isPackbotError } from '../../src/core/errors.js';
import { SYSTEM_IDENTITY } from '../../src/core/identity.js';
import { planDeploy } from '../../src/services/deploy/plan.js';
import { withCredentials } from '../../src/services/deploy/resolve.js';
import { planInstall } from '../../src/services/install/install-plan.js';
import { readPayload, type LegacyPayload } from '../../src/services/coord/payload.js';
import type { DeployPayload } from '../../src/services/coord/types.js';
import type { LockRecord } from '../../src/services/coord/branch-locks.js';

const config = parseConfig(
  [
    'repositories:',
    '  st2contrib: {repo: "https://github.com/StackStorm/st2contrib.git", branch: main, token: "t0ken-value-0123456789"}',
    'allow_urls: true',
    'url_allowlist: ["https://github.com/StackStorm-Exchange/"]',
    '',
  ].join('\n'),
  { file: path.join('/srv/packbot', 'packbot.yaml'), env: {} },
).config;

const target = { platform: 'slack', channel: 'C1', user: 'U1' };
const lock: LockRecord = {
  pack: 'docker', owner: 'slack:U1', branch: 'feature-x', repo: 'st2contrib', since: '2024-01-01T00:00:00.000Z', expires_at: '2024-01-01T01:00:00.000Z', target,
};

/** An entry as the previous version queued it: the request as text, the branch three times. */
function legacy(request: LegacyPayload['request'], repo: string, branch: string, extra: Partial<LegacyPayload> = {}): LegacyPayload {
  return { request, repo, branch, defaultBranch: 'main', target, policy: 'never', ...extra };
}

describe('readPayload', () => {
  it('hands a plan payload back as it is', () => {
    const payload: DeployPayload = { plan: planDeploy(config, { repo: 'st2contrib', packs: ['docker'], requestedBy: 'slack:U1' }), target, policy: 'always' };
    expect(readPayload(config, JSON.parse(JSON.stringify(payload)))).toEqual(payload);
  });

  it('reads an entry queued by the previous version as the plan its request makes', () => {
    const cases: Array<[LegacyPayload, DeployPayload['plan']]> = [
      [
        legacy({ id: 'a1', repo: 'st2contrib', packs: 'docker,sensu', ref: 'feature-x', force: true, requestedBy: 'slack:U1', channel: 'ops', note: 'why' }, 'st2contrib', 'feature-x'),
        planDeploy(config, { id: 'a1', repo: 'st2contrib', packs: ['docker', 'sensu'], ref: 'feature-x', force: true, requestedBy: 'slack:U1', channel: 'ops', note: 'why' }),
      ],
      [
        legacy({ id: 'a2', repo: 'https://github.com/StackStorm-Exchange/stackstorm-docker.git', packs: '', ref: 'master', force: false, requestedBy: 'github:alice' }, 'url-0123456789ab', 'master'),
        planDeploy(config, { id: 'a2', repo: 'https://github.com/StackStorm-Exchange/stackstorm-docker.git', packs: [], ref: 'master', requestedBy: 'github:alice' }),
      ],
      [
        legacy({ id: 'a3', kind: 'install', repo: 'registry', packs: 'slack=2.3.0,docker', force: false, requestedBy: 'slack:U1', channel: 'ops' }, 'registry', 'registry'),
        planInstall({ id: 'a3', packs: ['slack=2.3.0', 'docker'], requestedBy: 'slack:U1', channel: 'ops' }),
      ],
    ];
    for (const [old, plan] of cases) {
      expect(readPayload(config, JSON.parse(JSON.stringify(old)))).toEqual({ plan, target, policy: 'never' });
    }
  });

  it('keeps an old auto-revert an auto-revert', () => {
    const old = legacy({ id: 'r1', repo: 'st2contrib', packs: 'docker', ref: 'main', requestedBy: SYSTEM_IDENTITY, channel: 'C1', note: 'auto-revert' }, 'st2contrib', 'main', { revert: lock });
    expect(readPayload(config, old)).toEqual({
      plan: planDeploy(config, { id: 'r1', repo: 'st2contrib', packs: ['docker'], ref: 'main', requestedBy: SYSTEM_IDENTITY, channel: 'C1', note: 'auto-revert' }),
      target, policy: 'never', revert: lock,
    });
  });

  it('reads an old entry whose repository has left the config as a deploy its run refuses, not as an error', () => {
    const old = legacy({ id: 'g1', repo: 'gone', packs: 'docker', ref: 'feature-x', requestedBy: 'slack:U1' }, 'gone', 'feature-x');
    const { plan } = readPayload(config, old);
    expect(plan).toMatchObject({ id: 'g1', kind: 'deploy', ref: 'feature-x', packs: ['docker'], requestedBy: 'slack:U1', repo: { name: 'gone', defaultBranch: 'main' } });
    let refused: unknown = null;
    try {
      withCredentials(config, plan.repo);
    } catch (err) {
      refused = err;
    }
    expect(isPackbotError(refused) && refused.code).toBe('repo_unknown');
  });
});
