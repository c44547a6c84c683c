import { afterEach, describe, expect, it } from 'vitest';
import { scenarioConfig, scenarioRepo } from '../scenarios/setup.js';
import { startLiveBot, type LiveBot } from '../helpers/live-bot.js';

const bots: LiveBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

/** alpha deployed from main, then from feature-x by bob: locked to him. */
async function bobLocksAlpha(): Promise<LiveBot> {
    const bot = await startLiveBot(scenarioConfig((await scenarioRepo()).url));
    bots.push(bot);
    bot.say('@bob #general !pack deploy demo alpha');
    await bot.waitFor((m) => /1 ok, 0 failed/.test(m.text));
    bot.say('@bob #general !pack deploy demo alpha feature-x');
    await bot.waitFor((m) => m.channel === 'ops' && m.text.startsWith('🔒'));
    await bot.app.services.coordinator.settled();
  return bot;
}

describe('rollback and uninstall respect branch locks', () => {
  it('refuses others with who holds it and how to unlock; the holder and admins may', async () => {
    const bot = await bobLocksAlpha();

    bot.say('@alice #general !pack rollback alpha');
    const rollback = await bot.waitFor((m) => m.text.includes('is locked to branch feature-x by @bob'));
    expect(rollback.text).toContain('pack unlock alpha');
    bot.say('@alice #general !pack uninstall alpha');
    await bot.waitFor((m) => m.text.includes('is locked to branch feature-x by @bob'));
    expect((await bot.app.services.store.active('alpha'))?.meta.version).toBe('1.1.0');

    bot.say('@bob #general !pack rollback alpha');
    await bot.waitFor((m) => /rolled back|back to/i.test(m.text) && m.text.includes('alpha'));
    expect((await bot.app.services.store.active('alpha'))?.meta.version).toBe('1.0.0');
    bot.say('@root #general !pack uninstall alpha');
    await bot.waitFor((m) => /uninstalled|removed/i.test(m.text) && m.text.includes('alpha'));
    expect(await bot.app.services.store.active('alpha')).toBeNull();
  }, 30_000);
});

describe('a rollback to the default branch ends the lock', () => {
  it("an admin's rollback to a default-branch release releases the holder's lock and tells the holder", async () => {
    const bot = await bobLocksAlpha();

    bot.say('@root #general !pack rollback alpha');
    // The repository's notify channel hears it, naming the holder (a mention on chat platforms).
    const notice = await bot.waitFor((m) => m.channel === 'ops' && m.text.startsWith('🔓'));
    expect(notice.text).toContain('alpha');
    expect(notice.text).toContain('bob');
    expect(notice.text).toContain('main');
    expect(await bot.app.services.coordinator.locks.get('alpha')).toBeNull();
    expect((await bot.app.services.store.active('alpha'))?.meta.branch).toBe('main');
  }, 30_000);
});

describe('packbot deploy (the CLI) respects branch locks too', () => {
  it('refuses a deploy that a lock stands in the way of, naming the holder, and deploys nothing', async () => {
    const { writeFile } = await import('node:fs/promises');
    const path = await import('node:path');
    const { runCli } = await import('../helpers/cli.js');
    const yaml = scenarioConfig((await scenarioRepo()).url);
    const bot = await startLiveBot(yaml);
    bot.say('@bob #general !pack deploy demo alpha feature-x');
    await bot.waitFor((m) => m.channel === 'ops' && m.text.startsWith('🔒'));
    await bot.app.services.coordinator.settled();
    const dir = path.dirname(bot.app.config.state_dir);
    await bot.stop();
    const config = path.join(dir, 'packbot.yaml');
    await writeFile(config, yaml);
    const refused = await runCli(['--config', config, 'deploy', 'demo', 'alpha', 'main', '--user', 'console:alice'], { timeoutMs: 60_000 });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('alpha is locked to branch feature-x by @bob');
    // bob deploying the default branch himself ends his lock, as in chat: alice may deploy again.
    const own = await runCli(['--config', config, 'deploy', 'demo', 'alpha', 'main', '--user', 'console:bob', '--json'], { timeoutMs: 60_000 });
    expect(own.code).toBe(0);
    expect(JSON.parse(own.stdout)).toMatchObject({ success_count: 1, branch: 'main' });
    // A CLI deploy of a branch takes the lock for its user, so chat (and other CLI users) are refused.
    const branchDeploy = await runCli(['--config', config, 'deploy', 'demo', 'alpha', 'feature-x', '--user', 'console:alice', '--json'], { timeoutMs: 60_000 });
    expect(branchDeploy.code).toBe(0);
    const again = await runCli(['--config', config, 'deploy', 'demo', 'alpha', 'main', '--user', 'console:bob'], { timeoutMs: 60_000 });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('alpha is locked to branch feature-x by @alice');
  }, 60_000);
});
