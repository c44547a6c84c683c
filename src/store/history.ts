import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Masker } from '../masking/masker.js';

export type PackOutcome = 'deployed' | 'unchanged' | 'failed' | 'rolled_back' | 'uninstalled';

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
  kind: 'deploy' | 'rollback' | 'uninstall';
  requested_by: string;
  channel?: string;
  repo?: string;
  branch?: string;
  commit?: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  result: 'success' | 'partial' | 'failure' | 'noop';
  packs: PackRecord[];
  stages: Record<string, number>;
  error?: string;
}

export interface HistoryStore {
  append(record: HistoryRecord): Promise<void>;
  /** Newest first; with `pack`, only records that touched it. */
  list(filter?: { pack?: string; limit?: number }): Promise<HistoryRecord[]>;
  get(id: string): Promise<HistoryRecord | null>;
}

/**
 * History as JSON lines in the state dir: one append per record (a single write, so a crash
 * can at worst leave a torn last line, which reading skips). Records are masked before they
 * touch the disk.
 */
export function createFileHistory(file: string, masker: Masker): HistoryStore {
  const readAll = async (): Promise<HistoryRecord[]> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const records: HistoryRecord[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line) as HistoryRecord);
      } catch {
        // A torn final line from a crash mid-append: the record never completed.
      }
    }
    return records.reverse();
  };

  return {
    async append(record) {
      await mkdir(path.dirname(file), { recursive: true });
      await appendFile(file, `${masker.mask(JSON.stringify(record))}\n`, { mode: 0o600 });
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
