import { createRepo, type GitRepo } from '../helpers/git-repo.js';
import { pack } from '../helpers/deploy.js';
import { tempDir, writeConfig } from '../helpers/config.js';
import { startChat, type ChatProcess } from '../helpers/chat-process.js';

/** A repo with alpha and beta on main (1.0.0) and alpha 1.1.0 on feature-x. */
export async function scenarioRepo(): Promise<GitRepo> {
  const repo = await createRepo({ files: { ...pack('alpha'), ...pack('beta') } });
  await repo.branch('feature-x');
  await repo.checkout('feature-x');
  await repo.commit('alpha 1.1', pack('alpha', { version: '1.1.0' }));
  await repo.checkout('main');
  return repo;
}

/**
 * packbot.yaml for the scenarios: `demo` deploys without asking unless queued; `strict` (the
 * same git repo) always asks. Durations are short so timers fire within a test.
 */
export function scenarioConfig(url: string, extra = '', strictTimeout = '3s'): string {
  return [
    'state_dir: ./var',
    'log: {level: warn}',
    'repositories:',
    `  demo: {repo: ${JSON.stringify(url)}, branch: main, notify_channel: ops}`,
    `  strict: {repo: ${JSON.stringify(url)}, branch: main, confirm: {policy: always, timeout: ${strictTimeout}}}`,
    'permissions: {admins: ["console:root"]}',
    'confirm: {timeout: 3s}',
    extra,
  ].join('\n');
}

export async function scenarioChat(extra = '', strictTimeout?: string): Promise<{ chat: ChatProcess; dir: string; config: string; repo: GitRepo }> {
  const repo = await scenarioRepo();
  const where = await tempDir('packbot-scenario-');
  const config = await writeConfig(scenarioConfig(repo.url, extra, strictTimeout), where);
  return { chat: startChat({ config }), dir: where, config, repo };
}

/** The phrase in a confirmation prompt. */
export function phraseOf(text: string): string {
  const m = /^Say _(.+?)_ to complete/.exec(text);
  if (!m?.[1]) throw new Error(`not a confirmation prompt: ${text}`);
  return m[1];
}
