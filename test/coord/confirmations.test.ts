import { afterEach, describe, expect, it } from 'vitest';
import { createConfirmations } from '../../src/services/coord/confirmations.js';
import type { StateStore } from '../../src/domain/store/index.js';
import { cleanUp, STORE_BACKENDS } from '../helpers/stores.js';

describe.each(STORE_BACKENDS)('typed confirmations over the %s store', (name, open) => {
  const stores: StateStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await cleanUp(s, 'confirm:');
  });
  const setup = async () => {
    let clock = Date.parse('2026-11-21T10:00:00.000Z');
    const store = await open(() => clock);
    stores.push(store);
    const confirmations = createConfirmations(store, { now: () => new Date(clock) });
    return { confirmations, advance: async (ms: number) => {
      clock += ms;
      // Redis keeps time itself: its TTLs only pass in real time.
      if (name === 'redis') await new Promise((r) => setTimeout(r, ms));
    } };
  };

  it('confirms the requester typing the phrase (any case, punctuation, spacing), once', async () => {
    const { confirmations } = await setup();
    await confirmations.ask({ entryId: 'r1', requester: 'slack:A', channel: 'C1', phrase: 'alas! ear wax!', timeoutMs: 60_000 });
    expect((await confirmations.answer('slack:A', 'C1', 'good morning', false)).kind).toBe('none');
    expect((await confirmations.answer('slack:A', 'C1', 'Alas ear   WAX', false))).toMatchObject({ kind: 'confirmed', pending: { entryId: 'r1' } });
    expect((await confirmations.answer('slack:A', 'C1', 'alas! ear wax!', false)).kind).toBe('none');
  });

  it("tells someone else it is not theirs, and the requester that a wrong phrase is wrong", async () => {
    const { confirmations } = await setup();
    await confirmations.ask({ entryId: 'r1', requester: 'slack:A', channel: 'C1', phrase: 'alas! ear wax!', timeoutMs: 60_000 });
    expect(await confirmations.answer('slack:B', 'C1', 'alas! ear wax!', false)).toMatchObject({ kind: 'not_yours', pending: { requester: 'slack:A' } });
    expect((await confirmations.answer('slack:A', 'C1', 'alas ear', true)).kind).toBe('wrong_phrase');
    expect((await confirmations.answer('slack:A', 'C2', 'alas! ear wax!', true)).kind).toBe('none');
    expect((await confirmations.pending('C1')).map((p) => p.entryId)).toEqual(['r1']);
  });

  it('keeps several pending per requester apart by phrase; each expires or can be withdrawn', async () => {
    const { confirmations, advance } = await setup();
    expect(await confirmations.ask({ entryId: 'r1', requester: 'slack:A', channel: 'C1', phrase: 'one two three', timeoutMs: 200 })).not.toBeNull();
    expect(await confirmations.ask({ entryId: 'r1', requester: 'slack:A', channel: 'C1', phrase: 'again', timeoutMs: 200 })).toBeNull();
    await confirmations.ask({ entryId: 'r2', requester: 'slack:A', channel: 'C1', phrase: 'x y z', timeoutMs: 60_000 });
    expect((await confirmations.pending('C1', 'slack:A')).map((p) => p.entryId)).toEqual(['r1', 'r2']);
    await advance(400);
    // Past its deadline it can no longer be confirmed, but the timeout can still withdraw it.
    expect((await confirmations.answer('slack:A', 'C1', 'one two three', false)).kind).toBe('none');
    expect((await confirmations.withdraw('C1', 'slack:A', 'r1'))?.entryId).toBe('r1');
    expect((await confirmations.answer('slack:A', 'C1', 'X Y Z!', false))).toMatchObject({ kind: 'confirmed', pending: { entryId: 'r2' } });
    expect(await confirmations.withdraw('C1', 'slack:A', 'r2')).toBeNull();
    expect(await confirmations.pending('C1')).toEqual([]);
  });
});
