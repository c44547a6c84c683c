import type { Identity } from '../../core/identity.js';
import type { Masker } from '../../core/masking/masker.js';
import type { StateStore } from './state.js';

export type PackOutcome = 'deployed' | 'unchanged' | 'failed' | 'rolled_back' | 'uninstalled' | 'unlocked';

export interface PackRecord {
  pack: string;
  status: PackOutcome;
  version?: string;
  from: string | null;
  to: string | null;
  error?: string;
  warnings: string[];
}

export interface HistoryRecord {
  id: string;
  /** `denied`: someone asked for something they may not do (who, what, where and why). */
  kind: 'deploy' | 'rollback' | 'uninstall' | 'unlock' | 'denied';
  requested_by: Identity;
  channel?: string;
  repo?: string;
  branch?: string;
  commit?: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  result: 'success' | 'partial' | 'failure' | 'noop' | 'denied';
  packs: PackRecord[];
  stages: Record<string, number>;
  error?: string;
  /** Why it happened when nobody typed it: an auto-revert, a forced unlock. */
  note?: string;
  /** The command asked for (denied records). */
  command?: string;
  /** Why it was refused, as the requester was told (denied records). */
  reason?: string;
}

export interface HistoryStore {
  append(record: HistoryRecord): Promise<void>;
  /** Newest first; with `pack`, only records that touched it. */
  list(filter?: { pack?: string; limit?: number }): Promise<HistoryRecord[]>;
  get(id: string): Promise<HistoryRecord | null>;
}

/** How many records history keeps (oldest dropped first); a few MB at most. */
export const HISTORY_MAX = 5000;
const LIST = 'history';

/**
 * History in the StateStore, so every packbot process sharing a Redis sees one history, and
 * the embedded one keeps it in its journal. Records are masked before they are stored.
 */
export function createStoreHistory(store: StateStore, masker: Masker, max = HISTORY_MAX): HistoryStore {
  const readAll = async (): Promise<HistoryRecord[]> => {
    const records: HistoryRecord[] = [];
    for (const raw of await store.recent(LIST, max)) {
      try {
        records.push(JSON.parse(raw) as HistoryRecord);
      } catch {
        // Not ours (someone wrote to the key by hand): skip rather than break `pack history`.
      }
    }
    return records;
  };

  return {
    async append(record) {
      await store.append(LIST, masker.mask(JSON.stringify(record)), max);
    },
    async list(filter = {}) {
      const all = await readAll();
      const touched = filter.pack ? all.filter((r) => r.packs.some((p) => p.pack === filter.pack)) : all;
      return touched.slice(0, filter.limit ?? touched.length);
    },
    async get(id) {
      return (await readAll()).find((r) => r.id === id) ?? null;
    },
  };
}
