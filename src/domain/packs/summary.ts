/**
 * What a pack contains, by name, and what changed between two releases — the material for
 * "monitoring 0.2.0: +1 action (check_disk)" announcements.
 */
import { walkPack } from './walk.js';

/** StackStorm's content directories, each registered from its top-level metadata files. */
export const CONTENT_KINDS = ['actions', 'rules', 'sensors', 'aliases', 'policies'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

export interface ContentSummary {
  actions: string[];
  rules: string[];
  sensors: string[];
  aliases: string[];
  policies: string[];
  tests: boolean;
  requirements: boolean;
  packageJson: boolean;
  configSchema: boolean;
}

export interface SummaryDiff {
  added: Record<ContentKind, string[]>;
  removed: Record<ContentKind, string[]>;
}

/**
 * st2 registers `<kind>/*.json|yaml|yml` (a glob, so not hidden files and not subdirectories:
 * actions/workflows/*.yaml are workflow definitions, not actions).
 */
const METADATA_RE = /^([^/.][^/]*)\.(?:ya?ml|json)$/;

/** The metadata file names of one kind, from a list of pack-relative paths. */
export function metadataFiles(files: Iterable<string>, kind: ContentKind): string[] {
  const prefix = `${kind}/`;
  const out: string[] = [];
  for (const f of files) if (f.startsWith(prefix) && METADATA_RE.test(f.slice(prefix.length))) out.push(f);
  return out.sort(byText);
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The summary of a list of pack-relative file paths (what the safety walk found). */
export function summarizeFiles(files: Iterable<string>): ContentSummary {
  const list = [...files];
  const names = (kind: ContentKind) =>
    [...new Set(metadataFiles(list, kind).map((f) => METADATA_RE.exec(f.slice(kind.length + 1))?.[1] as string))].sort(byText);
  return {
    actions: names('actions'),
    rules: names('rules'),
    sensors: names('sensors'),
    aliases: names('aliases'),
    policies: names('policies'),
    tests: list.some((f) => f.startsWith('tests/')),
    requirements: list.includes('requirements.txt'),
    packageJson: list.includes('package.json'),
    configSchema: list.includes('config.schema.yaml'),
  };
}

/** Summary of a pack on disk; only regular files count (the same walk validation uses). */
export async function summarizePack(dir: string): Promise<ContentSummary> {
  const tree = await walkPack(dir, { maxFiles: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER });
  return summarizeFiles(tree.files.keys());
}

export function emptySummary(): ContentSummary {
  return summarizeFiles([]);
}

/** Per kind, names only in `after` (added) and only in `before` (removed); no previous release means all added. */
export function diffSummaries(before: ContentSummary | null, after: ContentSummary): SummaryDiff {
  const added = {} as Record<ContentKind, string[]>;
  const removed = {} as Record<ContentKind, string[]>;
  for (const kind of CONTENT_KINDS) {
    const old = new Set(before?.[kind] ?? []);
    const now = new Set(after[kind]);
    added[kind] = after[kind].filter((n) => !old.has(n));
    removed[kind] = (before?.[kind] ?? []).filter((n) => !now.has(n));
  }
  return { added, removed };
}
