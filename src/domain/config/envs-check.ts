/**
 * Where pack envs may live relative to the packs: `<virtualenvs_dir>/<pack>` is a link named
 * like `<packs_dir>/<pack>`, so the two directories must not be one, and neither may hold the
 * other (StackStorm would take `<packs_dir>/virtualenvs` for a pack; a pack named `packs`
 * would meet packs_dir). A dot-directory inside packs_dir (the layout before
 * virtualenvs_dir) is the exception: StackStorm skips those.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { PathSegment } from './interpolate.js';
import { DEFAULTS } from './schema.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** `inner` relative to `outer` when strictly inside it, else null. */
function inside(inner: string, outer: string): string | null {
  const rel = relative(outer, inner);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel) ? rel : null;
}

export function checkEnvDirs(root: Obj): Array<{ path: PathSegment[]; message: string }> {
  const envs = isObj(root['envs']) ? root['envs'] : {};
  const venvsRaw = str(envs['virtualenvs_dir']);
  if (!venvsRaw) return [];
  // Both relative to the config file: any common base compares them correctly.
  const base = '/packbot.yaml.dir';
  const packs = resolve(base, str(root['packs_dir']) ?? join(str(root['state_dir']) ?? DEFAULTS.stateDir, 'packs'));
  const venvs = resolve(base, venvsRaw);
  const path: PathSegment[] = ['envs', 'virtualenvs_dir'];
  if (venvs === packs) return [{ path, message: 'must not be packs_dir itself: <virtualenvs_dir>/<pack> would be the pack\'s own link; StackStorm\'s layout is virtualenvs/ beside packs/' }];
  if (inside(packs, venvs) !== null) return [{ path, message: 'must not contain packs_dir; StackStorm\'s layout is virtualenvs/ beside packs/' }];
  const rel = inside(venvs, packs);
  if (rel !== null && !rel.startsWith('.')) {
    return [{ path, message: 'must not be inside packs_dir, where StackStorm would take it for a pack; put it beside packs_dir (the default)' }];
  }
  return [];
}
