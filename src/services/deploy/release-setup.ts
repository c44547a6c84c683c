/**
 * The env and test stages: what runs inside a new release before it goes live (PackStore's
 * writeRelease `prepare`). The environment is built there, so nothing is copied after the build
 * (npm's .bin symlinks) and a failure activates nothing; the tests run there after it, so they
 * see the env the release will run with.
 */
import { buildEnvironment } from '../../domain/packstore/index.js';
import { createSandbox, sandboxSettings } from '../../domain/sandbox/index.js';
import type { ResolvedRepository } from './resolve.js';
import type { StageClock } from './stage-clock.js';
import { runPackTests, testSettings } from './tests.js';
import type { DeployerDeps } from './types.js';

export type ReleaseSetup = (releaseDir: string) => Promise<void>;

/** For pack `ref` (directory `source`) of `repo`; undefined when there is nothing to do. */
export function releaseSetup(deps: DeployerDeps, clock: StageClock, repo: Pick<ResolvedRepository, 'settings'>, ref: string, source: string): ReleaseSetup | undefined {
  const { config, masker } = deps;
  const envsOn = config.envs.python !== 'off' || config.envs.node !== 'off';
  const tests = testSettings(config, repo, ref, source);
  if (!envsOn && !tests) return undefined;
  // Where StackStorm's python runner looks for `<ref>`: the env is built under the name it will be used by.
  const envsDir = config.envs.virtualenvs_dir;
  const pythonBin = config.envs.python_binary;
  // The repository's own choice, else the top-level default (registry and URL deploys have no repository settings).
  const sourceBuilds = repo.settings?.pack_code?.source_builds ?? config.pack_code.source_builds ?? false;
  const sandbox = deps.sandbox ?? createSandbox(sandboxSettings(config));
  return async (releaseDir) => {
    const env = envsOn ? await clock.run('env', () => buildEnvironment({
      pack: ref, packDir: releaseDir, envsDir, packsDir: config.packs_dir, python: config.envs.python, node: config.envs.node,
      timeoutMs: config.timeouts.env, masker, sourceBuilds, sandbox, pythonBin,
    }), ref) : null;
    if (tests) {
      await clock.run('test', () => runPackTests({
        pack: ref, releaseDir, envDir: env?.python?.dir ?? null, command: tests.command, timeoutMs: tests.timeoutMs, masker, sandbox, pythonBin,
      }), ref);
    }
  };
}
