/**
 * People in a message, as the platform it goes to shows them: each person mark (see
 * core/identity.ts) becomes the adapter's mention or display name, or — for another
 * platform's user, an adapter that cannot tell, a failed or slow lookup — the identity as
 * displayIdentity writes it. Never fails a message: a person is never worth losing one.
 */
import { parseIdentity, resolvePeople, type Identity, type PersonHow } from '../../core/identity.js';
import { raceTimeout } from '../../core/timeout.js';
import type { ChatAdapter } from './types.js';

/** The longest a message waits for the names in it; past that they are shown by id. */
export const PEOPLE_DEADLINE_MS = 5_000;

export interface People {
  /** `text` with every mark resolved. */
  resolve(text: string): Promise<string>;
  /** User ids mentioned (resolved `mention` marks) so far: who may be pinged. */
  pinged(): string[];
}

/** Resolves marks for messages from `adapter` to `channel`. */
export function peopleFor(adapter: Pick<ChatAdapter, 'platform' | 'person'>, channel: string): People {
  const pinged = new Set<string>();
  // A reply names the same people in its text, card and hint: each is asked about once.
  const asked = new Map<string, Promise<string>>();
  const one = (identity: Identity, how: PersonHow, plain: string): Promise<string> => {
    const key = `${how}:${plain}:${identity}`;
    let shown = asked.get(key);
    if (!shown) asked.set(key, (shown = lookUp(identity, how, plain)));
    return shown;
  };
  const lookUp = async (identity: Identity, how: PersonHow, plain: string): Promise<string> => {
    const { platform, id } = parseIdentity(identity);
    if (platform !== adapter.platform || !adapter.person) return plain;
    const shown = await raceTimeout(adapter.person(id, how, { channel }), PEOPLE_DEADLINE_MS, () => null);
    if (!shown) return plain;
    if (how === 'mention') pinged.add(id);
    return shown;
  };
  return {
    resolve: (text) => resolvePeople(text, one),
    pinged: () => [...pinged],
  };
}
