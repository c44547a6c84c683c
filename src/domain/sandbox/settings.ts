/** The sandbox's settings from packbot.yaml: the mode, the account, and everything pack code must never see. */
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import type { PackbotConfig } from '../config/index.js';
import type { SandboxSettings } from './types.js';

/** Directories too broad to hide wholesale just because the config file sits in them. */
const SHARED_DIRS = new Set(['/', '/etc', '/usr', '/usr/local', '/usr/local/etc', '/opt', '/srv', '/home', '/tmp', '/var', '/var/lib']);

export function sandboxSettings(config: PackbotConfig, configFile?: string): SandboxSettings {
  const hidden = [config.state_dir, config.configs_dir];
  if (configFile) {
    hidden.push(configFile);
    // Key files and `*_file` secrets usually live beside it (/etc/packbot/).
    if (!SHARED_DIRS.has(dirname(configFile))) hidden.push(dirname(configFile));
  }
  const home = homedir();
  if (home && !SHARED_DIRS.has(home)) hidden.push(home);
  for (const repo of Object.values(config.repositories)) if (repo.ssh_key_file) hidden.push(repo.ssh_key_file);
  return {
    mode: config.sandbox.mode,
    user: config.sandbox.user,
    hidden,
    stateDir: config.state_dir,
    packsDir: config.packs_dir,
    virtualenvsDir: config.envs.virtualenvs_dir,
    ...(configFile ? { configFile } : {}),
  };
}
