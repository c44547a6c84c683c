/**
 * The policy at work: every refusal is told to the asker in one line, written to history as a
 * `denied` record (masked like every record) and logged at warn. The chat boundary calls
 * `command` before a handler runs; handlers call `repo` once they know the repository, before
 * anything is fetched or changed; button clicks call both.
 */
import { randomBytes } from 'node:crypto';
import type { AliasDefinition, AliasTable } from '../aliases/index.js';
import type { PackbotConfig } from '../config/index.js';
import { PackbotError } from '../../core/errors.js';
import type { Logger } from '../../core/logging/logger.js';
import type { HistoryStore } from '../store/history.js';
import { ALIAS_PERMISSIONS } from '../../core/members.js';
import { createPolicy, type Actor, type Policy, type RepoAction, type Verdict } from './policy.js';
import { originRecordName, type Origin } from './ownership.js';

export type { Actor, RepoAction, Verdict } from './policy.js';

export interface GateDeps {
  config: PackbotConfig;
  history: HistoryStore;
  logger: Logger;
  /** For button clicks, which have no alias of their own: they need what the command's alias needs. */
  aliases?: Pick<AliasTable, 'definitions'>;
  now?: () => Date;
}

/** `pack deploy <repo> [packs]` → `pack deploy`: the words a user types to name the command. */
export function commandLabel(alias: AliasDefinition): string {
  const display = alias.formats[0]?.display ?? alias.name;
  return display.split(/\s+/).filter((w) => w !== '' && !/^[<[{]/.test(w)).join(' ') || alias.name;
}

export interface PermissionGate {
  readonly policy: Policy;
  /** May the actor run this alias's command here? On refusal: recorded, logged, and the one-line reason returned. */
  command(actor: Actor, alias: AliasDefinition): Promise<string | null>;
  /** A button click (Confirm/Cancel, a home's Unlock/Extend): the command check with that command's alias permission (default `deploy`). */
  action(actor: Actor, command: 'confirm' | 'cancel' | 'unlock' | 'lock_extend'): Promise<string | null>;
  /** Whether the actor may deploy from `repo` at all (policy.mayDeploy, with the deploy alias's permission); nothing recorded. */
  mayDeploy(actor: Actor, repo: string): boolean;
  /** The repository check; on refusal records, logs and throws a `not_permitted` PackbotError. */
  repo(actor: Actor, action: RepoAction, repo: string, opts?: { pack?: string; command?: string }): Promise<void>;
  /**
   * The check on where installed pack `pack` came from (see policy.origin): replacing, rolling
   * back or uninstalling it. On refusal records, logs and throws a `not_permitted` PackbotError.
   */
  origin(actor: Actor, action: RepoAction, origin: Origin, opts: { pack: string; command?: string; what?: string }): Promise<void>;
  /** Whether `help` should show the alias to this actor (nothing recorded). */
  allows(actor: Actor, alias: AliasDefinition): Verdict;
}

export function createPermissionGate(deps: GateDeps): PermissionGate {
  const policy = createPolicy(deps.config);
  const now = deps.now ?? (() => new Date());
  const roles = new Set(['admins', 'deployers', ...Object.keys(deps.config.permissions.roles ?? {})]);
  for (const alias of deps.aliases?.definitions ?? []) {
    if (alias.permission in ALIAS_PERMISSIONS || roles.has(alias.permission)) continue;
    // Alias files load apart from packbot.yaml, so this is said here; only admins can run it meanwhile.
    deps.logger.warn({ alias: alias.name, file: alias.file, permission: alias.permission },
      `alias ${alias.name} needs the role "${alias.permission}", which permissions.roles does not define; only admins can run it`);
  }

  async function deny(actor: Actor, command: string, reason: string, repo?: string): Promise<void> {
    deps.logger.warn({ identity: actor.identity, command, repo, channel: actor.channel.id, reason }, 'permission denied');
    const at = now().toISOString();
    try {
      await deps.history.append({
        id: randomBytes(4).toString('hex'), kind: 'denied', requested_by: actor.identity, channel: actor.channel.name,
        ...(repo ? { repo } : {}), started_at: at, finished_at: at, duration_ms: 0, result: 'denied', packs: [], stages: {},
        command, reason,
      });
    } catch (err) {
      // The refusal stands either way; a store hiccup must not turn it into a permission.
      deps.logger.error({ err }, 'could not record a permission denial');
    }
  }

  return {
    policy,
    async command(actor, alias) {
      const verdict = policy.command(actor, alias.command, alias.permission, commandLabel(alias));
      if (verdict.ok) return null;
      await deny(actor, alias.command, verdict.reason);
      return verdict.reason;
    },
    async action(actor, command) {
      const alias = deps.aliases?.definitions.find((a) => a.enabled && a.command === command);
      const label = alias ? commandLabel(alias) : `the ${command} button`;
      const verdict = policy.command(actor, command, alias?.permission ?? 'deploy', label);
      if (verdict.ok) return null;
      await deny(actor, command, verdict.reason);
      return verdict.reason;
    },
    async repo(actor, action, repo, opts = {}) {
      const verdict = policy.repo(actor, action, repo, opts.pack);
      if (verdict.ok) return;
      await deny(actor, opts.command ?? action, verdict.reason, repo);
      throw new PackbotError('not_permitted', verdict.reason);
    },
    async origin(actor, action, origin, opts) {
      // The registry's check is the right to install: whatever the install alias asks.
      const install = deps.aliases?.definitions.find((a) => a.enabled && a.command === 'install');
      const verdict = policy.origin(actor, action, origin, opts.pack, install?.permission ?? 'deploy', opts.what);
      if (verdict.ok) return;
      await deny(actor, opts.command ?? action, verdict.reason, originRecordName(origin));
      throw new PackbotError('not_permitted', verdict.reason);
    },
    mayDeploy(actor, repo) {
      const deploy = deps.aliases?.definitions.find((a) => a.enabled && a.command === 'deploy');
      return policy.mayDeploy(actor, repo, deploy?.permission ?? 'deploy');
    },
    allows(actor, alias) {
      return policy.command(actor, alias.command, alias.permission, commandLabel(alias));
    },
  };
}

/**
 * Whether this person may confirm a deploy a push requested from `repo` (such a deploy has
 * no chat requester to answer it): the same checks as a Confirm click, nothing recorded.
 */
export function mayConfirmFor(gate: Pick<PermissionGate, 'policy'>, actor: Actor): (repo: string) => boolean {
  return (repo) => gate.policy.command(actor, 'confirm', 'deploy', 'confirm').ok && gate.policy.repo(actor, 'confirm', repo).ok;
}
