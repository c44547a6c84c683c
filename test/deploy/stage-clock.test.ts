import { describe, expect, it } from 'vitest';
import { StageClock, type ProgressEvent } from '../../src/services/deploy/stage-clock.js';

/** A clock read from `t` alone, and work that ends when the test says: no real time anywhere. */
function harness() {
  const time = { t: 0 };
  const events: ProgressEvent[] = [];
  const clock = new StageClock((e) => events.push(e), () => time.t);
  const step = () => {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => { finish = resolve; });
    return { done, finish };
  };
  return { time, events, clock, step };
}

describe('the stage clock reports wall time per stage', () => {
  it('counts packs validated in parallel once: the union of their intervals, not their sum', async () => {
    const { time, events, clock, step } = harness();
    const a = step();
    const b = step();
    const c = step();
    time.t = 1000;
    const ra = clock.run('validate', () => a.done, 'a'); // 1000 → 1100
    time.t = 1050;
    const rb = clock.run('validate', () => b.done, 'b'); // 1050 → 1150
    time.t = 1100;
    a.finish();
    await ra;
    time.t = 1150;
    b.finish();
    await rb;
    time.t = 2000;
    const rc = clock.run('validate', () => c.done, 'c'); // 2000 → 2030, after a gap
    time.t = 2030;
    c.finish();
    await rc;
    // 150 ms (1000–1150) + 30 ms (2000–2030); the summed figure was 100 + 100 + 30 = 230.
    expect(clock.stages.validate).toBe(180);
    // Each pack's own event still carries that pack's elapsed time.
    expect(events.filter((e) => e.status === 'done').map((e) => [e.pack, e.elapsedMs])).toEqual([['a', 100], ['b', 100], ['c', 30]]);
  });

  it('adds sequential runs of a stage, and keeps stages apart', async () => {
    const { time, clock, step } = harness();
    for (const [start, end] of [[0, 40], [100, 160]] as const) {
      const s = step();
      time.t = start;
      const r = clock.run('fetch', () => s.done);
      time.t = end;
      s.finish();
      await r;
    }
    const v = step();
    time.t = 200;
    const r = clock.run('install', () => v.done, 'x');
    time.t = 205;
    v.finish();
    await r;
    expect(clock.stages).toEqual({ fetch: 100, install: 5 });
  });

  it('closes a stage\'s interval when its work fails, so a failure is timed too', async () => {
    const { time, clock, step } = harness();
    const ok = step();
    time.t = 10;
    const good = clock.run('validate', () => ok.done, 'good');
    const bad = clock.run('validate', async () => { await ok.done; time.t = 70; throw new Error('broken'); }, 'bad');
    time.t = 50;
    ok.finish();
    await good;
    await expect(bad).rejects.toThrow('broken');
    expect(clock.stages.validate).toBe(60);
  });
});
