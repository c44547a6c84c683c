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
  target: { platform: 'console', channel: 'dev', user: 'alice' }, autoRevert: false, ...over,
});

const result: DeployResult = {
  deploy_id: 'd1', repo: 'demo', branch: 'main', commit: 'abcdef1234', success_count: 1, failure_count: 0, duration_ms: 1200, stages: {}, error: null,
  packs: [{ pack: 'alpha', source: 'alpha', status: 'deployed', version: '1.0.0', release: 'r1', previous_release: null, components: null, warnings: [], error: null }],
};

/** Records what is sent where; edits resolve only when the test lets them. */
function fakeNotifier() {
  const log: string[] = [];
  const pending: Array<() => void> = [];
  const notifier: Notifier = {
    async send(target: Target, r: Reply): Promise<MessageRef | null> {
      log.push(`send ${target.channel} ${r.template}`);
      return { channel: target.channel, id: `m${log.length}` };
    },
    update(ref: MessageRef, _target: Target, r: Reply): Promise<void> {
      log.push(`update ${ref.id} ${(r.data?.['lines'] as string[]).join('|')}`);
      return new Promise((resolve) => pending.push(() => (log.push(`updated ${ref.id}`), resolve())));
    },
  };
  return { notifier, log, release: () => pending.shift()?.() };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('the chat presenter of coordination events', () => {
  it('edits the acknowledgement one update at a time, and sends the summary only after every edit', async () => {
    const { notifier, log, release } = fakeNotifier();
    const events = createCoordPresenter({ config, notifier, logger });
    await events.emit({ kind: 'deploy_started', deploy: deploy() });
    expect(log).toEqual(['send ops notify_deploy_started', 'send dev deploy_ack']);

    void events.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'fetch', status: 'start' } });
    void events.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'fetch', status: 'done', elapsedMs: 10 } });
    void events.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'install', status: 'done', pack: 'alpha', elapsedMs: 20 } });
    const finished = events.emit({ kind: 'deploy_finished', deploy: deploy(), result });
    await tick();
    // A start is not worth a line; the second edit waits for the first.
    expect(log.slice(2)).toEqual(['update m2 ✓ fetch (10ms)']);
    release();
    await tick();
    expect(log.slice(3)).toEqual(['updated m2', 'update m2 ✓ fetch (10ms)|✓ install alpha (20ms)']);
    release();
    await finished;
    expect(log.slice(5)).toEqual(['updated m2', 'send dev deploy_summary', 'send ops notify_deploy_finished']);

    // Finished: its acknowledgement is forgotten, a late event edits nothing.
    await events.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'record', status: 'failed' } });
    await events.emit({ kind: 'progress', deploy: deploy(), progress: { stage: 'install', status: 'failed' } });
    expect(log).toHaveLength(8);
  });

  it("tells a repository's notify channel, except when it happened there; announces only where announce_channel is set", async () => {
    const { notifier, log } = fakeNotifier();
    const events = createCoordPresenter({ config, notifier, logger });
    const lock = { pack: 'alpha', owner: 'console:alice', branch: 'feature-x', repo: 'demo', since: '2024-01-01T00:00:00.000Z', expires_at: '2024-01-01T02:00:00.000Z' };
    await events.emit({ kind: 'lock_taken', lock, defaultBranch: 'main', revertsInMs: 7_200_000, origin: { platform: 'console', channel: 'dev' } });
    await events.emit({ kind: 'lock_taken', lock, defaultBranch: 'main', revertsInMs: 7_200_000, origin: { platform: 'console', channel: 'ops' } });
    await events.emit({ kind: 'lock_force_released', lock, by: 'console:root', origin: { platform: 'console', channel: 'dev' } });
    await events.emit({ kind: 'lock_released', pack: 'beta', repo: 'quiet', by: 'console:bob', defaultBranch: 'main', origin: { platform: 'console', channel: 'dev' } });
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
