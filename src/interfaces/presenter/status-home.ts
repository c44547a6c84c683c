/**
 * Per-person status pages (Slack's App Home) kept fresh off coordination's events, never by
 * polling: every adapter that has one is told where to read a viewer's status, and told each
 * time the queue, a lock or a deploy changed. The adapter decides when to show it again
 * (debounced, within its platform's rate limits).
 */
import type { Masker } from '../../core/masking/masker.js';
import type { Actor } from '../../domain/permissions/index.js';
import type { CoordEvent, CoordEvents } from '../../services/coord/events.js';
import type { StatusView } from '../../services/coord/status.js';
import type { ChatAdapter, StatusHome } from '../chat/types.js';

/** Events that change nothing a status page shows: a stage's progress, an announcement, a warning. */
const UNSEEN = new Set<CoordEvent['kind']>(['progress', 'announcement', 'lock_warning']);

/** Every string in a value through `mask`: a page leaves packbot like any message, masked. */
function maskDeep<T>(value: T, mask: (text: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskDeep(v, mask)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, mask)])) as T;
  }
  return value;
}

export interface StatusHomesDeps {
  adapters: readonly ChatAdapter[];
  /** What one person sees (services/coord/status.ts's readStatus, with their permissions). */
  read: (viewer: Actor) => Promise<StatusView>;
  masker: Pick<Masker, 'mask'>;
}

export interface StatusHomes {
  /** Coordination's events go on to `events` as before; those that change a page also refresh every page. */
  watch(events: Required<CoordEvents>): Required<CoordEvents>;
}

export function createStatusHomes(deps: StatusHomesDeps): StatusHomes {
  const homes: StatusHome[] = deps.adapters.flatMap((a) => (a.home ? [a.home] : []));
  for (const home of homes) home.serve(async (viewer) => maskDeep(await deps.read(viewer), (t) => deps.masker.mask(t)));
  return {
    watch(events) {
      if (homes.length === 0) return events;
      return {
        async emit(e) {
          // Told first, as it always was; a page is only a view of it.
          await events.emit(e);
          if (!UNSEEN.has(e.kind)) for (const home of homes) home.changed();
        },
        announces: (repo) => events.announces(repo),
        idle: () => events.idle(),
      };
    },
  };
}
