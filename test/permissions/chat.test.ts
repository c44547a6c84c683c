import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { liveBot, type LiveBot } from './helpers.js';

const bots: LiveBot[] = [];
async function bot(morePermissions: string[] = []): Promise<LiveBot> {
  const b = await liveBot(morePermissions);
  bots.push(b);
  return b;
}
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

const mirrors = (b: LiveBot) => path.join(b.app.config.state_dir, 'mirrors');
const denials = async (b: LiveBot) => (await b.app.services.history.list()).filter((r) => r.kind === 'denied');
const deploySummary = (m: { text: string }) => m.text.startsWith('Deploy `');

describe('permissions at the chat boundary', () => {
  it('refuses a reader every deploy-level command before anything is fetched, and records each refusal', async () => {
    const b = await bot();
    b.say('@carol !pack deploy demo');
    const refusal = await b.waitFor((m) => m.text.includes('needs'));
    expect(refusal.text).toBe('pack deploy needs the deployers role; ask an admin (@root) to add console:carol to permissions.deployers.');
    b.say('@carol !pack lock extend alpha 1h');
    expect((await b.waitFor((m) => m.text.startsWith('pack lock extend'))).text).toMatch(/needs the deployers role/);
    // Reading is everyone's.
    b.say('@carol !pack queue');
    expect((await b.waitFor((m) => /queue/i.test(m.text))).text).not.toMatch(/needs/);
    await b.app.idle();

    // A first deploy of demo (no packs named) would clone the repository: nothing was fetched.
    expect(existsSync(mirrors(b))).toBe(false);
    const records = await denials(b);
    expect(records.map((r) => [r.requested_by, r.command, r.channel, r.result])).toEqual([
      ['console:carol', 'lock_extend', 'general', 'denied'],
      ['console:carol', 'deploy', 'general', 'denied'],
    ]);
    expect(records[1]?.reason).toBe(refusal.text);
    expect((await b.app.services.history.list()).filter((r) => r.kind !== 'denied')).toEqual([]);
    const warned = b.logs().split('\n').filter((l) => l.includes('permission denied')).map((l) => JSON.parse(l) as { level: number; identity: string; command: string });
    expect(warned.map((l) => [l.level, l.identity, l.command])).toEqual([[40, 'console:carol', 'deploy'], [40, 'console:carol', 'lock_extend']]);
  }, 30_000);

  it('lets only allowed_users (a person or a role) deploy a repository, and only from its allowed_channels', async () => {
    const b = await bot();
    // bob may deploy, but prod is not his.
    b.say('@bob #ops !pack deploy prod');
    expect((await b.waitFor((m) => m.text.includes('needs'))).text).toBe(
      'Deploying prod needs being in repositories.prod.allowed_users (console:dave, release-managers); ask an admin (@root) to add console:bob there.',
    );
    // dave may, but not from #general; nor may an admin, who may do everything except choose the channel.
    b.say('@dave #general !pack deploy prod');
    expect((await b.waitFor((m) => m.text.includes('runs only'))).text).toBe('Deploying prod runs only in #ops (repositories.prod.allowed_channels); ask again there.');
    b.say('@root #general !pack deploy prod alpha');
    expect((await b.waitFor((m) => m.text.includes('runs only'))).text).toMatch(/^Deploying prod runs only in #ops/);
    await b.app.idle();
    expect(existsSync(mirrors(b))).toBe(false);
    expect((await denials(b)).map((r) => [r.requested_by, r.repo, r.channel])).toEqual([
      ['console:root', 'prod', 'general'], ['console:dave', 'prod', 'general'], ['console:bob', 'prod', 'ops'],
    ]);

    // erin through the release-managers role, dave by name, both in #ops.
    b.say('@erin #ops !pack deploy prod alpha');
    expect((await b.waitFor(deploySummary)).text).toMatch(/✓ alpha 1\.0\.0 — deployed/);
    b.say('@dave #ops !pack deploy prod beta');
    expect((await b.waitFor(deploySummary)).text).toMatch(/✓ beta 1\.0\.0 — deployed/);
    // Rolling back a pack that came from prod is prod's business too.
    b.say('@bob #ops !pack rollback beta');
    expect((await b.waitFor((m) => m.text.includes('needs'))).text).toBe(
      'Rolling back beta (from prod) needs being in repositories.prod.allowed_users (console:dave, release-managers); ask an admin (@root) to add console:bob there.',
    );
    await b.app.idle();
    const deploys = (await b.app.services.history.list()).filter((r) => r.kind === 'deploy');
    expect(deploys.map((r) => r.requested_by).sort()).toEqual(['console:dave', 'console:erin']);
    expect((await b.app.services.history.list()).some((r) => r.kind === 'rollback')).toBe(false);
  }, 30_000);

  it('applies per-command overrides: an admins-only unlock, a custom-role uninstall', async () => {
    const b = await bot();
    b.say('@alice !pack deploy demo alpha feature-x');
    expect((await b.waitFor(deploySummary)).text).toMatch(/✓ alpha 1\.1\.0 — deployed/);
    b.say('@alice !pack unlock alpha');
    expect((await b.waitFor((m) => m.text.includes('needs'))).text).toBe(
      'pack unlock needs one of admins (permissions.commands.unlock); ask an admin (@root) to add console:alice there.',
    );
    b.say('@root !pack unlock alpha');
    expect((await b.waitFor((m) => /released|unlocked/i.test(m.text))).text).toMatch(/alpha/);
    b.say('@alice !pack uninstall alpha');
    expect((await b.waitFor((m) => m.text.includes('needs'))).text).toBe(
      'pack uninstall needs one of release-managers (permissions.commands.uninstall); ask an admin (@root) to add console:alice there.',
    );
    b.say('@erin !pack uninstall alpha');
    expect((await b.waitFor((m) => m.text.includes('uninstalled'))).text).toMatch(/✓ alpha uninstalled/);
    await b.app.idle();
    const kinds = (await b.app.services.history.list()).map((r) => `${r.kind}:${r.requested_by}`);
    expect(kinds).toEqual(['uninstall:console:erin', 'denied:console:alice', 'unlock:console:root', 'denied:console:alice', 'deploy:console:alice']);
  }, 30_000);

  it('shows each user in help only what they may run, and says why a command is not theirs', async () => {
    const b = await bot();
    b.say('@carol !help');
    const reader = await b.waitFor((m) => m.text.startsWith('Commands'));
    expect(reader.text).toContain('pack queue');
    expect(reader.text).toContain('pack status');
    expect(reader.text).not.toMatch(/pack (deploy|diff|install|rollback|uninstall|unlock|confirm|cancel|lock extend)/);
    expect(reader.text).toContain('pack deps');
    b.say('@alice !help');
    const deployer = await b.waitFor((m) => m.text.startsWith('Commands'));
    expect(deployer.text).toContain('pack deploy');
    expect(deployer.text).toContain('pack diff');
    expect(deployer.text).not.toContain('pack unlock');
    expect(deployer.text).not.toContain('pack uninstall');
    b.say('@root !help');
    const admin = await b.waitFor((m) => m.text.startsWith('Commands'));
    const listed = admin.text.split('\n').filter((l) => l.startsWith('•'));
    // Every bundled alias (aliases/pack.yaml has 17).
    expect(listed).toHaveLength(17);
    b.say('@carol !help pack deploy');
    expect((await b.waitFor((m) => m.text.startsWith('You may not'))).text).toBe(
      'You may not run this here: pack deploy needs the deployers role; ask an admin (@root) to add console:carol to permissions.deployers.',
    );
    // Asking about a command is not an attempt: nothing recorded.
    await b.app.idle();
    expect(await denials(b)).toEqual([]);
  }, 30_000);

  it('keeps every command but help to the channels in permissions.channels', async () => {
    const b = await bot(['channels: ["#ops", "C0PS"]']);
    b.say('@root #general !pack list');
    expect((await b.waitFor((m) => m.text.includes('runs only'))).text).toBe('pack list runs only in #ops, C0PS (permissions.channels); ask again there.');
    // help runs anywhere, and lists what may run where it is asked.
    b.say('@carol #general !help');
    expect((await b.waitFor((m) => m.text.startsWith('Commands'))).text.split('\n').filter((l) => l.startsWith('•'))).toEqual(['• `help [command]` — List commands or explain one']);
    b.say('@carol #ops !help');
    expect((await b.waitFor((m) => m.text.startsWith('Commands'))).text).toContain('pack list');
    b.say('@carol #OPS !pack list');
    expect((await b.waitFor((m) => m.channel === 'OPS')).text).not.toMatch(/runs only/);
    b.say('@carol #C0PS !pack locks');
    expect((await b.waitFor((m) => m.channel === 'C0PS')).text).not.toMatch(/runs only/);
    await b.app.idle();
    expect((await denials(b)).map((r) => [r.requested_by, r.command, r.channel])).toEqual([['console:root', 'list', 'general']]);
  }, 30_000);
});
