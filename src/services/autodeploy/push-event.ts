/**
 * A push, the same for GitHub, GitLab and Bitbucket: what auto-deployment acts on. The
 * webhook routes (interfaces/server/webhooks) read each provider's payload into this.
 */
export const PROVIDERS = ['github', 'gitlab', 'bitbucket'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface PushEvent {
  provider: Provider;
  /** Every URL the payload gives for the repository (https clone, ssh, web page). */
  repoUrls: string[];
  /** For messages, e.g. "acme/st2-packs". */
  repoName: string;
  /** The branch pushed to; null when the ref is not a branch (a tag). */
  branch: string | null;
  /** Full shas; null when the branch was created (before) or deleted (after). */
  before: string | null;
  after: string | null;
  created: boolean;
  deleted: boolean;
  /** null when the provider does not say (GitLab): packbot works it out on the mirror. */
  forced: boolean | null;
  /** Who pushed: a display name and, when given, the login. */
  pusher: { name: string; login?: string };
  /** The newest commit of the push, when there is one. */
  headCommit: { sha: string; message: string; author: string } | null;
  commitCount: number;
}
