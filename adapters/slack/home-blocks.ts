/**
 * A status view (its display form, people already named) → the blocks of one person's App
 * Home, pure. Slack refuses a whole view that breaks one limit (`invalid_blocks`), so every
 * limit is kept here: 100 blocks, 3000 characters a section, 150 a header, 75 a button's
 * text; long lists are cut with a count of what was left out, never sent whole.
 */
import type { StatusDisplay } from '../../src/interfaces/presenter/status-view.js';
import { formatDuration } from '../../src/core/duration.js';
import { EXTEND_MS } from '../../src/interfaces/chat/lock-buttons.js';
import { ACTION_IDS, chunkText, clip, escapeMrkdwn, SLACK_LIMITS, type Block } from './blocks.js';

export const HOME_LIMITS = {
  /** Blocks in a view (a message has 50). */
  blocks: 100,
  headerText: 150,
  /** One line of a list (a lock, a request): long branch names are cut. */
  line: 500,
  /** Lines a list shows before "… and N more". */
  listed: 40,
  /** Own locks shown with Unlock / Extend buttons (two blocks each); the rest are lines. */
  withButtons: 20,
} as const;

/** What the viewer just did on their home (a click), shown at its top. */
export interface HomeNote {
  text: string;
  ok: boolean;
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string, max: number) => ({ type: 'plain_text', text: clip(text, max), emoji: true });
const header = (text: string): Block => ({ type: 'header', text: plain(text, HOME_LIMITS.headerText) });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(clip(text, SLACK_LIMITS.sectionText)) });
const esc = escapeMrkdwn;

type Queued = StatusDisplay['queue'][number];
type Locked = StatusDisplay['locks'][number];
type Deployed = StatusDisplay['deploys'][number];

/** The same words as `pack status` (templates/status.ts), in mrkdwn. */
export const homeLines = {
  queue: (r: Queued) => `${r.position}. ${r.mine ? 'you' : esc(r.who)} — ${esc(r.what)}, ${r.state} for ${r.waiting} (\`${esc(r.id)}\`)`,
  lock: (l: Locked) => `🔒 *${esc(l.pack)}* on ${esc(l.repo)} _${esc(l.branch)}_ — ${l.mine ? 'yours' : esc(l.who)} since ${l.since}, reverts ${l.reverts}${l.reason ? ` (${esc(l.reason)})` : ''}`,
  deploy: (d: Deployed) => `${d.icon} ${esc(d.packs)} from ${esc(d.repo)} _${esc(d.branch)}_ — ${d.result}, by ${d.mine ? 'you' : esc(d.who)} ${d.ago} (\`${esc(d.id)}\`)`,
};

/** Lines as sections of at most 3000 characters each, the list cut at `listed` lines. */
function listBlocks(lines: string[], empty: string, listed: number = HOME_LIMITS.listed): Block[] {
  if (lines.length === 0) return [section(empty)];
  const shown = lines.slice(0, listed).map((l) => clip(l, HOME_LIMITS.line));
  if (lines.length > listed) shown.push(`… and ${lines.length - listed} more`);
  return chunkText(shown.join('\n'), SLACK_LIMITS.sectionText).map(section);
}

/** One own lock: its line, then its buttons (action ids numbered: unique in the view). */
function ownLockBlocks(lock: Locked, n: number): Block[] {
  return [
    section(clip(homeLines.lock(lock), HOME_LIMITS.line)),
    {
      type: 'actions',
      elements: [
        { type: 'button', action_id: `${ACTION_IDS.unlock}_${n}`, text: plain('Unlock', SLACK_LIMITS.buttonText), style: 'danger', value: clip(lock.pack, SLACK_LIMITS.buttonValue) },
        { type: 'button', action_id: `${ACTION_IDS.extend}_${n}`, text: plain(`Extend ${formatDuration(EXTEND_MS)}`, SLACK_LIMITS.buttonText), value: clip(lock.pack, SLACK_LIMITS.buttonValue) },
      ],
    },
  ];
}

/** Slack shows `<!date^…>` in the reader's own time zone; the ISO text is its fallback. */
function updatedAt(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${iso}>`;
}

export function homeBlocks(d: StatusDisplay, opts: { at: string; note?: HomeNote }): Block[] {
  const blocks: Block[] = [
    header('Deploys'),
    { type: 'context', elements: [mrkdwn(`Repositories you may deploy · updated ${updatedAt(opts.at)}`)] },
  ];
  if (opts.note) blocks.push(section(`${opts.note.ok ? ':white_check_mark:' : ':warning:'} ${esc(opts.note.text)}`));

  blocks.push({ type: 'divider' }, header(`Queue (${d.queue.length})`));
  blocks.push(...listBlocks(d.queue.map(homeLines.queue), 'The deploy queue is empty.'));

  blocks.push({ type: 'divider' }, header(`Locks (${d.locks.length})`));
  const withButtons = d.locks.filter((l) => l.mine).slice(0, HOME_LIMITS.withButtons);
  withButtons.forEach((lock, n) => blocks.push(...ownLockBlocks(lock, n)));
  const rest = d.locks.filter((l) => !withButtons.includes(l));
  if (rest.length > 0 || withButtons.length === 0) blocks.push(...listBlocks(rest.map(homeLines.lock), 'No packs are locked.'));

  blocks.push({ type: 'divider' }, header('Recent deploys'));
  blocks.push(...listBlocks(d.deploys.map(homeLines.deploy), 'No deploys yet.'));
  // Worst case is far below 100 blocks (8 fixed, 40 for buttons, a few sections per list); kept as a guard.
  return blocks.slice(0, HOME_LIMITS.blocks);
}
