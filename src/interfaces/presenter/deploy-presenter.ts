/**
 * A deploy in chat is one message. The first thing worth saying about it (queued, the
 * confirmation prompt, or "Deploying…") is posted where it was asked; every later step edits
 * that message, through the stages, into the summary. What does not fit (a big deploy's
 * every pack, a prompt for someone who waited) goes into that message's thread. Edits never
 * ping anyone, so the requester is mentioned in the thread when they had to wait.
 */
import { reply, type Reply } from '../chat/reply.js';
import type { Card, MessageRef } from '../chat/types.js';
import type { Logger } from '../../core/logging/logger.js';
import type { DeployResult } from '../../services/deploy/types.js';
import type { DeployPreview } from '../../services/deploy/preview-types.js';
import type { ProgressEvent } from '../../services/deploy/stage-clock.js';
import { packsLabel, requestLabel, type CoordEvent, type DeploySubject, type PlanNote } from '../../services/coord/events.js';
import { formatDuration } from '../../core/duration.js';
import { isChatIdentity, personMark } from '../../core/identity.js';
import type { Target } from '../../core/target.js';
import { detailsView, progressLine, progressLines, summaryCard, summaryView, workingCard } from './deploy-view.js';
import { LiveMessage } from './live-message.js';
import { planDetailsView, promptPlanView } from './plan-view.js';
import type { DeployMessages, MessageBook } from './message-book.js';
import type { Notifier } from './notifier.js';

/** How messages about a deploy name it. */
export type Head = { repo: string; packs: string; branch: string; verb: string };

/** An install names versions, not a branch: "Installing slack=2.3.0 from registry…". */
export function headOf(d: DeploySubject): Head {
  return d.kind === 'install'
    ? { repo: d.repo, packs: d.packs.join(','), branch: '', verb: 'Installing' }
    : { repo: d.repo, packs: packsLabel(d), branch: d.branch, verb: 'Deploying' };
}

/** Packs shown in a summary message; the rest are in its thread. */
const SHOWN_PACKS = 10;

export type DeployEvent = Extract<CoordEvent, {
  kind: 'queued' | 'confirmation_requested' | 'confirmed' | 'cancelled' | 'confirmation_expired' | 'queue_expired'
    | 'deploy_nothing' | 'deploy_refused' | 'deploy_interrupted' | 'deploy_started' | 'progress' | 'deploy_finished';
}>;

export interface DeployPresenterDeps {
  notifier: Notifier;
  logger: Logger;
  book: MessageBook;
  /** The repository's notify channel hears the start (see coord-presenter). */
  notifyStarted(d: DeploySubject): Promise<void>;
  notifyFinished(d: DeploySubject, result: DeployResult): Promise<void>;
  /** The refusal's text (who holds the lock, how to unlock). */
  refusal(e: Extract<CoordEvent, { kind: 'deploy_refused' }>): string;
  /** The least time between two progress edits on a platform (LiveMessage's gap; default 0). */
  progressGapMs?: (platform: string) => number;
}

interface Running {
  /** Holds how to build the message, not the message: it is built only when an edit goes out. */
  message: LiveMessage<() => Reply>;
  head: Head & { plan?: ReturnType<typeof promptPlanView> };
  card: Card;
  lines: string[];
}

