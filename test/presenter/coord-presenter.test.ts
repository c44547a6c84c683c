import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createMasker } from '../../src/core/masking/masker.js';
import type { Reply } from '../../src/interfaces/chat/reply.js';
import type { MessageRef } from '../../src/interfaces/chat/types.js';
import { createCliPresenter } from '../../src/interfaces/presenter/cli-presenter.js';
import { createCoordPresenter } from '../../src/interfaces/presenter/coord-presenter.js';
import type { Notifier } from '../../src/interfaces/presenter/notifier.js';
import type { DeploySubject } from '../../src/services/coord/events.js';
import type { Target } from '../../src/core/target.js';
import type { DeployResult } from '../../src/services/deploy/types.js';

const config = parseConfig([
  'repositories:',
  '  demo: {repo: "https://example.invalid/demo.git", branch: main, notify_channel: ops, announce_channel: releases}',
  '  quiet: {repo: "https://example.invalid/quiet.git", branch: main}',
].join('\n'), { file: '/srv/packbot/packbot.yaml', env: {} }).config;
const logger = createLogger({ level: 'silent', masker: createMasker(), destination: new PassThrough(), pretty: false });

const deploy = (over: Partial<DeploySubject> = {}): DeploySubject => ({
  id: 'd1', kind: 'deploy', repo: 'demo', packs: ['alpha'], branch: 'main', defaultBranch: 'main', requester: 'console:alice',
  target: { platform: 'console', channel: 'dev', user: 'alice' }, autoRevert: false, all: false, ...over,
});

const result: DeployResult = {
  deploy_id: 'd1', repo: 'demo', branch: 'main', commit: 'abcdef1234', success_count: 1, failure_count: 0, duration_ms: 1200, stages: {}, error: null,
  packs: [{ pack: 'alpha', source: 'alpha', status: 'deployed', version: '1.0.0', release: 'r1', previous_release: null, components: null, warnings: [], error: null }],
};

/**
 * Records what is sent and edited where, as `send <channel>[/<thread>] <template>` and
 * `update <id> <template>`; while `hold` is set, sends and edits wait until released.
 */
function fakeNotifier() {
  const log: string[] = [];
  const replies: Array<{ entry: string; reply: Reply; target: Target }> = [];
  const waiting: Array<() => void> = [];
  let hold = false;
  let sent = 0;
  const gate = () => (hold ? new Promise<void>((resolve) => waiting.push(resolve)) : Promise.resolve());
  const notifier: Notifier = {
    async send(target: Target, r: Reply): Promise<MessageRef | null> {
      const entry = `send ${target.channel}${target.thread ? `/${target.thread}` : ''} ${r.template}`;
      log.push(entry);
      replies.push({ entry, reply: r, target });
      await gate();
      sent += 1;
      return { channel: target.channel, id: `m${sent}` };
    },
    async update(ref: MessageRef, target: Target, r: Reply): Promise<void> {
      const entry = `update ${ref.id} ${r.template}`;
      log.push(entry);
      replies.push({ entry, reply: r, target });
      await gate();
    },
  };
  return {
    notifier, log, replies,
    holdAll: () => void (hold = true),
    releaseAll: () => {
      hold = false;
      for (const go of waiting.splice(0)) go();
    },
    releaseOne: () => waiting.shift()?.(),
  };
}

