/**
 * A single-pack repository (`subtree: false`, or a raw URL without packs/) is one pack, so the
 * name its deploys queue, lock and check permissions under is that pack's — its pack.yaml ref
 * at the ref deployed (else the repository's name, as a push names it) — whatever word was
 * typed. Were the word the key, `pack deploy brdel anything master` would pass someone's lock
 * and two words would deploy the one pack side by side.
 *
 * The packs slot is read as in a subtree repository: the pack's name (its ref, or the
 * repository's name) or `all` is the pack; with no ref asked, a word that is a branch, tag or
 * commit of the repository is the ref ("read feat-x as the branch"); anything else is refused,
 * naming the pack and the fix. Read from the mirror preflight has just fetched: no extra fetch.
 */
import { closeMatches, code, oneOf } from '../../core/close-matches.js';
import { PackbotError } from '../../core/errors.js';
import type { YamlPool } from '../../core/yaml-safe/index.js';
import type { Git, GitRemote } from '../../domain/git/index.js';
import { looksLikeSha } from '../../domain/git/validate.js';
import { refAt } from './pack-refs.js';

export type RefKind = 'branch' | 'tag' | 'commit';

export interface RootReading {
  /** The commit to deploy and the ref it is: as asked, or the word read as the ref. */
  commit: string;
  ref: string;
  /** The pack's ref at that commit; null when pack.yaml gives none (the deploy's validation says why). */
  packRef: string | null;
  /** Set when the word was read as the ref: what kind of ref it is. */
  readAs?: RefKind;
}

export interface RootSource {
  git: Git;
  repo: { name: string; remote: GitRemote };
  yaml?: YamlPool;
}

/** Whether a name in the packs slot means a single-pack repository's one pack. */
export function isThePack(name: string, repo: string, packRef: string | null): boolean {
  return name === repo || (packRef !== null && name === packRef);
}

/** The root pack's ref at `commit`, as preflight and the pipeline both read it. */
export function rootRef(s: RootSource, commit: string): Promise<string | null> {
  return refAt({ git: s.git, remote: s.repo.remote, commit, ...(s.yaml ? { yaml: s.yaml } : {}) }, '', s.repo.name);
}

/**
 * The packs slot of a deploy from a single-pack repository at `at` (the ref asked or the
 * default branch, resolved): `named` (a ref was asked, or several names) must all be the pack;
 * `word` (one word, no ref asked) is the pack, else the ref it names. Throws pack_unknown.
 */
export async function readRoot(s: RootSource, at: { ref: string; commit: string }, named: readonly string[], word?: string): Promise<RootReading> {
  const packRef = await rootRef(s, at.commit);
  const others = (word !== undefined ? [word] : named).filter((n) => !isThePack(n, s.repo.name, packRef));
  if (others.length === 0) return { ...at, packRef };
  const pack = packRef ?? s.repo.name;
  if (word === undefined) throw notThePack(s.repo.name, pack, others, `\`pack deploy ${s.repo.name} ${at.ref}\` deploys it from ${at.ref}.`);
  const { branches, tags } = await s.git.refNames(s.repo.remote);
  const kind = branches.includes(word) ? 'branch' : tags.includes(word) ? 'tag' : looksLikeSha(word) ? 'commit' : null;
  const commit = kind === null ? null : await s.git.resolveRef(s.repo.remote, word).catch(() => null);
  if (kind === null || commit === null) {
    const near = closeMatches(word, [...branches, ...tags]);
    const hint = near.length > 0 ? ` (did you mean ${oneOf(near)}?)` : '';
    throw new PackbotError('pack_unknown',
      `${s.repo.name} is a single-pack repository whose pack is ${code(pack)}, and ${code(word)} is no branch, tag or commit in it either${hint}: \`pack deploy ${s.repo.name} <branch>\` deploys it from a branch.`);
  }
  return { commit, ref: word, packRef: await rootRef(s, commit), readAs: kind };
}

/** "brdel is a single-pack repository whose pack is `solo`, not `anything`: <fix>" */
export function notThePack(repo: string, pack: string, names: readonly string[], fix: string): PackbotError {
  return new PackbotError('pack_unknown', `${repo} is a single-pack repository whose pack is ${code(pack)}, not ${names.map(code).join(', ')}: ${fix}`);
}

/**
 * The pipeline's check of a plan's names for a root pack (a plan deployed without preflight:
 * the CLI when the lookup failed, scripts, an auto-revert naming the locked ref): each must be
 * the pack at `commit`. A word is not read as a ref here: the plan runs at the ref it holds.
 */
export async function checkRootNames(s: RootSource, commit: string, names: readonly string[], word?: string): Promise<void> {
  const asked = word !== undefined ? [...names, word] : names;
  if (asked.every((n) => n === s.repo.name)) return;
  const packRef = await rootRef(s, commit);
  const others = asked.filter((n) => !isThePack(n, s.repo.name, packRef));
  if (others.length === 0) return;
  const pack = packRef ?? s.repo.name;
  throw notThePack(s.repo.name, pack, others, `to deploy a branch, name it after the pack: \`pack deploy ${s.repo.name} ${pack} <branch>\`.`);
}
