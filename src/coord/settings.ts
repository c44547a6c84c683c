/**
 * Per-repository coordination settings: a repository's own `locks:` and `confirm:` win over
 * the global ones, and the strictest confirmation policy of repository and alias applies
 * (an alias can ask for more confirmation than its repository, never less).
 */
import type { PackbotConfig } from '../config/index.js';
import type { ConfirmPolicy } from './types.js';

const STRICTNESS: Record<ConfirmPolicy, number> = { never: 0, when_queued: 1, always: 2 };

export function confirmPolicy(config: PackbotConfig, repo: string, alias?: ConfirmPolicy): ConfirmPolicy {
  const repoPolicy = config.repositories[repo]?.confirm?.policy;
  const base = repoPolicy ?? config.confirm.policy;
  if (!alias) return base;
  if (!repoPolicy) return alias;
  return STRICTNESS[alias] > STRICTNESS[base] ? alias : base;
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
