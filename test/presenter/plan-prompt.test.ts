/** Where a deploy's plan goes in chat: under the prompt, a big one's details in the thread, a brief one in the deploy message. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createMasker } from '../../src/core/masking/masker.js';
import type { Reply } from '../../src/interfaces/chat/reply.js';
import type { MessageRef } from '../../src/interfaces/chat/types.js';
import { createCoordPresenter } from '../../src/interfaces/presenter/coord-presenter.js';
import type { Notifier } from '../../src/interfaces/presenter/notifier.js';
import { createTemplates } from '../../src/interfaces/templates/environment.js';
import type { DeploySubject } from '../../src/services/coord/events.js';
import type { Target } from '../../src/core/target.js';
import type { DeployPreview, PackPreview } from '../../src/services/deploy/preview-types.js';

const config = parseConfig('repositories:\n  demo: {repo: "https://example.invalid/demo.git", branch: main}\n', { file: '/srv/packbot/packbot.yaml', env: {} }).config;
const logger = createLogger({ level: 'silent', masker: createMasker(), destination: new PassThrough(), pretty: false });

const deploy = (packs: string[]): DeploySubject => ({
  id: 'd1', kind: 'deploy', repo: 'demo', packs, branch: 'main', defaultBranch: 'main', requester: 'console:bob',
  target: { platform: 'console', channel: 'dev', user: 'bob' }, autoRevert: false, all: false,
});

const lists = () => ({ actions: [], rules: [], sensors: [], aliases: [] });
const packPreview = (name: string, unchanged = false): PackPreview => ({
  pack: name, source: `packs/${name}`,
  from: { version: '1.0.0', commit: 'a'.repeat(40), branch: 'main', repo: 'demo', release: `${name}-r1` },
  to: { version: unchanged ? '1.0.0' : '1.1.0', commit: 'b'.repeat(40), branch: 'main' },
  unchanged, added: { ...lists(), actions: unchanged ? [] : ['greet'] }, removed: lists(), changed: lists(), envRebuild: { python: false, node: false },
  dependencies: [], commits: unchanged ? [] : [{ sha: 'c'.repeat(40), subject: `${name}: greet`, author: 'Ada' }], moreCommits: 0, warnings: [], errors: [],
});
const previewOf = (packs: PackPreview[]): DeployPreview => ({
  repo: 'demo', ref: 'main', commit: 'b'.repeat(40), packs, notPacks: [], problems: [], nothingToDo: packs.every((p) => p.unchanged),
});

/** Records `send <channel>[/<thread>] <template>` and `update <id> <template>`, and the text each would show in the console. */
async function recorder() {
  const templates = await createTemplates();
  const log: string[] = [];
  const texts: string[] = [];
  let sent = 0;
  const note = (r: Reply) => texts.push(templates.render(r.template, 'console', { prefix: '!', ...r.data }));
  const notifier: Notifier = {
    async send(target: Target, r: Reply): Promise<MessageRef | null> {
      log.push(`send ${target.channel}${target.thread ? `/${target.thread}` : ''} ${r.template}`);
      note(r);
      sent += 1;
      return { channel: target.channel, id: `m${sent}` };
    },
    async update(ref: MessageRef, _target: Target, r: Reply): Promise<void> {
      log.push(`update ${ref.id} ${r.template}`);
      note(r);
    },
  };
  return { events: createCoordPresenter({ config, notifier, logger }), log, texts };
}

