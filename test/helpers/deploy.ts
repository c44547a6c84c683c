import type { PackbotConfig } from '../../src/domain/config/index.js';
import type { Masker } from '../../src/core/masking/masker.js';
import { createApp, type App } from '../../src/app/app.js';
import { testRuntime } from './runtime.js';
import type { DeployRequest, DeployResult } from '../../src/services/deploy/types.js';
import type { FileSpec, GitRepo } from './git-repo.js';
import { createRepo, tempDir } from './git-repo.js';

export interface RepoSpec {
  url: string;
  subtree?: boolean;
  branch?: string;
  token?: string;
  /** `strict: true`: validation warnings refuse the pack. */
  strict?: boolean;
}

export interface DeployEnv {
  app: App;
  config: PackbotConfig;
  masker: Masker;
  root: string;
  logs(): string;
  deploy(req: Partial<DeployRequest> & { repo: string }): Promise<DeployResult>;
}

/** packbot.yaml text for the given repos, state under `root`. */
export function deployConfigYaml(root: string, repos: Record<string, RepoSpec>, extra = ''): string {
  const lines = [`state_dir: ${root}/state`, 'log: {level: debug}', 'repositories:'];
  for (const [name, r] of Object.entries(repos)) {
    lines.push(`  ${name}:`, `    repo: ${JSON.stringify(r.url)}`, `    subtree: ${r.subtree ?? true}`, `    branch: ${r.branch ?? 'main'}`);
    if (r.token) lines.push(`    token: ${JSON.stringify(r.token)}`);
    if (r.strict !== undefined) lines.push(`    strict: ${r.strict}`);
  }
  return `${lines.join('\n')}\n${extra}`;
}

/** A real app (no chat adapters) on a fresh state dir; logs kept in memory (masked). */
export async function createDeployEnv(repos: Record<string, RepoSpec>, extra = ''): Promise<DeployEnv> {
  const root = await tempDir('packbot-deploy-');
  const rt = await testRuntime(deployConfigYaml(root, repos, extra), root);
  const { config, masker } = rt;
  const app = await createApp(config, { ...rt, adapters: [] });
  await app.start();
  return {
    app, config, masker, root,
    logs: rt.logs,
    deploy: (req) => app.deployer.run({ packs: '', requestedBy: 'console:alice', ...req }),
  };
}

export interface PackSpec {
  version?: string;
  dependencies?: string[];
  actions?: string[];
  /** Path prefix; default `packs/<name>/` (use '' for a single-pack repo). */
  prefix?: string;
  extra?: Record<string, FileSpec>;
}

/** The files of a valid StackStorm pack. */
export function pack(name: string, spec: PackSpec = {}): Record<string, FileSpec> {
  const prefix = spec.prefix ?? `packs/${name}/`;
  const deps = spec.dependencies?.length ? `dependencies:\n${spec.dependencies.map((d) => `  - "${d}"`).join('\n')}\n` : '';
  const files: Record<string, FileSpec> = {
    [`${prefix}pack.yaml`]: `---\nref: ${name}\nname: ${name}\ndescription: The ${name} pack.\nversion: ${spec.version ?? '1.0.0'}\nauthor: Ada\n${deps}`,
  };
  for (const action of spec.actions ?? ['hello']) {
    files[`${prefix}actions/${action}.yaml`] = `---\nname: ${action}\nrunner_type: python-script\nentry_point: ${action}.py\n`;
    files[`${prefix}actions/${action}.py`] = `print("${action} from ${name}")\n`;
  }
  return { ...files, ...spec.extra };
}

/**
 * A repository with packs `names` at 1.0.0 on main and 2.0.0 on `branch`: a deploy moving a
 * pack between the two always installs something.
 */
export async function repoWithBumpedBranch(names: readonly string[], branch = 'feature-x'): Promise<GitRepo> {
  const repo = await createRepo({ files: Object.assign({}, ...names.map((p) => pack(p))) });
  await repo.branch(branch);
  await repo.checkout(branch);
  await repo.commit('bump', Object.assign({}, ...names.map((p) => pack(p, { version: '2.0.0' }))));
  await repo.checkout('main');
  return repo;
}
