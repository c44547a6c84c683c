/**
 * Git's raw object formats, read without git: a tree is `<mode> SP <name> NUL <binary id>`
 * repeated; a commit and a tag start with header lines (`tree <id>`, `object <id>`).
 */
import type { TreeEntry } from './types.js';

export interface TreeObjectEntry {
  /** Six digits, as ls-tree prints it (a tree object stores `40000`). */
  mode: string;
  type: TreeEntry['type'];
  name: string;
  oid: string;
}

export class ObjectFormatError extends Error {}

function typeOf(mode: string): TreeEntry['type'] {
  if (mode === '040000') return 'tree';
  if (mode === '160000') return 'commit';
  return 'blob';
}

/** `hashBytes`: 20 for sha1 repositories, 32 for sha256 ones (the id length of what was asked). */
export function parseTree(content: Buffer, hashBytes: number): TreeObjectEntry[] {
  const entries: TreeObjectEntry[] = [];
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = space < 0 ? -1 : content.indexOf(0x00, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + hashBytes > content.length) throw new ObjectFormatError('a truncated tree entry');
    const rawMode = content.subarray(at, space).toString('latin1');
    if (!/^[0-7]{5,6}$/.test(rawMode)) throw new ObjectFormatError(`a tree entry with mode ${JSON.stringify(rawMode)}`);
    const mode = rawMode.padStart(6, '0');
    // Names as ls-tree gave them before (bytes read as UTF-8), so the safety checks see the same text.
    const name = content.subarray(space + 1, nul).toString('utf8');
    const oid = content.subarray(nul + 1, nul + 1 + hashBytes).toString('hex');
    entries.push({ mode, type: typeOf(mode), name, oid });
    at = nul + 1 + hashBytes;
  }
  return entries;
}

/** The id a commit's `tree` header, or a tag's `object` header, names. */
export function headerId(content: Buffer, field: 'tree' | 'object'): string {
  // Headers end at the first blank line; the ids are hex, so latin1 reads them exactly.
  const head = content.subarray(0, Math.max(0, content.indexOf('\n\n'))).toString('latin1') || content.toString('latin1');
  const m = new RegExp(`^${field} ([0-9a-f]{40}|[0-9a-f]{64})$`, 'm').exec(head);
  if (!m?.[1]) throw new ObjectFormatError(`no ${field} header`);
  return m[1];
}
