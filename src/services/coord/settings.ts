/**
 * Per-repository coordination settings: a repository's own `locks:` and `confirm:` win over
 * the global ones. An alias's `confirm:` can ask for more confirmation than that, never less:
 * the stricter of the two applies.
 */
import type { PackbotConfig } from '../../domain/config/index.js';
import type { ConfirmPolicy } from './types.js';

const STRICTNESS: Record<ConfirmPolicy, number> = { never: 0, when_queued: 1, always: 2 };

export function confirmPolicy(config: PackbotConfig, repo: string, alias?: ConfirmPolicy): ConfirmPolicy {
  const base = config.repositories[repo]?.confirm?.policy ?? config.confirm.policy;
  return alias && STRICTNESS[alias] > STRICTNESS[base] ? alias : base;
}

export function confirmTimeout(config: PackbotConfig, repo: string): number {
  return config.repositories[repo]?.confirm?.timeout ?? config.confirm.timeout;
}

export function confirmPhrases(config: PackbotConfig, repo: string): readonly string[] {
  return config.repositories[repo]?.confirm?.phrases ?? config.confirm.phrases;
}

export function revertAfter(config: PackbotConfig, repo: string): number {
  return config.repositories[repo]?.locks?.revert_after ?? config.locks.revert_after;
}

export function warnBefore(config: PackbotConfig, repo: string): number {
  return config.repositories[repo]?.locks?.warn_before ?? config.locks.warn_before;
}

export function isAdmin(config: PackbotConfig, identity: string): boolean {
  return config.permissions.admins.includes(identity);
}