/** A state store's get/set, shared between two presenters as Redis is between replicas. */
function sharedState() {
  const map = new Map<string, string>();
  return { get: async (k: string) => map.get(k) ?? null, set: async (k: string, v: string) => void map.set(k, v) };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const pack = (name: string, status: 'deployed' | 'failed' | 'unchanged') => ({
  pack: name, source: name, status, version: '1.0.0', release: status === 'deployed' ? `r-${name}` : null, previous_release: null,
  components: null, warnings: [], error: status === 'failed' ? `${name} is broken` : null,
});
const prompt = (over: Partial<DeploySubject> = {}) => ({ kind: 'confirmation_requested' as const, deploy: deploy(over), phrase: 'alas! ear wax!', timeoutMs: 300_000 });

describe('the chat presenter of coordination events', () => {
  it('never holds coordination up: emit returns while the platform has not answered', async () => {
    const { notifier, log, holdAll, releaseAll } = fakeNotifier();
    const events = createCoordPresenter({ config, notifier, logger });
    holdAll();
    // A platform that does not answer at all (rate-limited for minutes): every emit still returns.
    await events.emit({ kind: 'deploy_started', deploy: deploy() });
    for (let i = 0; i < 50; i++) await events.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'validate', status: 'done', pack: `p${i}`, elapsedMs: i } });
    await events.emit({ kind: 'deploy_finished', deploy: deploy(), result });
    expect(log).toEqual(['send ops notify_deploy_started']);
    releaseAll();
    await events.idle();
    expect(log[0]).toBe('send ops notify_deploy_started');
  });

  it('makes a deploy one message: the ack is edited through the stages into the summary; pending edits collapse into the newest', async () => {
    const { notifier, log, replies, holdAll, releaseOne, releaseAll } = fakeNotifier();
    const events = createCoordPresenter({ config, notifier, logger });
    await events.emit({ kind: 'deploy_started', deploy: deploy() });
    await events.idle();
    expect(log).toEqual(['send ops notify_deploy_started', 'send dev deploy_ack']);
    holdAll();
    await events.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'fetch', status: 'start' } });
    await events.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'fetch', status: 'done', elapsedMs: 10 } });
    await tick();
    // The first edit is in flight; three more stages finish meanwhile.
    expect(log.slice(2)).toEqual(['update m2 deploy_progress']);
    for (const stage of ['discover', 'validate', 'install'] as const) await events.emit({ kind: 'progress', deploy: deploy(), progress: { stage, status: 'done', elapsedMs: 1 } });
    await tick();
    releaseOne();
    await tick();
    // They went out as one edit, the newest.
    expect(log.slice(3)).toEqual(['update m2 deploy_progress']);
    expect(replies[3]?.reply.data?.['lines']).toEqual(['✓ fetch (10ms)', '✓ discover (1ms)', '✓ validate (1ms)', '✓ install (1ms)']);
    // More progress, then the end, while that edit is in flight: the summary replaces what was waiting.
    await events.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'register', status: 'done', elapsedMs: 1 } });
    await events.emit({ kind: 'deploy_finished', deploy: deploy(), result });
    await tick();
    releaseAll();
    await events.idle();
    // The summary is that same message, edited; the notify channel's line is edited too. Nothing new was posted.
    expect(log.slice(4)).toEqual(['update m2 deploy_summary', 'update m1 notify_deploy_finished']);
    expect(log.filter((l) => l.startsWith('send'))).toHaveLength(2);
  });

  it('asks for the phrase in the queued message\'s thread, pings there, and edits the prompt once it is confirmed by typing', async () => {
    const { notifier, log, replies } = fakeNotifier();
    const events = createCoordPresenter({ config, notifier, logger });
    await events.emit({ kind: 'queued', deploy: deploy(), ahead: 1, policy: 'always', waiting: true });
    await events.emit(prompt());
    await events.emit({ kind: 'confirmed', deploy: deploy(), by: 'console:alice', via: 'text' });
    await events.emit({ kind: 'deploy_started', deploy: deploy() });
    await events.emit({ kind: 'deploy_finished', deploy: deploy(), result });
    await events.idle();
    expect(log).toEqual([
      'send dev deploy_queued',
      'send dev/m1 confirm_prompt', 'update m1 deploy_confirming',
      'update m2 confirm_resolved',
      'send ops notify_deploy_started', 'update m1 deploy_ack',
      'update m1 deploy_summary', 'send dev/m1 deploy_done', 'update m3 notify_deploy_finished',
    ]);
    const promptSent = replies.find((r) => r.entry === 'send dev/m1 confirm_prompt');
    expect(promptSent?.reply.mention).toBe(true);
    expect(promptSent?.reply.buttons?.map((b) => b.action)).toEqual(['confirm', 'cancel']);
    // The resolved prompt has no buttons and says who confirmed.
    const resolved = replies.find((r) => r.entry === 'update m2 confirm_resolved');
    expect(resolved?.reply.buttons).toBeUndefined();
    expect(String(resolved?.reply.data?.['outcome'])).toMatch(/^✓ Confirmed by /);
    // Whoever waited is pinged with the result, in the thread.
    expect(replies.find((r) => r.entry === 'send dev/m1 deploy_done')?.reply.mention).toBe(true);
  });

  it('a prompt that is the deploy\'s first message: a click was shown by the platform; typed, cancelled and expired prompts are edited', async () => {
    const clicked = fakeNotifier();
    const a = createCoordPresenter({ config, notifier: clicked.notifier, logger });
    await a.emit(prompt());
    await a.emit({ kind: 'confirmed', deploy: deploy(), by: 'console:alice', via: 'button' });
    await a.idle();
    expect(clicked.log).toEqual(['send dev confirm_prompt']);

    for (const [event, outcome] of [
      [{ kind: 'confirmed', deploy: deploy({ id: 'd2' }), by: 'console:alice', via: 'text' }, /^✓ Confirmed by /],
      [{ kind: 'cancelled', deploy: deploy({ id: 'd2' }), by: 'console:bob', forced: true, via: 'text' }, /^✗ Cancelled by /],
      [{ kind: 'confirmation_expired', deploy: deploy({ id: 'd2' }), timeoutMs: 300_000 }, /^⌛ Not confirmed within 5m/],
    ] as const) {
      const typed = fakeNotifier();
      const b = createCoordPresenter({ config, notifier: typed.notifier, logger });
      await b.emit(prompt({ id: 'd2' }));
      await b.emit(event);
      await b.idle();
      expect(typed.log).toEqual(['send dev confirm_prompt', 'update m1 confirm_resolved']);
      expect(String(typed.replies[1]?.reply.data?.['outcome'])).toMatch(outcome);
      expect(typed.replies[1]?.reply.buttons).toBeUndefined();
    }
  });

  it('a cancelled queued request: its message says so; nothing else is posted', async () => {
    const { notifier, log } = fakeNotifier();
    const events = createCoordPresenter({ config, notifier, logger });
    await events.emit({ kind: 'queued', deploy: deploy(), ahead: 2, policy: 'never', waiting: true });
    await events.emit({ kind: 'cancelled', deploy: deploy(), by: 'console:alice', forced: false, via: 'text' });
    await events.idle();
    expect(log).toEqual(['send dev deploy_queued', 'update m1 confirm_resolved']);
  });

  it('a request that started at once, or an auto-revert, says nothing about the queue', async () => {
    const { notifier, log } = fakeNotifier();
    const events = createCoordPresenter({ config, notifier, logger });
    await events.emit({ kind: 'deploy_started', deploy: deploy() });
    await events.emit({ kind: 'queued', deploy: deploy(), ahead: 0, policy: 'never', waiting: true });
    await events.emit({ kind: 'queued', deploy: deploy({ id: 'd3' }), ahead: 0, policy: 'never', waiting: false });
    await events.emit({ kind: 'queued', deploy: deploy({ id: 'd4', autoRevert: true }), ahead: 1, policy: 'never', waiting: true });
    await events.idle();
    expect(log).toEqual(['send ops notify_deploy_started', 'send dev deploy_ack']);
  });

  it('a big deploy: the summary shows "all N packs", failures first and 10 packs; every pack is in one reply in its thread', async () => {
    const { notifier, log, replies } = fakeNotifier();
    const events = createCoordPresenter({ config, notifier, logger });
    const names = Array.from({ length: 30 }, (_, i) => `pack${String(i).padStart(2, '0')}`);
    const all = deploy({ packs: names, all: true });
    const big: DeployResult = {
      ...result, success_count: 28, failure_count: 2,
      packs: names.map((n) => pack(n, n === 'pack17' || n === 'pack25' ? 'failed' : 'deployed')),
    };
    await events.emit({ kind: 'deploy_started', deploy: all });
    await events.emit({ kind: 'deploy_finished', deploy: all, result: big });
    await events.idle();
    expect(log).toEqual(['send ops notify_deploy_started', 'send dev deploy_ack', 'update m2 deploy_summary', 'send dev/m2 deploy_details', 'update m1 notify_deploy_finished']);
    expect(replies[0]?.reply.data?.['packs']).toBe('all 30 packs');
    const summary = replies[2]?.reply.data as { packs: Array<{ pack: string }>; more: number };
    expect(summary.packs.map((p) => p.pack).slice(0, 3)).toEqual(['pack17', 'pack25', 'pack00']);
    expect(summary.packs).toHaveLength(10);
    expect(summary.more).toBe(20);
    expect((replies[3]?.reply.data as { packs: unknown[] }).packs).toHaveLength(30);
  });

  it('the notify line of a deploy is one message: started, edited to finished, with the lock it took added', async () => {
    const { notifier, log, replies } = fakeNotifier();
    const events = createCoordPresenter({ config, notifier, logger });
    const branch = deploy({ branch: 'feature-x' });
    const lock = { pack: 'alpha', owner: 'console:alice', branch: 'feature-x', repo: 'demo', since: '2024-01-01T00:00:00.000Z', expires_at: '2024-01-01T02:00:00.000Z' };
    await events.emit({ kind: 'deploy_started', deploy: branch });
    await events.emit({ kind: 'deploy_finished', deploy: branch, result });
    await events.emit({ kind: 'lock_taken', lock, defaultBranch: 'main', revertsInMs: 7_200_000, origin: branch.target, deployId: 'd1' });
    await events.idle();
    expect(log.filter((l) => l.includes('notify') || l.startsWith('update m1'))).toEqual([
      'send ops notify_deploy_started', 'update m1 notify_deploy_finished', 'update m1 notify_deploy_finished',
    ]);
    expect(replies.at(-1)?.reply.data?.['locks']).toEqual([expect.objectContaining({ taken: true, pack: 'alpha', branch: 'feature-x' })]);
  });

  it('another replica shows the next step in the same message (refs are kept in the state store)', async () => {
    const state = sharedState();
    const one = fakeNotifier();
    const two = fakeNotifier();
    const a = createCoordPresenter({ config, notifier: one.notifier, logger, state });
    const b = createCoordPresenter({ config, notifier: two.notifier, logger, state });
    await a.emit({ kind: 'queued', deploy: deploy(), ahead: 1, policy: 'never', waiting: true });
    await a.idle();
    await b.emit({ kind: 'deploy_started', deploy: deploy() });
    await b.emit({ kind: 'deploy_finished', deploy: deploy(), result });
    await b.idle();
    expect(one.log).toEqual(['send dev deploy_queued']);
    expect(two.log).toEqual(['send ops notify_deploy_started', 'update m1 deploy_ack', 'update m1 deploy_summary', 'send dev/m1 deploy_done', 'update m1 notify_deploy_finished']);
  });

  it("tells a repository's notify channel, except when it happened there; announces only where announce_channel is set", async () => {
    const { notifier, log } = fakeNotifier();
    const events = createCoordPresenter({ config, notifier, logger });
    const lock = { pack: 'alpha', owner: 'console:alice', branch: 'feature-x', repo: 'demo', since: '2024-01-01T00:00:00.000Z', expires_at: '2024-01-01T02:00:00.000Z' };
    await events.emit({ kind: 'lock_taken', lock, defaultBranch: 'main', revertsInMs: 7_200_000, origin: { platform: 'console', channel: 'dev' }, deployId: 'x1' });
    await events.emit({ kind: 'lock_taken', lock, defaultBranch: 'main', revertsInMs: 7_200_000, origin: { platform: 'console', channel: 'ops' }, deployId: 'x2' });
    await events.emit({ kind: 'lock_force_released', lock, by: 'console:root', origin: { platform: 'console', channel: 'dev' } });
    await events.emit({ kind: 'lock_released', pack: 'beta', repo: 'quiet', by: 'console:bob', defaultBranch: 'main', origin: { platform: 'console', channel: 'dev' }, deployId: 'x3' });
    await events.idle();
    expect(log).toEqual(['send ops notify_lock_taken', 'send ops lock_released']);
    expect(events.announces('demo')).toBe(true);
    expect(events.announces('quiet')).toBe(false);
  });
});

describe('the CLI presenter', () => {
  const masker = createMasker(['hunter2']);
  const run = (json: boolean) => {
    const out: string[] = [];
    const err: string[] = [];
    const cli = createCliPresenter({ json, masker, render: (r) => `${r.template} ${String(r.data?.['id'])} hunter2`, out: (t) => out.push(t), err: (t) => err.push(t) });
    return { cli, out, err };
  };

  it('prints a masked line per finished stage on stderr and the summary on stdout', async () => {
    const { cli, out, err } = run(false);
    await cli.emit({ kind: 'deploy_started', deploy: deploy() });
    await cli.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'fetch', status: 'start' } });
    await cli.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'install', status: 'failed', pack: 'hunter2' } });
    cli.summary(result);
    expect(err).toEqual(['✗ install ***\n']);
    expect(out).toEqual(['deploy_summary d1 ***\n']);
    expect(cli.announces('demo')).toBe(false);
  });

  it('with --json, prints no progress and the result as JSON', async () => {
    const { cli, out, err } = run(true);
    await cli.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'install', status: 'done' } });
    cli.summary(result);
    expect(err).toEqual([]);
    expect(JSON.parse(out.join(''))).toEqual(result);
  });
});
