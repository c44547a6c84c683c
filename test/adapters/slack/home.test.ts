/**
 * The App Home's publishing rules, with its Slack calls and its timer in the test's hands:
 * published at once when opened, again once per person per burst of changes, never twice in
 * a row for one person, a click's answer shown once, and nothing after stop.
 */
import { describe, expect, it } from 'vitest';
import { SlackHome, HOME_VIEWERS } from '../../../adapters/slack/home.js';
import { createLogger } from '../../../src/core/logging/logger.js';
import { createMasker } from '../../../src/core/masking/masker.js';
import { stripPeople } from '../../../src/core/identity.js';
import type { StatusView } from '../../../src/services/coord/status.js';
import type { Block } from '../../../adapters/slack/blocks.js';
import { PassThrough } from 'node:stream';

function harness() {
  const published: Array<{ user: string; blocks: Block[] }> = [];
  const reads: string[] = [];
  const timers: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
  // The outbox's turn, by hand: calls wait here until the test lets them run.
  const turn: Array<() => Promise<void>> = [];
  const home = new SlackHome({
    publish: async (user, view) => void published.push({ user, blocks: view.blocks }),
    enqueue: (run) => new Promise<void>((resolve, reject) => turn.push(() => run().then(resolve, reject))),
    people: async (text) => stripPeople(text),
    groups: async () => [],
    logger: createLogger({ level: 'error', masker: createMasker([]), destination: new PassThrough(), pretty: false }),
    schedule: (run, ms) => {
      const t = { run, ms, cancelled: false };
      timers.push(t);
      return { cancel: () => void (t.cancelled = true) };
    },
  });
  home.serve(async (viewer): Promise<StatusView> => {
    reads.push(viewer.identity);
    return { viewer: viewer.identity, at: '2030-01-01T00:00:00.000Z', queue: [], locks: [], deploys: [] };
  });
  const runTurn = async () => {
    while (turn.length > 0) await turn.shift()!();
  };
  const fire = () => {
    const live = timers.filter((t) => !t.cancelled);
    timers.length = 0;
    for (const t of live) t.run();
  };
  return { home, published, reads, timers, runTurn, fire, turn };
}

const textOf = (blocks: Block[]) => JSON.stringify(blocks);

describe('the App Home', () => {
  it('publishes a home at once when it is opened (the Home tab, not Messages), as that person sees it', async () => {
    const h = harness();
    h.home.opened('UALICE01', 'DALICE01', 'home');
    h.home.opened('UBOB0002', 'DBOB0002', 'messages');
    await h.runTurn();
    expect(h.published.map((p) => p.user)).toEqual(['UALICE01']);
    expect(h.reads).toEqual(['slack:UALICE01']);
    expect(h.home.channelOf('UALICE01')).toBe('DALICE01');
    expect(h.home.channelOf('UBOB0002')).toBe('');
  });

  it('gathers a burst of changes into one publish per person, after the debounce', async () => {
    const h = harness();
    h.home.changed();
    expect(h.timers).toEqual([]); // nobody looks: nothing to do
    h.home.opened('UALICE01', 'DALICE01', 'home');
    h.home.opened('UBOB0002', 'DBOB0002', 'home');
    await h.runTurn();
    for (let i = 0; i < 12; i++) h.home.changed();
    expect(h.timers).toHaveLength(1);
    expect(h.timers[0]?.ms).toBe(2_000);
    h.fire();
    await h.runTurn();
    expect(h.published.map((p) => p.user)).toEqual(['UALICE01', 'UBOB0002', 'UALICE01', 'UBOB0002']);
    // The next change starts a new window.
    h.home.changed();
    expect(h.timers).toHaveLength(1);
  });

  it('queues a person once: a publish waiting its turn reads the status when it goes out', async () => {
    const h = harness();
    h.home.opened('UALICE01', 'DALICE01', 'home');
    h.home.opened('UALICE01', 'DALICE01', 'home');
    h.home.changed();
    h.fire();
    expect(h.turn).toHaveLength(1);
    await h.runTurn();
    expect(h.published).toHaveLength(1);
    expect(h.reads).toHaveLength(1);
  });

  it("shows a click's answer on the clicker's home once", async () => {
    const h = harness();
    h.home.opened('UBOB0002', 'DBOB0002', 'home');
    await h.runTurn();
    h.home.answered('UBOB0002', { accepted: false, note: "The lock on alpha is @UALICE01's; only they can unlock it." });
    await h.runTurn();
    expect(textOf(h.published[1]!.blocks)).toContain(":warning: The lock on alpha is @UALICE01's; only they can unlock it.");
    h.home.opened('UBOB0002', 'DBOB0002', 'home');
    await h.runTurn();
    expect(textOf(h.published[2]!.blocks)).not.toContain('The lock on alpha');
  });

  it(`keeps at most ${HOME_VIEWERS} homes fresh, the latest opened`, async () => {
    const h = harness();
    for (let i = 0; i <= HOME_VIEWERS; i++) h.home.opened(`U${String(i).padStart(6, '0')}`, `D${i}`, 'home');
    await h.runTurn();
    h.published.length = 0;
    h.home.changed();
    h.fire();
    await h.runTurn();
    expect(h.published).toHaveLength(HOME_VIEWERS);
    expect(h.published.map((p) => p.user)).not.toContain('U000000');
  });

  it('publishes nothing once stopped: a pending refresh is dropped, a queued publish skipped', async () => {
    const h = harness();
    h.home.opened('UALICE01', 'DALICE01', 'home');
    await h.runTurn();
    h.home.changed();
    h.home.opened('UBOB0002', 'DBOB0002', 'home');
    h.home.stop();
    expect(h.timers.every((t) => t.cancelled)).toBe(true);
    await h.runTurn();
    h.home.changed();
    expect(h.published.map((p) => p.user)).toEqual(['UALICE01']);
  });
});
