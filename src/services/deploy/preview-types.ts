/**
 * A deploy's plan as people read it ("plan, then apply"): what each pack would become, worked
 * out from the mirror before the request is confirmed or run — no staging, no install. The
 * prompt, `pack diff`, `packbot diff --json` and `packbot deploy --dry-run` show it; the
 * announcement after a deploy reports the same facts for what actually went live.
 */
import type { ContentKind } from '../../domain/packs/summary.js';

/** The kinds a plan and an announcement talk about (policies are rarely news). */
export type PreviewKind = Extract<ContentKind, 'actions' | 'rules' | 'sensors' | 'aliases'>;

export type ComponentLists = Record<PreviewKind, string[]>;

export interface PreviewCommit {
  sha: string;
  subject: string;
  author: string;
}

export interface PackPreview {
  /** The pack ref it installs as. */
  pack: string;
  /** Its directory in the repository: `packs/<dir>`, or '' when the repository's root is the pack. */
  source: string;
  /** The active release, or null when the pack is not installed. */
  from: { version: string; commit: string; branch: string | null; repo: string; release: string } | null;
  to: { version: string; commit: string; branch: string };
  /** Same commit content as the active release from the same repository: a deploy would do nothing (without force). */
  unchanged: boolean;
  added: ComponentLists;
  removed: ComponentLists;
  changed: ComponentLists;
  /**
   * requirements.txt (python), package.json or package-lock.json (node) differ from the active
   * release's, or a new pack has them: its environment is rebuilt. Only for the environments
   * packbot builds (envs.python, envs.node not off); always false for an unchanged pack.
   */
  envRebuild: { python: boolean; node: boolean };
  /** Dependencies this deploy would install or upgrade (from this repository or the registry). */
  dependencies: Array<{ pack: string; from: string | null; to: string; source: 'repository' | 'registry' }>;
  /** Commits since the active release that touched the pack, newest first; the rest counted. */
  commits: PreviewCommit[];
  moreCommits: number;
  /**
   * Warnings validation would give (pack-relative, never server paths). Only pack.yaml's are
   * worked out beforehand (cheap: one blob); the rest of validation runs when it deploys.
   */
  warnings: string[];
  /**
   * Why the deploy would refuse this pack, as far as the plan can tell without staging it:
   * pack.yaml problems, or a pack of that ref installed from another repository (without force).
   * Empty does not promise it validates: the full validation runs when it deploys.
   */
  errors: string[];
}

export interface DeployPreview {
  repo: string;
  /** The ref asked for, and the commit it resolves to now. */
  ref: string;
  commit: string;
  packs: PackPreview[];
  /** Directories under packs/ that are not packs (skipped). */
  notPacks: string[];
  /**
   * What would stop the deploy's dependency stage (a dependency nobody provides, a version
   * that does not fit, a registry that cannot resolve): then no pack of it goes live.
   */
  problems: string[];
  /** Every pack unchanged: a deploy would do nothing. */
  nothingToDo: boolean;
}
