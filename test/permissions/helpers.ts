import { startLiveBot, type LiveBot } from '../helpers/live-bot.js';
import { scenarioRepo } from '../scenarios/setup.js';

export { click, type LiveBot, type Said } from '../helpers/live-bot.js';

/**
 * packbot.yaml for the permission tests, all repositories on one real git repo (alpha, beta):
 * - demo: anyone who may deploy;
 * - prod: only dave and the release-managers role (erin), and only from #ops;
 * - strict: always asks for confirmation; only alice (and admins) may touch it.
 * alice, bob, dave, erin deploy; carol only reads; root is admin.
 */
export function permissionsConfig(url: string, morePermissions: string[] = []): string {
  return [
    'state_dir: ./var',
    'log: {level: warn}',
    'repositories:',
    `  demo: {repo: ${JSON.stringify(url)}, branch: main}`,
    `  prod: {repo: ${JSON.stringify(url)}, branch: main, allowed_users: ["console:dave", release-managers], allowed_channels: ["#ops"]}`,
    `  strict: {repo: ${JSON.stringify(url)}, branch: main, confirm: {policy: always, timeout: 1m}, allowed_users: ["console:alice"]}`,
    'permissions:',
    '  admins: ["console:root"]',
    '  deployers: ["console:alice", "console:bob", "console:dave", "console:erin"]',
    '  roles: {release-managers: ["console:erin"]}',
    '  commands: {unlock: [admins], uninstall: [release-managers]}',
    ...morePermissions.map((l) => `  ${l}`),
  ].join('\n');
}

/** The live bot on the permission tests' config. */
export async function liveBot(morePermissions: string[] = []): Promise<LiveBot> {
  const repo = await scenarioRepo();
  return startLiveBot(permissionsConfig(repo.url, morePermissions));
}
