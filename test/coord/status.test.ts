import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { createPolicy, type Actor } from '../../src/domain/permissions/index.js';
import type { HistoryRecord } from '../../src/domain/store/history.js';
import type { LockRecord } from '../../src/services/coord/branch-locks.js';
import type { QueueEntry } from '../../src/services/coord/queue.js';
import { buildStatusView, type StatusInput } from '../../src/services/coord/status.js';
import { statusDisplay } from '../../src/interfaces/presenter/status-view.js';
import { stripPeople } from '../../src/core/identity.js';

const NOW = new Date('2030-01-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const ALICE = 'slack:UALICE01';
const BOB = 'slack:UBOB0002';

function entry(id: string, requester: string, state: QueueEntry['state'], over: Partial<QueueEntry> = {}): QueueEntry {
  return { id, seq: 0, packs: ['alpha'], requester, summary: `alpha from demo main`, enqueued_at: ago(60_000), state, ...over };
}
const queued = (e: QueueEntry, repo = 'demo', branch = 'main') => ({ entry: e, repo, branch, kind: 'deploy' as const, all: false });
const lock = (pack: string, owner: string, repo = 'demo'): LockRecord => ({ pack, owner, repo, branch: 'feature-x', since: ago(600_000), expires_at: new Date(NOW.getTime() + 3_000_000).toISOString() });
function record(id: string, by: string, repo: string, kind: HistoryRecord['kind'] = 'deploy'): HistoryRecord {
  return {
    id, kind, requested_by: by, repo, branch: 'main', started_at: ago(120_000), finished_at: ago(90_000), duration_ms: 30_000, result: 'success',
    packs: [{ pack: 'alpha', status: 'deployed', version: '1.0.0', from: null, to: 'r1', warnings: [] }], stages: {},
  };
}

const input = (over: Partial<StatusInput> = {}): StatusInput => ({ viewer: ALICE, now: NOW, queue: [], locks: [], history: [], sees: () => true, ...over });

describe('the status view', () => {
  it("puts the viewer's requests and locks first, each group in queue order (positions as `pack queue` numbers them)", () => {
    const view = buildStatusView(input({
      queue: [queued(entry('e1', BOB, 'running')), queued(entry('e2', ALICE, 'ready', { awaiting: 'confirmation' })), queued(entry('e3', BOB, 'waiting')), queued(entry('e4', ALICE, 'waiting'))],
      locks: [lock('zeta', ALICE), lock('beta', BOB), lock('alpha', ALICE)],
    }));
    expect(view.queue.map((r) => [r.id, r.position, r.state, r.mine])).toEqual([
      ['e2', 2, 'confirming', true], ['e4', 4, 'waiting', true], ['e1', 1, 'running', false], ['e3', 3, 'waiting', false],
    ]);
    expect(view.locks.map((l) => [l.pack, l.mine])).toEqual([['alpha', true], ['zeta', true], ['beta', false]]);
    expect(view.at).toBe(NOW.toISOString());
  });

  it('shows only repositories the viewer may deploy; a request whose repository is unknown only to its requester', () => {
    const sees = (repo: string) => repo !== 'secret';
    const view = buildStatusView(input({
      sees,
      queue: [queued(entry('e1', BOB, 'waiting'), 'secret'), queued(entry('e2', BOB, 'waiting'), ''), queued(entry('e3', ALICE, 'waiting'), '')],
      locks: [lock('alpha', BOB, 'secret'), lock('beta', BOB)],
      history: [record('d1', BOB, 'secret'), record('d2', BOB, 'demo')],
    }));
    expect(view.queue.map((r) => r.id)).toEqual(['e3']);
    expect(view.locks.map((l) => l.pack)).toEqual(['beta']);
    expect(view.deploys.map((d) => d.id)).toEqual(['d2']);
  });

  it('lists the last deploys only (no unlocks, rollbacks or refusals), newest first, at most `deploys`', () => {
    const history = [
      record('u1', ALICE, 'demo', 'unlock'), record('x1', BOB, 'demo', 'denied'), record('d3', BOB, 'demo'), record('r1', ALICE, 'demo', 'rollback'),
      record('d2', ALICE, 'demo'), record('d1', BOB, 'demo'),
    ];
    const view = buildStatusView(input({ history, deploys: 2 }));
    expect(view.deploys.map((d) => [d.id, d.mine])).toEqual([['d3', false], ['d2', true]]);
    expect(view.deploys[0]?.packs).toEqual([{ pack: 'alpha', status: 'deployed', version: '1.0.0' }]);
  });

  it('reads as people read it: spans, outcomes, people by name', () => {
    const view = buildStatusView(input({ queue: [queued(entry('e1', BOB, 'waiting'))], locks: [lock('alpha', BOB)], history: [record('d1', BOB, 'demo')] }));
    const shown = statusDisplay(view);
    expect(shown.queue[0]).toMatchObject({ position: 1, state: 'waiting', what: 'alpha from demo main', packs: 'alpha', waiting: '1m', mine: false });
    expect(stripPeople(shown.queue[0]!.who)).toBe('@UBOB0002');
    expect(shown.locks[0]).toMatchObject({ pack: 'alpha', since: '10m', reverts: 'in 50m' });
    expect(shown.deploys[0]).toMatchObject({ icon: '✓', result: 'succeeded', packs: 'alpha 1.0.0 deployed', ago: '1m ago' });
  });
});

describe('who may deploy from a repository (what the status views show)', () => {
  const policy = createPolicy(parseConfig(`
repositories:
  open: {repo: "https://git.example.com/open.git"}
  prod: {repo: "https://git.example.com/prod.git", allowed_users: [release-managers, "slack:U0DAVE"], allowed_channels: ["#ops"]}
permissions:
  admins: ["slack:U0ROOT"]
  deployers: ["slack:U0ALICE", "slack:U0DAVE", "slack:U0ERIN"]
  roles:
    release-managers: ["slack-group:S0RM"]
`, { file: '/srv/packbot/packbot.yaml', env: {} }).config);
  const actor = (identity: string, groups: string[] = []): Actor => ({ identity, groups, channel: { id: 'general', name: 'general' } });

  it("needs the deploy command's permission and the repository's allowed_users; channel lists hide nothing", () => {
    expect(policy.mayDeploy(actor('slack:U0ALICE'), 'open')).toBe(true);
    expect(policy.mayDeploy(actor('slack:U0ALICE'), 'prod')).toBe(false);
    // Dave may deploy prod, from #ops only: asked in #general he still sees it.
    expect(policy.mayDeploy(actor('slack:U0DAVE'), 'prod')).toBe(true);
    expect(policy.mayDeploy(actor('slack:U0ERIN', ['slack-group:S0RM']), 'prod')).toBe(true);
    expect(policy.mayDeploy(actor('slack:U0ROOT'), 'prod')).toBe(true);
    // Not a deployer: no repository at all; an unconfigured one (a URL, the registry) like any.
    expect(policy.mayDeploy(actor('slack:U0NOBODY'), 'open')).toBe(false);
    expect(policy.mayDeploy(actor('slack:U0ALICE'), 'registry')).toBe(true);
    // An alias that needs another role.
    expect(policy.mayDeploy(actor('slack:U0ALICE'), 'open', 'admin')).toBe(false);
  });
});