export function createDeployPresenter(deps: DeployPresenterDeps) {
  const { notifier, logger, book } = deps;
  /** Deploys whose stages this process is showing. */
  const running = new Map<string, Running>();

  /** Where the thread of a deploy's message is. */
  const threadOf = (main: NonNullable<DeployMessages['main']>, d: { target: Target }): Target => ({
    platform: main.target.platform, channel: main.target.channel, thread: main.target.thread ?? main.ref.id,
    ...(d.target.user ? { user: d.target.user } : {}),
  });

  /** Edits the deploy's message into `r`, or posts it as that message when there is none yet. */
  async function show(d: DeploySubject, r: Reply, patch: DeployMessages = {}): Promise<DeployMessages> {
    const known = await book.get(d.id);
    if (known.main) {
      await notifier.update(known.main.ref, known.main.target, r);
      return Object.keys(patch).length > 0 ? book.put(d.id, patch) : known;
    }
    const ref = await notifier.send(d.target, r);
    return ref ? book.put(d.id, { ...patch, main: { ref, target: d.target } }) : known;
  }

  /** Says `r` in the deploy's thread (or where it was asked, when it has no message). */
  async function inThread(d: DeploySubject, known: DeployMessages, r: Reply): Promise<MessageRef | null> {
    return notifier.send(known.main ? threadOf(known.main, d) : d.target, r);
  }

  /** A big request's plan in full, in its message's thread (the prompt carries its summary). */
  async function planInThread(d: DeploySubject, known: DeployMessages, plan: { preview: DeployPreview; force: boolean }): Promise<void> {
    const asked = d.all ? 'all' : d.packs.join(',');
    await inThread(d, known, reply('confirm_plan_details', { ...planDetailsView(plan.preview, { force: plan.force }), id: d.id }, {
      moreHint: `\`pack diff ${d.repo} ${asked} ${d.branch}\` shows it all`,
    }));
  }

  /**
   * The prompt, resolved: no buttons left, the outcome shown. `clicked`: the platform's click
   * handler already edited the message that was clicked (the prompt).
   */
  async function resolvePrompt(d: DeploySubject, outcome: string, opts: { clicked: boolean; main: boolean }): Promise<void> {
    const known = await book.get(d.id);
    if (!known.main) return;
    const resolved = reply('confirm_resolved', { outcome, packs: headOf(d).packs, repo: d.repo, branch: d.branch, id: d.id });
    const promptIsMain = !known.prompt;
    if (known.prompt && !opts.clicked) await notifier.update(known.prompt, threadOf(known.main, d), resolved);
    if (promptIsMain ? !opts.clicked : opts.main) await notifier.update(known.main.ref, known.main.target, resolved);
  }

  /** A final word instead of a deploy (refused, dropped, cut off): the message says it, and whoever waited hears it. */
  async function end(d: DeploySubject, r: Reply): Promise<void> {
    running.delete(d.id);
    const known = await book.get(d.id);
    if (known.main && known.waited) {
      await notifier.update(known.main.ref, known.main.target, { ...r, mention: false });
      await inThread(d, known, r);
      return;
    }
    await show(d, r);
  }

  async function started(d: DeploySubject, plan?: PlanNote): Promise<void> {
    if (!d.autoRevert) await deps.notifyStarted(d);
    // Nobody confirmed this one: its message says, briefly, what it is about to change.
    const head = plan && 'preview' in plan ? { ...headOf(d), plan: promptPlanView(plan.preview, { force: plan.force }) } : headOf(d);
    const card = workingCard(head);
    const known = await show(d, reply('deploy_ack', head, { card }));
    if (!known.main) return;
    const { ref, target } = known.main;
    const message = new LiveMessage<() => Reply>((build) => notifier.update(ref, target, build()), (err) => logger.warn({ err, deploy: d.id }, 'progress update failed'), { gapMs: deps.progressGapMs?.(target.platform) ?? 0 });
    running.set(d.id, { message, head, card, lines: [] });
  }

  function progressed(d: DeploySubject, event: ProgressEvent): void {
    const run = running.get(d.id);
    const line = progressLine(event);
    if (!line || !run) return;
    run.lines.push(line);
    // Built when sent, from every line so far: building it at each of a 1,000-pack deploy's
    // events made the progress quadratic (0.15 s a deploy, most of them never sent).
    run.message.set(() => reply('deploy_progress', { ...run.head, lines: progressLines(run.lines) }, { card: run.card }));
  }

  async function finished(d: DeploySubject, result: DeployResult): Promise<void> {
    const run = running.get(d.id);
    running.delete(d.id);
    const summary = reply('deploy_summary', summaryView(result, SHOWN_PACKS), {
      mention: true, moreHint: `\`pack history ${result.deploy_id}\``, card: summaryCard(result, SHOWN_PACKS),
    });
    let known: DeployMessages;
    if (run) {
      await run.message.finish(() => summary);
      known = await book.get(d.id);
    } else {
      known = await show(d, summary);
    }
    if (known.main) {
      // Someone who waited is told in the thread (an edit pings nobody); a big deploy lists every pack there.
      const big = result.packs.length > SHOWN_PACKS;
      if (big) await inThread(d, known, reply('deploy_details', detailsView(result), { mention: known.waited === true, moreHint: `\`pack history ${result.deploy_id}\``, maxMessages: 1 }));
      else if (known.waited) await inThread(d, known, reply('deploy_done', { ...summaryView(result, 0), packs: headOf(d).packs }, { mention: true }));
    }
    if (!d.autoRevert) await deps.notifyFinished(d, result);
  }

  async function present(e: DeployEvent): Promise<void> {
    switch (e.kind) {
      case 'queued': {
        const known = await book.get(e.deploy.id);
        // Already past the queue (its turn came before this was said): nothing to add. An
        // auto-revert waits quietly: its lock_reverted message says what became of it.
        if (!e.waiting || known.main || e.deploy.autoRevert) return;
        const d = e.deploy;
        await show(d, reply('deploy_queued', { what: requestLabel(d), ahead: e.ahead, id: d.id }, {
          mention: true, card: { tone: 'info', title: `Queued: ${headOf(d).packs}`, fields: [{ label: 'Repository', value: d.repo }, { label: 'Branch', value: d.branch }] },
        }), { waited: true });
        return;
      }
      case 'confirmation_requested': {
        const d = e.deploy;
        const note = e.plan && 'preview' in e.plan ? e.plan : null;
        const plan = note ? promptPlanView(note.preview, { force: note.force }) : null;
        const prompt = reply('confirm_prompt', {
          phrase: e.phrase, packs: headOf(d).packs, repo: d.repo, branch: d.branch, timeout: formatDuration(e.timeoutMs), id: d.id,
          ...(isChatIdentity(d.requester) ? {} : { pushedBy: personMark(d.requester, 'name') }),
          ...(plan ? { plan } : {}), ...(e.plan && 'error' in e.plan ? { planError: e.plan.error } : {}),
        }, {
          mention: true,
          buttons: [
            { action: 'confirm', entryId: d.id, label: 'Confirm', style: 'primary' },
            { action: 'cancel', entryId: d.id, label: 'Cancel', style: 'danger' },
          ],
        });
        const known = await book.get(d.id);
        if (!known.main) {
          const shown = await show(d, prompt);
          if (note && plan?.thread) await planInThread(d, shown, note);
          return;
        }
        // It waited in the queue: the prompt pings them in the thread, the message says what it waits for.
        const ref = await inThread(d, known, prompt);
        await book.put(d.id, { ...(ref ? { prompt: ref } : {}), waited: true });
        if (note && plan?.thread) await planInThread(d, known, note);
        const who = isChatIdentity(d.requester) ? personMark(d.requester, 'name') : 'someone allowed to deploy it';
        await notifier.update(known.main.ref, known.main.target, reply('deploy_confirming', { who, packs: headOf(d).packs, repo: d.repo, branch: d.branch, id: d.id }));
        return;
      }
      case 'deploy_nothing': {
        const d = e.deploy;
        return end(d, reply('deploy_nothing', { packs: headOf(d).packs, repo: d.repo, branch: d.branch, id: d.id, plan: promptPlanView(e.preview) }, { mention: true }));
      }
      case 'confirmed':
        // Its message turns into "Deploying…" as soon as the turn starts; only a thread prompt stays behind.
        return resolvePrompt(e.deploy, `✓ Confirmed by ${personMark(e.by, 'name')}`, { clicked: e.via === 'button', main: false });
      case 'cancelled':
        return resolvePrompt(e.deploy, `✗ Cancelled by ${personMark(e.by, 'name')}`, { clicked: e.via === 'button', main: true });
      case 'confirmation_expired':
        return resolvePrompt(e.deploy, `⌛ Not confirmed within ${formatDuration(e.timeoutMs)}, so it was dropped; deploy again when you are ready`, { clicked: false, main: true });
      case 'queue_expired': {
        const d = e.deploy;
        return end(d, reply('queue_expired', {
          packs: headOf(d).packs, repo: d.repo, branch: d.branch, id: d.id,
          waited: formatDuration(Math.round(e.waitedMs / 1000) * 1000), max: formatDuration(e.maxWaitMs),
        }, { mention: true }));
      }
      case 'deploy_refused':
        return end(e.deploy, reply('deploy_refused', { message: deps.refusal(e) }, { mention: true }));
      case 'deploy_interrupted':
        return end(e.deploy, reply('deploy_interrupted', { id: e.deploy.id, packs: headOf(e.deploy).packs, reason: e.reason }, { mention: true }));
      case 'deploy_started':
        return started(e.deploy, e.plan);
      case 'progress':
        return progressed(e.deploy, e.progress);
      case 'deploy_finished':
        return finished(e.deploy, e.result);
    }
  }

  return { present };
}
