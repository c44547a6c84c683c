/**
 * Which symlinks a pack may keep: pure rules over a listing, shared by every place a pack's
 * tree is checked (the git tree before it is written, an archive before it is unpacked, the
 * validation walk, the release copy), so all of them accept and refuse the same links.
 *
 * Published StackStorm packs share code with relative links (`sensors/lib/x.py ->
 * ../../actions/lib/x.py`), and StackStorm installs them without looking: st2common's
 * pack_management.download_pack clones the repository with git (links checked out as links,
 * wherever they point) and move_pack shutil.move()s the checkout into the packs directory (a
 * rename, or copytree(symlinks=True) across file systems: still links); only a local directory
 * that is not a git repository goes through shutil.copytree with its default symlinks=False,
 * which copies what the links point at. packbot keeps links as links too, like the git path,
 * but only safe ones: a link is kept when it is relative and, followed hop by hop as the
 * kernel would (`..` after a directory link climbs from where the link points, not from where
 * it sits), reaches a regular file or directory of the same pack without ever climbing above
 * the pack's root. That last rule is
 * what lets a kept link stay a link rather than become a copy: it can only name something
 * inside its own release (written once, never changed after), so it means the same thing
 * whichever release `packs_dir/<pack>` is swapped to; and unlike copies, links cannot multiply
 * a pack's size (directory links to directories holding more links would, exponentially).
 *
 * Refused, each with a one-line reason: absolute targets, targets that leave the pack (at any
 * hop, through any other link), dangling links, chains of more than MAX_HOPS links (loops),
 * links to FIFOs or devices, and directory links whose following never ends (a link into a
 * directory that holds it, or directory links that lead back to each other).
 */

export type PackNode =
  | { kind: 'file' }
  | { kind: 'dir' }
  | { kind: 'link'; target: string }
  /** A FIFO, socket or device; `what` names it for messages ("a FIFO (named pipe)"). */
  | { kind: 'special'; what: string };

export interface KeptLink {
  /** Where the link sits, relative to the pack root, '/'-separated. */
  path: string;
  target: string;
  /** What it finally names, relative to the pack root ('' for the root itself). */
  real: string;
  kind: 'file' | 'dir';
}

export interface RefusedLink {
  path: string;
  target: string;
  /** Why, as a clause: "it points outside the pack". */
  reason: string;
}

/** Linux's own limit on links followed while resolving one path (MAXSYMLINKS). */
export const MAX_HOPS = 40;
/** PATH_MAX less its NUL: no longer target can be created on Linux. */
export const MAX_TARGET_LENGTH = 4095;

const CONTROL = /[\u0000-\u001f\u007f]/;

const q = (s: string) => JSON.stringify(s.length > 160 ? `${s.slice(0, 160)}…` : s);

/** What is wrong with a target string on its own, before anything is followed. */
export function targetProblem(target: string): string | undefined {
  if (target === '') return 'its target is empty';
  if (target.length > MAX_TARGET_LENGTH) return `its target is longer than ${MAX_TARGET_LENGTH} characters`;
  if (CONTROL.test(target)) return 'its target has control characters';
  if (target.startsWith('/') || /^[A-Za-z]:/.test(target)) return 'its target is an absolute path';
  if (target.includes('\\')) return 'its target has a backslash (paths in links use "/")';
  return undefined;
}

type Resolved = { ok: true; real: string; kind: 'file' | 'dir' } | { ok: false; reason: string };

