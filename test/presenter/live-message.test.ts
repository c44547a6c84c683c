import { describe, expect, it } from 'vitest';
import { LiveMessage } from '../../src/interfaces/presenter/live-message.js';

describe('a message edited as a deploy moves', () => {
  it('with a gap, sends a burst of states set together as one edit: the newest', async () => {
    const sent: number[] = [];
    const live = new LiveMessage<number>(async (n) => void sent.push(n), (err) => { throw err; }, { gapMs: 60_000, wait: () => new Promise<void>(() => {}) });
    // A warm deploy of 100 packs reports them all within a few milliseconds.
    for (let i = 1; i <= 100; i++) live.set(i);
    await live.flush();
    expect(sent).toEqual([100]);
  });

  it('keeps one edit in flight; what is set meanwhile replaces what waited', async () => {
    const sent: number[] = [];
    let release: () => void = () => {};
    const live = new LiveMessage<number>(async (n) => {
      sent.push(n);
      if (n === 1) await new Promise<void>((r) => (release = r));
    }, (err) => { throw err; });
    live.set(1);
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([1]);
    live.set(2);
    live.set(3);
    release();
    await live.flush();
    expect(sent).toEqual([1, 3]);
  });

  it('spaces edits gapMs apart: states set during the gap merge into the newest', async () => {
    const sent: number[] = [];
    const gaps: Array<() => void> = [];
    const live = new LiveMessage<number>(async (n) => void sent.push(n), (err) => { throw err; }, {
      gapMs: 60_000, wait: () => new Promise<void>((r) => gaps.push(r)),
    });
    live.set(1);
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([1]);
    // Packs finishing one by one, in separate turns of the event loop, inside the gap.
    for (let i = 2; i <= 50; i++) {
      live.set(i);
      await new Promise((r) => setImmediate(r));
    }
    expect(sent).toEqual([1]);
    gaps.shift()?.();
    await live.flush();
    expect(sent).toEqual([1, 50]);
  });

  it('sends the final state without waiting out the gap', async () => {
    const sent: string[] = [];
    const live = new LiveMessage<string>(async (n) => void sent.push(n), (err) => { throw err; }, {
      gapMs: 60_000, wait: () => new Promise<void>(() => {}), // a gap that never ends by itself
    });
    live.set('validate 1');
    await new Promise((r) => setImmediate(r));
    live.set('validate 2');
    await new Promise((r) => setImmediate(r));
    await live.finish('summary');
    expect(sent).toEqual(['validate 1', 'summary']);
  });

  it('reports a failed edit and goes on with the next state', async () => {
    const sent: number[] = [];
    const errors: unknown[] = [];
    const live = new LiveMessage<number>(async (n) => {
      if (n === 1) throw new Error('rate limited');
      sent.push(n);
    }, (err) => errors.push(err));
    live.set(1);
    await live.flush();
    live.set(2);
    await live.flush();
    expect(sent).toEqual([2]);
    expect(errors).toHaveLength(1);
  });
});
