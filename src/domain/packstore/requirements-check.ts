/**
 * What a pack's requirements file may ask pip for while source builds are off: packages by
 * name and version (installed from wheels only, so no pack-chosen code runs), and wheel
 * files inside the pack. Anything that would build, or fetch from somewhere the operator
 * did not configure, is refused up front, naming the line and the opt-in.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { PackbotError } from '../../core/errors.js';
import type { Masker } from '../../core/masking/masker.js';

/** Options that only narrow what pip installs. */
const HARMLESS_OPTIONS = new Set(['--require-hashes', '--pre', '--prefer-binary']);
/** name[extras] then version specifiers and environment markers, nothing that can be a path or URL. */
const REQUIREMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,\s-]*\])?\s*([<>=!~,.*\sA-Za-z0-9_+-]*)?(;[\sA-Za-z0-9_.<>=!~'"()+-]*)?$/;
const HASH = /^--hash[=\s]\s*[a-z0-9]+:[0-9a-fA-F]+$/;
export const OPT_IN = 'pack_code: {source_builds: true}';

/** The requirement itself, or why the line is refused. */
function problem(line: string): string | null {
  if (line.includes('${')) return 'it expands an environment variable';
  if (line.startsWith('-')) return HARMLESS_OPTIONS.has(line) ? null : `the option ${line.split(/[\s=]/)[0]} can build or fetch code from elsewhere`;
  // Per-requirement options: only --hash (it narrows); --config-settings and friends steer a build.
  const [requirement = '', ...options] = line.split(/\s+(?=--)/);
  const bad = options.find((o) => !HASH.test(o.trim()));
  if (bad) return `the option ${bad.trim().split(/[\s=]/)[0]} can steer a build`;
  const req = requirement.trim();
  if (req.endsWith('.whl') && !/[:@\\]/.test(req)) {
    const norm = normalize(req);
    return isAbsolute(req) || norm === '..' || norm.startsWith(`..${sep}`) ? 'it names a wheel outside the pack' : null;
  }
  if (REQUIREMENT.test(req)) return null;
  return 'it names a path, a URL or a direct reference instead of a package';
}

/** pip's own reading of a line: backslash continuations joined, `#` comments dropped. */
function logicalLines(text: string): Array<{ no: number; text: string }> {
  const out: Array<{ no: number; text: string }> = [];
  let pending: { no: number; text: string } | null = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const joined: { no: number; text: string } = pending ? { no: pending.no, text: `${pending.text} ${raw}` } : { no: i + 1, text: raw };
    if (joined.text.endsWith('\\')) {
      pending = { no: joined.no, text: joined.text.slice(0, -1) };
      return;
    }
    pending = null;
    const stripped = joined.text.replace(/(^|\s+)#.*$/, '').trim();
    if (stripped !== '') out.push({ no: joined.no, text: stripped });
  });
  if (pending) out.push(pending);
  return out;
}

/** Throws env_failed on the first line that would need source builds. */
export async function checkRequirements(pack: string, packDir: string, file: string, masker: Masker): Promise<void> {
  const text = await readFile(join(packDir, file), 'utf8');
  for (const line of logicalLines(text)) {
    const why = problem(line.text);
    if (why) {
      // Masked before it is cut short: a cut secret would no longer be recognised.
      const masked = masker.mask(line.text);
      const shown = masked.length > 80 ? `${masked.slice(0, 77)}...` : masked;
      throw new PackbotError('env_failed', `${pack}: ${file} line ${line.no} (${shown}) is refused: ${why}; pip installs wheels of named packages only unless the repository sets ${OPT_IN}`);
    }
  }
}