describe('the plan in chat', () => {
  it('puts a small plan under the phrase, and nothing in the thread', async () => {
    const { events, log, texts } = await recorder();
    const d = deploy(['alpha', 'beta']);
    await events.emit({ kind: 'confirmation_requested', deploy: d, phrase: 'alas! ear wax!', timeoutMs: 60_000, plan: { preview: previewOf([packPreview('alpha'), packPreview('beta', true)]), force: false } });
    await events.idle();
    expect(log).toEqual(['send dev confirm_prompt']);
    expect(texts[0]?.split('\n').slice(1)).toEqual(['• *alpha* 1.0.0 → 1.1.0 (aaaaaaa → bbbbbbb): +1 action; 1 commit', '• *beta* unchanged (1.0.0, aaaaaaa)']);
  });

  it('gives a big request a summary under the phrase and every pack, with its commits, in the thread — queued or not', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const plan = { preview: previewOf(names.map((n, i) => packPreview(n, i > 1))), force: false };
    const asked = await recorder();
    await asked.events.emit({ kind: 'confirmation_requested', deploy: deploy(names), phrase: 'alas! ear wax!', timeoutMs: 60_000, plan });
    await asked.events.idle();
    expect(asked.log).toEqual(['send dev confirm_prompt', 'send dev/m1 confirm_plan_details']);
    expect(asked.texts[0]?.split('\n')[1]).toBe('Plan: 2 of 7 packs to deploy, 5 unchanged; 2 commits — every pack is in the thread.');
    expect(asked.texts[1]?.split('\n').slice(0, 4)).toEqual([
      'The plan of `d1` (*demo* _main_ at `bbbbbbb`), packs that change first:',
      '• *a* 1.0.0 → 1.1.0 (aaaaaaa → bbbbbbb): +1 action; 1 commit',
      '   `ccccccc` a: greet — Ada',
      '• *b* 1.0.0 → 1.1.0 (aaaaaaa → bbbbbbb): +1 action; 1 commit',
    ]);
    // Queued first: the prompt is in the queued message's thread, and so are the details, after it.
    const queued = await recorder();
    await queued.events.emit({ kind: 'queued', deploy: deploy(names), ahead: 1, policy: 'when_queued', waiting: true });
    await queued.events.emit({ kind: 'confirmation_requested', deploy: deploy(names), phrase: 'alas! ear wax!', timeoutMs: 60_000, plan });
    await queued.events.idle();
    expect(queued.log).toEqual(['send dev deploy_queued', 'send dev/m1 confirm_prompt', 'send dev/m1 confirm_plan_details', 'update m1 deploy_confirming']);
  });

  it('says why a prompt has no plan', async () => {
    const { events, texts } = await recorder();
    await events.emit({ kind: 'confirmation_requested', deploy: deploy(['alpha']), phrase: 'alas! ear wax!', timeoutMs: 60_000, plan: { error: 'demo cannot be fetched' } });
    await events.idle();
    expect(texts[0]?.split('\n')[1]).toBe('(No plan: demo cannot be fetched)');
  });

  it('ends a request that would change nothing with that, where its requester waited', async () => {
    const { events, log, texts } = await recorder();
    const d = deploy(['beta']);
    await events.emit({ kind: 'queued', deploy: d, ahead: 1, policy: 'when_queued', waiting: true });
    await events.emit({ kind: 'deploy_nothing', deploy: d, preview: previewOf([packPreview('beta', true)]) });
    await events.idle();
    expect(log).toEqual(['send dev deploy_queued', 'update m1 deploy_nothing', 'send dev/m1 deploy_nothing']);
    expect(texts[2]?.split('\n')).toEqual([
      'Nothing to do: *beta* from *demo* branch _main_ (at `bbbbbbb`) is already live, so it was not deployed (id `d1`). Deploy it with force=true to redeploy anyway.',
      '• *beta* unchanged (1.0.0, aaaaaaa)',
    ]);
  });

  it('shows, briefly, what a deploy nobody confirmed is about to change, and keeps it while the stages go by', async () => {
    const { events, texts } = await recorder();
    const d = deploy(['alpha']);
    await events.emit({ kind: 'deploy_started', deploy: d, plan: { preview: previewOf([packPreview('alpha')]), force: false } });
    await events.emit({ kind: 'progress', deploy: d, progress: { stage: 'fetch', status: 'done', elapsedMs: 5 } });
    await events.idle();
    expect(texts.at(-1)?.split('\n')).toEqual(['Deploying alpha from `demo` (main)…', '• *alpha* 1.0.0 → 1.1.0 (aaaaaaa → bbbbbbb): +1 action; 1 commit', '✓ fetch (5ms)']);
  });
});
