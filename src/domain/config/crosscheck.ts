/**
 * Rules that span fields. They read the raw (interpolated, unvalidated) tree on purpose: a zod
 * refinement would be skipped whenever a sibling field is broken, and the promise is that every
 * problem is reported in one go. Each rule only fires when the fields it compares are readable.
 */
import { formatDuration } from '../../core/duration.js';
import { tryParseDuration } from './duration.js';
import { checkGitUrl } from './git-url.js';
import { DEFAULTS } from './schema.js';
import type { PathSegment } from './interpolate.js';
import { BUILTIN_ROLES, isRoleName } from '../../core/members.js';
import { shortSecretProblems } from './secrets.js';
import { checkRegister } from './crosscheck-register.js';
import { checkEnvDirs } from './envs-check.js';

export interface CrossIssue {
  path: PathSegment[];
  message: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

export function crossCheck(raw: unknown): CrossIssue[] {
  const root = obj(raw);
  return [
    ...checkSlack(obj(obj(root['adapters'])['slack'])), ...checkLocks(root), ...checkRepositories(root), ...checkRoles(root), ...checkRegister(root),
    ...checkEnvDirs(root),
    // A credential too short to mask would leak wherever it is quoted: refused, by key, never echoed.
    ...shortSecretProblems(root),
  ];
}

function checkSlack(slack: Obj): CrossIssue[] {
  if (Object.keys(slack).length === 0) return [];
  const mode = slack['mode'] ?? 'socket';
  const base = ['adapters', 'slack'];
  if (mode === 'socket' && !present(slack['app_token'])) {
    return [{ path: [...base, 'app_token'], message: 'socket mode needs app_token (an xapp- app-level token); or set mode: http with signing_secret' }];
  }
  if (mode === 'http' && !present(slack['signing_secret'])) {
    return [{ path: [...base, 'signing_secret'], message: 'http mode needs signing_secret to verify requests; or set mode: socket with app_token' }];
  }
  return [];
}

interface LockTimes {
  revert: number | undefined;
  warn: number | undefined;
}

function globalLocks(root: Obj): LockTimes {
  const locks = obj(root['locks']);
  return {
    revert: tryParseDuration(locks['revert_after'] ?? DEFAULTS.revertAfter),
    warn: tryParseDuration(locks['warn_before'] ?? DEFAULTS.warnBefore),
  };
}

function checkLocks(root: Obj): CrossIssue[] {
  const { revert, warn } = globalLocks(root);
  // revert_after <= 0 is the schema's complaint; comparing against it would only add noise.
  if (revert === undefined || warn === undefined || revert <= 0 || warn < revert) return [];
  return [{ path: ['locks', 'warn_before'], message: `must be shorter than locks.revert_after (${formatDuration(revert)})` }];
}

function checkRepositories(root: Obj): CrossIssue[] {
  const issues: CrossIssue[] = [];
  const global = globalLocks(root);
  for (const [name, value] of Object.entries(obj(root['repositories']))) {
    const repo = obj(value);
    const base = ['repositories', name];
    issues.push(...checkRepoLocks(obj(repo['locks']), global, base));
    issues.push(...checkRepoCredentials(repo, base));
    issues.push(...checkAutoDeployment(repo, base));
  }
  return issues;
}

/** A deploy nobody asked for in chat must still be reported somewhere. */
function checkAutoDeployment(repo: Obj, base: PathSegment[]): CrossIssue[] {
  const auto = repo['auto_deployment'];
  if (!isObj(auto) || present(auto['notify_channel']) || present(repo['notify_channel'])) return [];
  return [{
    path: [...base, 'auto_deployment', 'notify_channel'],
    message: 'auto deployments need a channel to report in: set auto_deployment.notify_channel (or the repository\'s notify_channel)',
  }];
}

function checkRepoLocks(locks: Obj, global: LockTimes, base: PathSegment[]): CrossIssue[] {
  const ownRevert = locks['revert_after'] !== undefined;
  const ownWarn = locks['warn_before'] !== undefined;
  if (!ownRevert && !ownWarn) return [];
  const revert = ownRevert ? tryParseDuration(locks['revert_after']) : global.revert;
  const warn = ownWarn ? tryParseDuration(locks['warn_before']) : global.warn;
  if (revert === undefined || warn === undefined || revert <= 0 || warn < revert) return [];
  const where = [...base, 'locks'];
  if (ownWarn) {
    return [{ path: [...where, 'warn_before'], message: `must be shorter than revert_after (${formatDuration(revert)})` }];
  }
  return [{ path: [...where, 'revert_after'], message: `must be longer than locks.warn_before (${formatDuration(warn)}); set warn_before here too` }];
}

function checkRepoCredentials(repo: Obj, base: PathSegment[]): CrossIssue[] {
  const url = repo['repo'];
  const check = typeof url === 'string' ? checkGitUrl(url) : undefined;
  if (!check?.ok || typeof url !== 'string') return [];
  const isHttp = /^https?:\/\//i.test(url);
  const isSsh = check.kind === 'scp' || /^ssh:\/\//i.test(url);
  const issues: CrossIssue[] = [];
  if (present(repo['token']) && !isHttp) {
    issues.push({ path: [...base, 'token'], message: 'a token is only used with https:// or http:// repository URLs' });
  }
  if (present(repo['username']) && !present(repo['token'])) {
    issues.push({ path: [...base, 'username'], message: 'username is only used together with token' });
  }
  if (present(repo['ssh_key_file']) && !isSsh) {
    issues.push({ path: [...base, 'ssh_key_file'], message: 'ssh_key_file is only used with ssh:// or git@host:path repository URLs' });
  }
  return issues;
}

/**
 * Role names used in `permissions.commands` and `repositories.*.allowed_users` must be roles:
 * a typo there would otherwise lock everyone out (or, worse, be read as nobody special).
 */
function checkRoles(root: Obj): CrossIssue[] {
  const permissions = obj(root['permissions']);
  const defined = new Set<string>([...BUILTIN_ROLES, ...Object.keys(obj(permissions['roles'])).filter(isRoleName)]);
  const known = [...defined].join(', ');
  const issues: CrossIssue[] = [];
  for (const builtin of BUILTIN_ROLES) {
    if (builtin in obj(permissions['roles'])) {
      issues.push({ path: ['permissions', 'roles', builtin], message: `${builtin} is a built-in role; list its members under permissions.${builtin}` });
    }
  }
  const checkList = (list: unknown, base: PathSegment[]) => {
    if (!Array.isArray(list)) return;
    list.forEach((entry, i) => {
      if (typeof entry === 'string' && isRoleName(entry) && !defined.has(entry)) {
        issues.push({ path: [...base, i], message: `unknown role "${entry}" (roles: ${known}); define it under permissions.roles or use a member like "slack:U024BE7LH"` });
      }
    });
  };
  for (const [command, list] of Object.entries(obj(permissions['commands']))) checkList(list, ['permissions', 'commands', command]);
  for (const [name, repo] of Object.entries(obj(root['repositories']))) checkList(obj(repo)['allowed_users'], ['repositories', name, 'allowed_users']);
  return issues;
}
