/**
 * Who may do what, where: a pure function of packbot.yaml's `permissions:` (and each
 * repository's `allowed_users` / `allowed_channels`) and the person asking. No I/O: the gate
 * (gate.ts) records and logs what this refuses.
 *
 * - A command needs what `permissions.commands.<command>` lists, else what its alias's
 *   `permission:` names: `read` (everyone), `deploy` (the deployers role; no `deployers`
 *   list means everyone), `admin` (the admins role) or a role of `permissions.roles`.
 * - Admins may run everything, on every repository.
 * - Channel lists (`permissions.channels`, `repositories.X.allowed_channels`) say *where*, not
 *   who: they hold for admins too, so "prod deploys only from #ops" stays true.
 * - An installed pack belongs to the source of its active release (ownership.ts): replacing,
 *   rolling back or removing it needs that source's check as well as the new source's.
 */
import type { PackbotConfig } from '../config/index.js';
import { displayIdentity, isChatIdentity, type Identity } from '../../core/identity.js';
import { ALIAS_PERMISSIONS, channelMatches } from '../../core/members.js';
import { originLabel, type Origin } from './ownership.js';

/** The person asking, as the checker sees them. */
export interface Actor {
  /** `<platform>:<user id>`. */
  identity: Identity;
  /** Platform groups they are in: `discord-role:<id>`, `slack-group:<id>`. */
  groups: readonly string[];
  channel: { id: string; name: string };
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** Commands that act on a repository's packs (and clicks on their prompts). */
export type RepoAction = 'deploy' | 'replace' | 'rollback' | 'uninstall' | 'confirm' | 'cancel';

const OK: Verdict = { ok: true };
const VERBS: Record<RepoAction, string> = {
  deploy: 'Deploying', replace: 'Replacing', rollback: 'Rolling back', uninstall: 'Uninstalling', confirm: 'Confirming a deploy of', cancel: 'Cancelling a deploy of',
};

/** `console:root` → `@root`; groups stay as written. */
function who(member: string): string {
  return isChatIdentity(member) ? displayIdentity(member) : member;
}

export function createPolicy(config: PackbotConfig) {
  const p = config.permissions;

  const isMemberOf = (actor: Actor, list: readonly string[]) =>
    list.some((m) => m === actor.identity || actor.groups.includes(m));

  const isAdmin = (actor: Actor) => isMemberOf(actor, p.admins);

  /** Whether the actor holds `role` (not counting admin rights); unknown roles are held by nobody. */
  function hasRole(actor: Actor, role: string): boolean {
    if (role === 'admins') return isAdmin(actor);
    if (role === 'deployers') return p.deployers === undefined || isMemberOf(actor, p.deployers);
    const members = p.roles?.[role];
    return members !== undefined && isMemberOf(actor, members);
  }

  /** A list entry: a member (person or group) or a role name. */
  const matches = (actor: Actor, entry: string) => (entry.includes(':') ? isMemberOf(actor, [entry]) : hasRole(actor, entry));

  const roleDefined = (role: string) => role === 'admins' || role === 'deployers' || p.roles?.[role] !== undefined;

  function askAdmin(): string {
    return p.admins.length > 0 ? `ask an admin (${p.admins.map(who).join(', ')})` : 'ask whoever runs packbot (packbot.yaml lists no admins)';
  }

  /** Where role members are listed, for the "add X to ..." fix. */
  const roleList = (role: string) => (role === 'admins' || role === 'deployers' ? `permissions.${role}` : `permissions.roles.${role}`);

  /** The role (or list) a command needs, or null when everyone may run it. */
  function requirement(command: string, aliasPermission: string): { entries: string[]; source: string } | { role: string } | null {
    const listed = p.commands?.[command as keyof NonNullable<typeof p.commands>];
    if (listed) return { entries: listed, source: `permissions.commands.${command}` };
    const mapped = aliasPermission in ALIAS_PERMISSIONS ? ALIAS_PERMISSIONS[aliasPermission] : aliasPermission;
    return mapped ? { role: mapped } : null;
  }

  /** May the actor run this command at all (ignoring where)? */
  function mayRun(actor: Actor, command: string, aliasPermission: string, label: string): Verdict {
    const need = requirement(command, aliasPermission);
    if (need === null || isAdmin(actor)) return OK;
    if ('entries' in need) {
      if (need.entries.some((e) => matches(actor, e))) return OK;
      return { ok: false, reason: `${label} needs one of ${need.entries.join(', ')} (${need.source}); ${askAdmin()} to add ${actor.identity} there.` };
    }
    if (hasRole(actor, need.role)) return OK;
    if (!roleDefined(need.role)) {
      return { ok: false, reason: `${label} needs the ${need.role} role, which packbot.yaml does not define; ${askAdmin()} to add it under permissions.roles.` };
    }
    return { ok: false, reason: `${label} needs the ${need.role} role; ${askAdmin()} to add ${actor.identity} to ${roleList(need.role)}.` };
  }

  /** Global channel allow-list: every command but help. */
  function mayRunHere(actor: Actor, command: string, label: string): Verdict {
    const allowed = p.channels;
    if (!allowed || command === 'help' || allowed.some((c) => channelMatches(c, actor.channel))) return OK;
    return { ok: false, reason: `${label} runs only in ${allowed.join(', ')} (permissions.channels); ask again there.` };
  }

  /** The check where the repository is known: its allowed_users, then its allowed_channels. */
  function repoVerdict(actor: Actor, action: RepoAction, repo: string, pack?: string, said?: string): Verdict {
    const settings = config.repositories[repo];
    if (!settings) return OK;
    const what = said ?? `${VERBS[action]} ${pack ? `${pack} (from ${repo})` : repo}`;
    const users = settings.allowed_users;
    if (users && !isAdmin(actor) && !users.some((e) => matches(actor, e))) {
      return { ok: false, reason: `${what} needs being in repositories.${repo}.allowed_users (${users.join(', ')}); ${askAdmin()} to add ${actor.identity} there.` };
    }
    const where = settings.allowed_channels;
    if (where && !where.some((c) => channelMatches(c, actor.channel))) {
      return { ok: false, reason: `${what} runs only in ${where.join(', ')} (repositories.${repo}.allowed_channels); ask again there.` };
    }
    return OK;
  }

  return {
    isAdmin,
    hasRole,
    mayRun,

    /** The check at the chat boundary: who (command permission), then where (permissions.channels). */
    command(actor: Actor, command: string, aliasPermission: string, label: string): Verdict {
      const verdict = mayRun(actor, command, aliasPermission, label);
      return verdict.ok ? mayRunHere(actor, command, label) : verdict;
    },

    /** The check where the repository is known: its allowed_users, then its allowed_channels. */
    repo: repoVerdict,

    /**
     * Whether the actor may deploy from `repo` at all, wherever they ask: the deploy command's
     * permission (`deployPermission`: its alias's) and the repository's allowed_users. Channel
     * lists say where, not who, so they hide nothing: the status views (`pack status`, Slack's
     * App Home) show each person the repositories this allows.
     */
    mayDeploy(actor: Actor, repo: string, deployPermission = 'deploy'): boolean {
      if (!mayRun(actor, 'deploy', deployPermission, 'deploy').ok) return false;
      const users = config.repositories[repo]?.allowed_users;
      return !users || isAdmin(actor) || users.some((e) => matches(actor, e));
    },

    /**
     * The check on where an installed pack came from (ownership.ts), for replacing, rolling
     * back or removing it: a repository's own check; the registry's is the right to run
     * `install` (`installPermission`: its alias's permission); a URL's is allow_urls being on;
     * an unknown origin is admins' only. `what` starts the refusal ("Replacing alpha (from prod)").
     */
    origin(actor: Actor, action: RepoAction, origin: Origin, pack: string, installPermission = 'deploy', said?: string): Verdict {
      const what = said ?? `${VERBS[action]} ${pack} (from ${originLabel(origin)})`;
      switch (origin.kind) {
        case 'repository':
          return repoVerdict(actor, action, origin.name, pack, what);
        case 'registry':
          return mayRun(actor, 'install', installPermission, what);
        case 'url':
          if (config.allow_urls || isAdmin(actor)) return OK;
          return { ok: false, reason: `${what} is for admins only while allow_urls is off; ${askAdmin()}.` };
        case 'unknown':
          if (isAdmin(actor)) return OK;
          return { ok: false, reason: `${what} is for admins only: ${origin.name} is not a configured repository, so nobody else's permission on it can be checked; ${askAdmin()}.` };
      }
    },
  };
}

export type Policy = ReturnType<typeof createPolicy>;
