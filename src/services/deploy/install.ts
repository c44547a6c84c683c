import path from 'node:path';
import { planDependencies, checkPackConfig } from '../../domain/packs/index.js';
import { buildEnvironment } from '../../domain/packstore/index.js';
import { isPackbotError } from '../../core/errors.js';
import { hasRegisterHooks, registerPacks } from './register.js';
import { runPackTests, testSettings } from './tests.js';
import type { PreparedPack } from './prepare.js';
import type { ResolvedRepository } from './resolve.js';
import type { DeployerDeps, DeployRequest, PackResult, StageClockLike } from './types.js';

export interface InstallInput {
  deps: DeployerDeps;
  clock: StageClockLike;
  prepared: PreparedPack[];
  repo: ResolvedRepository;
  branch: string;
  commit: string;
  deployId: string;
  request: DeployRequest;
  toResult: (p: PreparedPack, extra?: Partial<PackResult>) => PackResult;
}

function message(err: unknown, deps: DeployerDeps): string {
  return deps.masker.mask(isPackbotError(err) ? err.describe() : err instanceof Error ? err.message : String(err));
}

/**
 * From validated staging dirs to active, registered releases. Dependency problems stop every
 * pack before anything is installed; an environment or test failure stops only its pack; a failing
 * registration hook puts the packs it covered back on their previous release.
 */
export async function installPrepared(input: InstallInput): Promise<PackResult[]> {
  const { deps, clock, prepared } = input;
  const ready = prepared.filter((p) => !p.error && !p.unchanged && p.check?.manifest);
  const results = new Map<PreparedPack, PackResult>();
  for (const p of prepared) if (p.error || p.unchanged) results.set(p, input.toResult(p));
  if (ready.length === 0) return prepared.map((p) => results.get(p) ?? input.toResult(p));

  const byRef = new Map(ready.map((p) => [p.check?.ref ?? p.source.name, p]));
  const installed = await deps.store.list();
  const plan = await clock.run('dependencies', async () => planDependencies({
    deploying: ready.map((p) => ({ ref: p.check?.ref ?? p.source.name, version: p.check?.manifest?.version ?? '0.0.0', dependencies: p.check?.manifest?.dependencies ?? [] })),
    installed: new Map(installed.map((r) => [r.pack, r.meta.version])),
    // So an upgrade that would break an installed dependant is caught before it happens.
    installedDependencies: new Map(installed.map((r) => [r.pack, Array.isArray(r.meta['dependencies']) ? (r.meta['dependencies'] as string[]) : []])),
    repo: input.repo.name,
  }));
  if (plan.problems.length > 0) {
    const text = `Dependencies: ${plan.problems.join('; ')}`;
    for (const p of ready) results.set(p, input.toResult({ ...p, error: text }));
    return prepared.map((p) => results.get(p) ?? input.toResult(p));
  }

  const envsDir = path.join(deps.config.packs_dir, '.virtualenvs');
  const envsOn = deps.config.envs.python !== 'off' || deps.config.envs.node !== 'off';
  const activated: Array<{ ref: string; p: PreparedPack; previous: string | null }> = [];
  for (const ref of plan.order) {
    const p = byRef.get(ref);
    if (!p) continue;
    try {
      // The environment is built inside the new release before it goes live: nothing is
      // copied after the build (npm's .bin symlinks), and a failure activates nothing.
      // Tests run there too, after the build, so they see the env the release will run with.
      const tests = testSettings(deps.config, input.repo, ref, p.source.name);
      const prepare = envsOn || tests ? async (releaseDir: string) => {
        const env = envsOn ? await clock.run('env', () => buildEnvironment({
          pack: ref, packDir: releaseDir, envsDir, python: deps.config.envs.python, node: deps.config.envs.node,
          timeoutMs: deps.config.timeouts.env, masker: deps.masker,
        }), ref) : null;
        if (tests) {
          await clock.run('test', () => runPackTests({
            pack: ref, releaseDir, envDir: env?.python?.dir ?? null, command: tests.command, timeoutMs: tests.timeoutMs, masker: deps.masker,
          }), ref);
        }
      } : undefined;
      const { release, previous } = await clock.run('install', () => deps.store.install(ref, p.stagingDir, {
        pack: ref,
        version: p.check?.manifest?.version ?? '0.0.0',
        repo: input.repo.name,
        branch: input.branch,
        commit: input.commit,
        deployed_by: input.request.requestedBy,
        deploy_id: input.deployId,
        source: p.source.path,
        tree: p.treeId,
        dependencies: p.check?.manifest?.dependencies ?? [],
      }, prepare ? { prepare } : {}), ref);
      const config = await checkPackConfig({ ref, packDir: release.dir, configsDir: deps.config.configs_dir });
      deps.masker.add(...config.secrets);
      activated.push({ ref, p, previous: previous?.release ?? null });
      results.set(p, input.toResult(p, { pack: ref, release: release.release, previous_release: previous?.release ?? null, warnings: [...(p.check?.warnings ?? []), ...config.warnings] }));
    } catch (err) {
      results.set(p, input.toResult({ ...p, error: message(err, deps) }, { pack: ref }));
    }
  }

  if (activated.length > 0 && hasRegisterHooks(deps.config)) {
    try {
      await clock.run('register', () => registerPacks(activated.map((a) => a.ref), deps));
    } catch (err) {
      const why = message(err, deps);
      for (const a of activated) {
        if (a.previous) await deps.store.activate(a.ref, a.previous);
        else await deps.store.uninstall(a.ref);
        const before = results.get(a.p);
        results.set(a.p, { ...(before ?? input.toResult(a.p)), status: 'rolled_back', release: a.previous, error: `${why} — ${a.previous ? `rolled back to ${a.previous}` : 'removed again (no previous release)'}` });
      }
    }
  }
  return prepared.map((p) => results.get(p) ?? input.toResult(p));
}