/** Follows one link through `nodes` (paths relative to the root, which is a directory). */
function resolveOne(path: string, target: string, nodes: ReadonlyMap<string, PackNode>): Resolved {
  const fail = (reason: string): Resolved => ({ ok: false, reason });
  const first = targetProblem(target);
  if (first) return fail(first);
  const stack = path.split('/').slice(0, -1);
  let rest = target.split('/');
  // The last link followed after the first, to name it when the chain goes wrong there.
  let via: { at: string; target: string } | undefined;
  const through = () => (via ? ` through ${q(via.at)} (-> ${q(via.target)})` : '');
  // The link itself counts, as for the kernel: a chain of MAX_HOPS links in all resolves.
  let hops = 1;
  while (rest.length > 0) {
    const part = rest.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return fail(`it points outside the pack${through()}`);
      stack.pop();
      continue;
    }
    const at = [...stack, part].join('/');
    const node = nodes.get(at);
    if (node === undefined) return fail(`it points to ${q(at)}, which does not exist in the pack${through()}`);
    if (node.kind === 'link') {
      hops += 1;
      if (hops > MAX_HOPS) return fail(`it is a loop of links (more than ${MAX_HOPS} followed)`);
      const bad = targetProblem(node.target);
      if (bad) return fail(`it goes through ${q(at)} (-> ${q(node.target)}), and ${bad.replace(/^its/, 'that link\'s')}`);
      via = { at, target: node.target };
      rest = [...node.target.split('/'), ...rest];
      continue;
    }
    if (node.kind === 'special') return fail(`it points to ${q(at)}, which is ${node.what}`);
    // "file/" and "file/.." name nothing, as for the kernel (ENOTDIR).
    if (node.kind === 'file' && rest.length > 0) return fail(`it uses ${q(at)} as a directory, but it is a file${through()}`);
    stack.push(part);
  }
  const real = stack.join('/');
  const end = real === '' ? { kind: 'dir' as const } : nodes.get(real);
  return { ok: true, real, kind: end?.kind === 'file' ? 'file' : 'dir' };
}

const isUnder = (path: string, dir: string) => dir === '' || path.startsWith(`${dir}/`);

/**
 * Directory links whose following never ends. A directory T is "endless" when some directory
 * link below T points at a directory that is endless or is T again; any link to an endless
 * directory is refused. Computed on the graph "T → T′ when a link below T points at T′" by
 * peeling off, repeatedly, the targets nothing loops out of: what remains reaches a cycle.
 */
function endlessTargets(dirLinks: readonly KeptLink[]): Set<string> {
  const targets = new Set(dirLinks.map((l) => l.real));
  const next = new Map<string, Set<string>>([...targets].map((t) => [t, new Set<string>()]));
  const prev = new Map<string, Set<string>>([...targets].map((t) => [t, new Set<string>()]));
  for (const link of dirLinks) {
    const parts = link.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const above = parts.slice(0, i).join('/');
      if (!targets.has(above)) continue;
      next.get(above)?.add(link.real);
      prev.get(link.real)?.add(above);
    }
  }
  const left = new Map([...next].map(([t, out]) => [t, out.size]));
  const done = [...left].filter(([, n]) => n === 0).map(([t]) => t);
  while (done.length > 0) {
    const t = done.pop() as string;
    left.delete(t);
    for (const p of prev.get(t) ?? []) {
      const n = (left.get(p) ?? 0) - 1;
      left.set(p, n);
      if (n === 0) done.push(p);
    }
  }
  return new Set(left.keys());
}

/**
 * Every link of a pack's listing, kept or refused. `nodes` holds every entry by its path
 * relative to the pack root (the root itself is implied); links are followed only through it.
 */
export function checkLinks(nodes: ReadonlyMap<string, PackNode>): { kept: KeptLink[]; refused: RefusedLink[] } {
  const kept: KeptLink[] = [];
  const refused: RefusedLink[] = [];
  for (const [path, node] of nodes) {
    if (node.kind !== 'link') continue;
    const r = resolveOne(path, node.target, nodes);
    if (!r.ok) refused.push({ path, target: node.target, reason: r.reason });
    else if (r.kind === 'dir' && isUnder(path, r.real)) {
      refused.push({ path, target: node.target, reason: `it points to ${r.real === '' ? 'the pack root' : q(r.real)}, a directory that holds the link itself (a loop)` });
    } else kept.push({ path, target: node.target, real: r.real, kind: r.kind });
  }
  const endless = endlessTargets(kept.filter((l) => l.kind === 'dir'));
  if (endless.size === 0) return { kept, refused };
  const reason = (l: KeptLink) => `it points to ${q(l.real)}, whose directory links lead back into each other (a loop)`;
  return {
    kept: kept.filter((l) => !(l.kind === 'dir' && endless.has(l.real))),
    refused: [...refused, ...kept.filter((l) => l.kind === 'dir' && endless.has(l.real)).map((l) => ({ path: l.path, target: l.target, reason: reason(l) }))],
  };
}

