import { createHash } from 'node:crypto';
import type { PackbotConfig, RepositoryConfig } from '../../domain/config/index.js';
import { checkGitUrl } from '../../domain/config/paths.js';
import type { GitRemote } from '../../domain/git/index.js';
import { PackbotError } from '../../core/errors.js';

export interface ResolvedRepository {
  /** The configured name, or a stable name derived from an allowed URL. */
  name: string;
  remote: GitRemote;
  /** null = a raw URL: the layout is detected from the tree. */
  subtree: boolean | null;
  defaultBranch: string;
  config: RepositoryConfig | null;
}

function looksLikeUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[^\s/@]+@[^\s/:]+:/.test(value);
}

/**
 * `repo` from chat → a repository packbot may fetch. Names come from `repositories:`; raw
 * URLs only with `allow_urls: true` and a matching `url_allowlist` prefix.
 */
export function resolveRepository(config: PackbotConfig, repo: string): ResolvedRepository {
  const configured = config.repositories[repo];
  if (configured) {
    const remote: GitRemote = {
      name: repo,
      url: configured.repo,
      ...(configured.token ? { token: configured.token } : {}),
      ...(configured.username ? { username: configured.username } : {}),
      ...(configured.ssh_key_file ? { sshKeyFile: configured.ssh_key_file } : {}),
    };
    return { name: repo, remote, subtree: configured.subtree, defaultBranch: configured.branch, config: configured };
  }
  const names = Object.keys(config.repositories).sort();
  if (!looksLikeUrl(repo)) {
    const known = names.length > 0 ? `configured: ${names.join(', ')}` : 'none are configured';
    throw new PackbotError('repo_unknown', `Unknown repository "${repo}" (${known}). Add it under repositories: in packbot.yaml.`);
  }
  if (!config.allow_urls) {
    throw new PackbotError('repo_unknown', 'Deploying from a URL is turned off; add the repository under repositories: in packbot.yaml (or set allow_urls: true with a url_allowlist).');
  }
  const check = checkGitUrl(repo);
  const allowed = config.url_allowlist.some((prefix) => repo.startsWith(prefix));
  if (!check.ok || !allowed || !repo.startsWith('https://')) {
    throw new PackbotError('repo_unknown', `That URL is not allowed: only https URLs under url_allowlist (${config.url_allowlist.join(', ') || 'empty'}) can be deployed.`);
  }
  const name = `url-${createHash('sha256').update(repo).digest('hex').slice(0, 12)}`;
  return { name, remote: { name, url: repo }, subtree: null, defaultBranch: 'master', config: null };
}

const PACK_DIR = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/** `docker,sensu` → names; '', `all` and `*` → null (every pack). */
export function parsePackList(packs: string): string[] | null {
  const trimmed = packs.trim();
  if (trimmed === '' || trimmed === '*' || trimmed.toLowerCase() === 'all') return null;
  const names = [...new Set(trimmed.split(',').map((p) => p.trim()).filter((p) => p !== ''))];
  const bad = names.filter((n) => !PACK_DIR.test(n) || n.includes('..'));
  if (bad.length > 0) {
    throw new PackbotError('usage', `Invalid pack name${bad.length > 1 ? 's' : ''} ${bad.map((b) => JSON.stringify(b.slice(0, 60))).join(', ')}: use letters, digits, "_", "-" and ".", separated by commas.`);
  }
  return names;
}
