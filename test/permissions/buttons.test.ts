import { afterEach, describe, expect, it } from 'vitest';
import { click, liveBot, type LiveBot } from './helpers.js';
import { stripPeople } from '../../src/core/identity.js';

const bots: LiveBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

describe('Confirm and Cancel clicks', () => {
  it('are checked like typed commands: the command, then the repository of the deploy they act on', async () => {
    const b = await liveBot();
    bots.push(b);
    b.say('@alice !pack deploy strict alpha');
    const prompt = await b.waitFor((m) => m.text.startsWith('Say _'));
    const entryId = /`!pack cancel ([0-9a-f]{8})`/.exec(prompt.text)?.[1] ?? '';
    expect(entryId).toMatch(/^[0-9a-f]{8}$/);

    // carol may not deploy at all; bob may deploy, but not strict's packs.
    expect(await b.click(click('carol', 'confirm', entryId, 'c1'))).toEqual({
      accepted: false, note: 'pack confirm needs the deployers role; ask an admin (@root) to add console:carol to permissions.deployers.',
    });
    expect(await b.click(click('carol', 'cancel', entryId, 'c2'))).toMatchObject({ accepted: false, note: expect.stringMatching(/^pack cancel needs the deployers role/) });
    expect(await b.click(click('bob', 'cancel', entryId, 'c3'))).toEqual({
      accepted: false,
      note: 'Cancelling a deploy of strict needs being in repositories.strict.allowed_users (console:alice); ask an admin (@root) to add console:bob there.',
    });
    // The typed `pack cancel <id>` gets the same repository check as the button.
    b.say(`@bob !pack cancel ${entryId}`);
    expect((await b.waitFor((m) => m.text.startsWith('Cancelling'))).text).toMatch(/repositories\.strict\.allowed_users/);
    // None of that touched the request.
    expect((await b.app.services.coordinator.queue.list()).map((e) => e.id)).toEqual([entryId]);
    const denied = (await b.app.services.history.list()).filter((r) => r.kind === 'denied');
    expect(denied.map((r) => [r.requested_by, r.command, r.repo ?? null])).toEqual([
      ['console:bob', 'cancel', 'strict'], ['console:bob', 'cancel', 'strict'], ['console:carol', 'cancel', null], ['console:carol', 'confirm', null],
    ]);

    // The note names people with marks each platform resolves; as plain text, displayIdentity's.
    const confirmed = await b.click(click('alice', 'confirm', entryId, 'c4'));
    expect({ ...confirmed, note: stripPeople(confirmed.note) }).toEqual({ accepted: true, note: 'Confirmed by @alice.' });
    expect((await b.waitFor((m) => m.text.startsWith('Deploy `'))).text).toMatch(/✓ alpha 1\.0\.0 — deployed/);
  }, 30_000);
});
