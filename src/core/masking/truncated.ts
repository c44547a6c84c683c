/**
 * A registered secret cut short before it reached a sink: message helpers quote a value and
 * cut it (`got "Zq7vLongSecret…"`, `"Zq7vLong..."`), and only the whole value is registered, so
 * the cut-off start would pass the first pass untouched. This stage masks the text just before
 * an ellipsis when it is the start of a registered form (at least MIN_TRUNCATED_PREFIX long).
 * Doing it here, at every exit, means no helper that cuts text has to hold the masker.
 */
import { MASK, MIN_TRUNCATED_PREFIX } from './mask.js';
import type { Stage } from './scan.js';

const MARKERS = ['…', '...'] as const;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Index {
  source: string;
  /** Forms by their first MIN_TRUNCATED_PREFIX characters. */
  byHead: Map<string, string[]>;
  longest: number;
}

/** Builds the lookup for the current forms; null when none is long enough to be cut. */
function index(forms: Iterable<string>): Index | null {
  const byHead = new Map<string, string[]>();
  let longest = 0;
  for (const form of forms) {
    // A form no longer than the shortest prefix is masked whole or not at all.
    if (form.length <= MIN_TRUNCATED_PREFIX) continue;
    const head = form.slice(0, MIN_TRUNCATED_PREFIX);
    byHead.set(head, [...(byHead.get(head) ?? []), form]);
    longest = Math.max(longest, form.length);
  }
  if (byHead.size === 0) return null;
  // Lazy and bounded: a head, then at most the rest of its longest form, up to the first
  // ellipsis. One bound per head, so a short registered URL (head "https://") scans only its
  // own length past each "https://", not the length of the longest secret.
  const source = [...byHead]
    .map(([head, list]) => `${escapeRegExp(head)}[\\s\\S]{0,${Math.max(...list.map((f) => f.length)) - MIN_TRUNCATED_PREFIX}}?(?:…|\\.\\.\\.)`)
    .join('|');
  return { source, byHead, longest };
}

/** The stage; `forms()` and `version()` follow the masker's registry as it grows. */
export function truncatedStage(forms: () => Iterable<string>, version: () => number): Stage {
  let built: { version: number; index: Index | null; re: RegExp | null } | null = null;
  const current = () => {
    if (built?.version !== version()) {
      const idx = index(forms());
      built = { version: version(), index: idx, re: idx ? new RegExp(idx.source, 'g') : null };
    }
    return built;
  };
  return {
    regex: () => current().re,
    // The ellipsis follows at most a whole form's length.
    maxLength: () => (current().index?.longest ?? 0) + 3,
    replace(m) {
      const idx = current().index;
      const text = m[0];
      const marker = MARKERS.find((k) => text.endsWith(k)) ?? '';
      const body = text.slice(0, text.length - marker.length);
      if (!idx) return text;
      // The longest tail of `body` that starts a registered form (and is shorter than it).
      for (let j = 0; j + MIN_TRUNCATED_PREFIX <= body.length; j++) {
        const tail = body.slice(j);
        const candidates = idx.byHead.get(tail.slice(0, MIN_TRUNCATED_PREFIX));
        if (candidates?.some((form) => form.length > tail.length && form.startsWith(tail))) return `${body.slice(0, j)}${MASK}${marker}`;
      }
      return text;
    },
  };
}
