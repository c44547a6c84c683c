/**
 * packbot's status on each person's App Home tab (views.publish). It is published when someone
 * opens the tab, and again, for those who opened it lately, when coordination says the queue,
 * a lock or a deploy changed. A burst of changes (a deploy is queued, starts, finishes, takes
 * a lock) waits out one short window and costs one views.publish per person.
 *
 * views.publish is Tier 4 (100+ a minute per workspace), so publishes go one at a time through
 * the outbox, which waits out a Retry-After and tries again; a person already waiting for a
 * publish is not queued twice, and their status is read when the publish goes out, so what
 * Slack gets is never older than the last change.
 */
import { identityOf } from '../../src/core/identity.js';
import type { Logger } from '../../src/core/logging/logger.js';
import type { Actor } from '../../src/domain/permissions/index.js';
import type { ActionOutcome, StatusHome } from '../../src/interfaces/chat/types.js';
import { statusDisplay } from '../../src/interfaces/presenter/status-view.js';
import type { StatusView } from '../../src/services/coord/status.js';
import type { Block } from './blocks.js';
import { homeBlocks, type HomeNote } from './home-blocks.js';

/** How long changes gather before homes are published again. */
export const HOME_DEBOUNCE_MS = 2_000;
/** Homes kept fresh at most (the most recently opened); others are published when next opened. */
export const HOME_VIEWERS = 200;
/** How long after someone opened their home it is kept fresh (a working day). */
export const HOME_VIEWER_TTL_MS = 8 * 60 * 60_000;

export interface SlackHomeOptions {
  /** views.publish of a home view for `userId`. */
  publish(userId: string, view: { type: 'home'; blocks: Block[] }): Promise<void>;
  /** Runs a call in the views' turn, one at a time, waiting out rate limits (the outbox). */
  enqueue(run: () => Promise<void>): Promise<void>;
  /** Person marks in `text` as Slack shows them (display names). */
  people(text: string): Promise<string>;
  /** The viewer's user groups, for permissions (`slack-group:` members). */
  groups(userId: string): Promise<string[]>;
  logger: Logger;
  now?: () => number;
  debounceMs?: number;
  /** How a deferred refresh is set up (tests run it by hand). */
  schedule?: (run: () => void, ms: number) => { cancel(): void };
}

interface Viewer {
  /** The direct-message channel between them and packbot (where their home is). */
  channel: string;
  openedAt: number;
}

function timer(run: () => void, ms: number): { cancel(): void } {
  const t = setTimeout(run, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
}

export class SlackHome implements StatusHome {
  private read: ((viewer: Actor) => Promise<StatusView>) | null = null;
  /** By user id, oldest opened first (re-opening moves one to the end). */
  private readonly viewers = new Map<string, Viewer>();
  private readonly queued = new Set<string>();
  private readonly notes = new Map<string, HomeNote>();
  private pending: { cancel(): void } | null = null;
  private stopped = false;
  private warnedDisabled = false;
  private readonly now: () => number;

  constructor(private readonly opts: SlackHomeOptions) {
    this.now = opts.now ?? Date.now;
  }

  serve(read: (viewer: Actor) => Promise<StatusView>): void {
    this.read = read;
  }

  /** `app_home_opened`: the Messages tab (a DM with packbot) is not the home. */
  opened(userId: string, channel: string, tab: string | undefined): void {
    if (tab !== undefined && tab !== 'home') return;
    this.viewers.delete(userId);
    this.viewers.set(userId, { channel, openedAt: this.now() });
    while (this.viewers.size > HOME_VIEWERS) this.viewers.delete(this.viewers.keys().next().value as string);
    this.publishSoon(userId);
  }

  /** Where `userId`'s home is, for a click on it ('' when they have not opened it since packbot started). */
  channelOf(userId: string): string {
    return this.viewers.get(userId)?.channel ?? '';
  }

  /** A click on their home was answered: show them how, at its top. */
  answered(userId: string, outcome: ActionOutcome): void {
    this.notes.set(userId, { text: outcome.note, ok: outcome.accepted });
    this.publishSoon(userId);
  }

  changed(): void {
    if (this.stopped || this.pending || this.viewers.size === 0) return;
    this.pending = (this.opts.schedule ?? timer)(() => {
      this.pending = null;
      const since = this.now() - HOME_VIEWER_TTL_MS;
      for (const [user, viewer] of this.viewers) {
        if (viewer.openedAt < since) this.viewers.delete(user);
        else this.publishSoon(user);
      }
    }, this.opts.debounceMs ?? HOME_DEBOUNCE_MS);
  }

  stop(): void {
    this.stopped = true;
    this.pending?.cancel();
    this.pending = null;
  }

  private publishSoon(userId: string): void {
    if (this.stopped || this.queued.has(userId)) return;
    this.queued.add(userId);
    void this.opts.enqueue(async () => {
      // Off the list as it starts: a change from now on needs a publish of its own.
      this.queued.delete(userId);
      if (!this.stopped) await this.publish(userId);
    }).catch((err: unknown) => this.failed(userId, err));
  }

  private async publish(userId: string): Promise<void> {
    if (!this.read) return;
    const channel = this.channelOf(userId);
    const viewer: Actor = { identity: identityOf('slack', userId), groups: await this.opts.groups(userId), channel: { id: channel, name: channel } };
    const view = await this.read(viewer);
    const display = statusDisplay(view);
    const named = <T extends { who: string }>(items: T[]) => Promise.all(items.map(async (i) => ({ ...i, who: await this.opts.people(i.who) })));
    const [queue, locks, deploys] = await Promise.all([named(display.queue), named(display.locks), named(display.deploys)]);
    const note = this.notes.get(userId);
    const shownNote = note ? { ...note, text: await this.opts.people(note.text) } : undefined;
    await this.opts.publish(userId, { type: 'home', blocks: homeBlocks({ queue, locks, deploys }, { at: view.at, ...(shownNote ? { note: shownNote } : {}) }) });
    // Shown once; a newer note (another click meanwhile) waits for its own publish.
    if (this.notes.get(userId) === note) this.notes.delete(userId);
  }

  private failed(userId: string, err: unknown): void {
    const data = (err as { data?: { error?: unknown; response_metadata?: { messages?: unknown } } } | null)?.data;
    if (data?.error === 'not_enabled') {
      if (!this.warnedDisabled) this.opts.logger.warn('Slack refused views.publish (not_enabled): turn the Home tab on (features.app_home.home_tab_enabled in slack-manifest.yml, or App Home → Home Tab in the app settings)');
      this.warnedDisabled = true;
      return;
    }
    this.opts.logger.warn({ user: userId, error: data?.error ?? String(err), messages: data?.response_metadata?.messages }, 'could not publish an App Home');
  }
}
