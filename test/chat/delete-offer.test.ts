import { memoryClaims } from '../../src/interfaces/chat/claim.js';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createActionHandler, type ActionDeps } from '../../src/interfaces/chat/actions.js';
import { answerDeleteClick, DELETE_OFFER_TTL_MS, withDeleteOffer, type Offers } from '../../src/interfaces/chat/delete-offer.js';
import { reply } from '../../src/interfaces/chat/reply.js';
import type { IncomingAction, IncomingMessage } from '../../src/interfaces/chat/types.js';
import { PackbotError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createMasker } from '../../src/core/masking/masker.js';

/** Offers in a Map, with the TTLs they were given. */
function memoryOffers(): Offers & { entries: Map<string, string>; ttls: number[] } {
  const entries = new Map<string, string>();
  const ttls: number[] = [];
  return {
    entries, ttls,
    remember: async (key, value, ttlMs) => (ttls.push(ttlMs), entries.has(key) ? false : (entries.set(key, value), true)),
    recall: async (key) => entries.get(key) ?? null,
    forget: async (key) => entries.delete(key),
  };
}

function logger() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  return { log: createLogger({ level: 'debug', masker: createMasker(), destination: out, pretty: false }), text: () => text };
}

const message: IncomingMessage = {
  platform: 'slack', id: 'C1:171.0001', user: { id: 'UALICE', name: 'alice' }, channel: { id: 'C1', name: 'ops' }, text: 'not read here',
};
const clickBy = (user: string, id = `trig-${user}`): IncomingAction => ({
  platform: 'slack', id, user: { id: user, name: user }, channel: { id: 'C1', name: 'ops' }, action: 'delete', entryId: 'C1:171.0001',
});
const refusal = reply('pasted_credential', { what: 'a GitHub token', noun: 'token', kind: 'github' });

describe('the offer to delete a message with a credential', () => {
  it('records the sender for an hour and adds the button and the flag to the refusal', async () => {
    const offers = memoryOffers();
    const offered = await withDeleteOffer(refusal, message, offers, logger().log);
    expect(offers.entries).toEqual(new Map([['pasted:slack:C1:171.0001', 'UALICE']]));
    expect(offers.ttls).toEqual([DELETE_OFFER_TTL_MS]);
    expect(DELETE_OFFER_TTL_MS).toBe(60 * 60_000);
    expect(offered.data).toEqual({ ...refusal.data, canDelete: true });
    expect(offered.buttons).toEqual([{ action: 'delete', entryId: 'C1:171.0001', label: 'Delete my message', style: 'danger' }]);
  });

  it('falls back to the plain refusal when the sender cannot be recorded', async () => {
    const offers = { ...memoryOffers(), remember: () => Promise.reject(new Error('store down')) };
    expect(await withDeleteOffer(refusal, message, offers, logger().log)).toEqual(refusal);
  });

  it('deletes for the sender only, once; a failure keeps the offer', async () => {
    const offers = memoryOffers();
    await withDeleteOffer(refusal, message, offers, logger().log);
    const deleted: string[] = [];
    let fail: Error | null = new PackbotError('message_delete_failed', 'Slack would not delete it (x); delete it by hand.');
    const deleteMessage = async (platform: string, id: string) => {
      if (fail) throw fail;
      deleted.push(`${platform}/${id}`);
    };

    expect(await answerDeleteClick(clickBy('UBOB'), offers, deleteMessage)).toEqual({ accepted: false, note: 'Only the person who sent that message can delete it this way.' });
    await expect(answerDeleteClick(clickBy('UALICE'), offers, deleteMessage)).rejects.toThrow(/delete it by hand/);
    expect(offers.entries.get('pasted:slack:C1:171.0001')).toBe('UALICE');
    fail = null;
    expect(await answerDeleteClick(clickBy('UALICE'), offers, deleteMessage)).toEqual({ accepted: true, note: 'Deleted. Rotate the credential anyway: it was sent to Slack.' });
    expect(deleted).toEqual(['slack/C1:171.0001']);
    expect(await answerDeleteClick(clickBy('UALICE'), offers, deleteMessage)).toEqual({ accepted: false, note: 'That offer has expired or the message is already gone; delete it by hand.' });
  });

  it('through the click handler: no permission check, clicks deduplicated, failures as one-line notes', async () => {
    const offers = memoryOffers();
    await withDeleteOffer(refusal, message, offers, logger().log);
    const { log, text } = logger();
    let fail: Error | null = new PackbotError('message_delete_failed', 'Slack would not delete it (x); delete it by hand.');
    const deps: ActionDeps = {
      // A delete click never reaches the coordinator or the permission gate.
      coordinator: {} as ActionDeps['coordinator'],
      permissions: {} as ActionDeps['permissions'],
      logger: log, masker: createMasker(), offers,
      claims: memoryClaims(60_000, 100),
      deleteMessage: async () => {
        if (fail) throw fail;
      },
    };
    const handle = createActionHandler(deps);
    expect(await handle(clickBy('UALICE', 'c1'))).toEqual({ accepted: false, note: 'Slack would not delete it (x); delete it by hand.' });
    expect(await handle(clickBy('UALICE', 'c1'))).toEqual({ accepted: false, note: 'That click was already handled.' });
    fail = new Error('socket hang up');
    expect(await handle(clickBy('UALICE', 'c2'))).toMatchObject({ accepted: false, note: expect.stringMatching(/^Something went wrong \(error [0-9a-f]{8}\)/) });
    fail = null;
    expect(await handle(clickBy('UALICE', 'c3'))).toEqual({ accepted: true, note: 'Deleted. Rotate the credential anyway: it was sent to Slack.' });
    expect(text()).not.toContain('not read here');
  });
});
