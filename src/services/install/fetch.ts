/**
 * The fetch stage of an install: one planned pack from the registry into a directory of the
 * install's staging: an archive (downloaded under the allow-list, hashed, extracted
 * in-process) or a git repository at the version's tag (through packbot's hardened git, as a
 * deploy would). Either way only `allowed_urls` is fetched from: an index names URLs, but it
 * is the operator who trusts them. The prefixes are matched by core/net/url-policy (dot
 * segments resolved first, path-segment boundaries), on the first URL and on every redirect,
 * and the normalised URL is the one fetched or cloned.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { RegistryConfig } from '../../domain/config/schema-registry.js';
import { checkGitUrl } from '../../domain/config/git-url.js';
import { PackbotError } from '../../core/errors.js';
import { downloadArchive } from '../../domain/archive/download.js';
import { extractArchive } from '../../domain/archive/extract.js';
import type { Git, GitRemote } from '../../domain/git/index.js';
import type { PlannedInstall } from '../../domain/registry/resolve.js';
import { DEFAULT_LIMITS } from '../../domain/packs/index.js';
import { displayUrl } from '../../core/net/urls.js';
import type { FetchLike } from '../../core/net/http-client.js';
import { checkAllowedUrl, describePrefixes } from '../../core/net/url-policy.js';

export interface FetchedPack {
  /** The pack's own directory (holding pack.yaml). */
  dir: string;
  /** What identifies this content: the git tree, or the archive's sha256. */
  treeId: string;
  /** The git commit, or the archive's sha256 (64 hex). */
  commit: string;
  /** Where it came from, for the release's metadata and messages. */
  origin: string;
}

export interface FetchDeps {
  git: Git;
  registry: RegistryConfig;
  /** The app's HTTP client (its own dispatcher); without one, each download makes its own. */
  fetch?: FetchLike;
}

/** The URL to fetch, normalised, when it is under registry.allowed_urls; one-line refusal otherwise. */
function allowedUrl(registry: RegistryConfig, what: string, url: string): string {
  const checked = checkAllowedUrl(url, registry.allowed_urls);
  if (checked.ok) return checked.url.href;
  throw new PackbotError(
    'archive_download',
    `${what} ${displayUrl(url)} is refused (${checked.reason}); registry.allowed_urls allows: ${describePrefixes(registry.allowed_urls)} — add its prefix there if you trust it.`,
  );
}

/** A name for the mirror of a registry repository: stable per URL, safe as a directory. */
export function registryRemote(url: string): GitRemote {
  return { name: `registry-${createHash('sha256').update(url).digest('hex').slice(0, 16)}`, url };
}

/** The directory holding pack.yaml: the extraction root, or its single top-level directory. */
async function packRoot(root: string): Promise<string> {
  const entries = await readdir(root, { withFileTypes: true });
  if (entries.some((e) => e.name === 'pack.yaml' && e.isFile())) return root;
  throw new PackbotError('pack_invalid', 'the archive has no pack.yaml at its top (or in its single top-level directory)');
}

async function fromArchive(deps: FetchDeps, planned: PlannedInstall, dest: string): Promise<FetchedPack> {
  const archive = planned.source.archive!;
  const url = allowedUrl(deps.registry, 'The archive', archive.url);
  const work = `${dest}.download`;
  await mkdir(work, { recursive: true });
  try {
    const file = path.join(work, 'archive');
    const origins = deps.registry.allowed_urls.map((p) => new URL(p).origin);
    const got = await downloadArchive(url, {
      allowedHosts: origins, allowedPrefixes: deps.registry.allowed_urls,
      maxBytes: deps.registry.max_archive_bytes, timeoutMs: deps.registry.archive_timeout, dest: file,
      ...(archive.sha256 ? { sha256: archive.sha256 } : {}),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    const extracted = path.join(work, 'x');
    const result = await extractArchive(file, extracted, {
      maxEntries: deps.registry.max_entries, maxBytes: deps.registry.max_extracted_bytes, maxEntryBytes: deps.registry.max_extracted_bytes,
    });
    await rename(await packRoot(result.root), dest);
    // The archive's sha256 stands in for a commit: it names exactly this content, as a sha does.
    return { dir: dest, treeId: `sha256:${got.sha256}`, commit: got.sha256, origin: displayUrl(url) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function fromGit(deps: FetchDeps, planned: PlannedInstall, dest: string): Promise<FetchedPack> {
  const listed = planned.source.repo_url!;
  const check = checkGitUrl(listed);
  if (!check.ok || check.kind !== 'url') throw new PackbotError('repo_unknown', `The index gives ${planned.name} an unusable repository URL (${check.ok ? 'not a URL' : check.reason}).`);
  // git resolves `/../` as fetch does: the URL it is given is the one checked.
  const url = allowedUrl(deps.registry, 'The repository', listed);
  const remote = registryRemote(url);
  await deps.git.sync(remote);
  const ref = planned.source.git_ref ?? `v${planned.version}`;
  try {
    const commit = await deps.git.resolveRef(remote, ref);
    const treeId = await deps.git.treeId(remote, commit, '');
    // The validator's byte cap while writing: a huge file is refused before it reaches the disk.
    await deps.git.materialize(remote, commit, '', dest, { maxBytes: DEFAULT_LIMITS.maxBytes });
    return { dir: dest, treeId, commit, origin: `${displayUrl(url)}@${ref}` };
  } finally {
    // One pack per registry repository: its object reader has nothing more to do.
    await deps.git.closeReaders(remote).catch(() => undefined);
  }
}

export async function fetchPack(deps: FetchDeps, planned: PlannedInstall, dest: string): Promise<FetchedPack> {
  if (planned.source.archive) return fromArchive(deps, planned, dest);
  if (planned.source.repo_url) return fromGit(deps, planned, dest);
  throw new PackbotError('pack_invalid', `The index lists ${planned.name} ${planned.version} with neither an archive nor a repository to fetch it from.`);
}
