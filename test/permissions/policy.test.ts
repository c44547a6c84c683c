import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Message } from 'discord.js';
import { toIncomingMessage } from '../../adapters/discord/incoming.js';
import { loadAliasTable } from '../../src/domain/aliases/index.js';
import { createApp } from '../../src/app/app.js';
import { consoleAdapterOf, createAdapters } from '../../adapters/index.js';
import { parseConfig } from '../../src/domain/config/index.js';
import { createPolicy, type Actor } from '../../src/domain/permissions/index.js';
import { actorOf } from '../../src/interfaces/chat/actor.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/config.js';
import { testRuntime } from '../helpers/runtime.js';

const policyOf = (yaml: string) => createPolicy(parseConfig(yaml, { file: '/srv/packbot/packbot.yaml', env: {} }).config);
const actor = (identity: string, channel = 'general', groups: string[] = []): Actor => ({ identity, groups, channel: { id: channel, name: channel } });

const CONFIG = `
repositories:
  prod: {repo: "https://git.example.com/prod.git", allowed_users: [release-managers, "slack:U0DAVE"], allowed_channels: ["#ops", "C0PS"]}
permissions:
  admins: ["slack:U0ROOT"]
  deployers: ["slack:U0ALICE", "discord-role:111"]
  roles:
    release-managers: ["slack-group:S0RM", "discord-role:222"]
    auditors: ["slack:U0AUDIT"]
`;

describe('the permission checker', () => {
  const policy = policyOf(CONFIG);
  const run = (who: Actor, command: string, permission: string) => policy.command(who, command, permission, `pack ${command}`);

  it('maps an alias permission to a role: read is everyone, deploy deployers, admin admins, others a role of permissions.roles', () => {
    expect(run(actor('slack:U0NOBODY'), 'list', 'read')).toEqual({ ok: true });
    expect(run(actor('slack:U0ALICE'), 'deploy', 'deploy')).toEqual({ ok: true });
    expect(run(actor('slack:U0NOBODY'), 'deploy', 'deploy')).toEqual({
      ok: false, reason: 'pack deploy needs the deployers role; ask an admin (@U0ROOT) to add slack:U0NOBODY to permissions.deployers.',
    });
    expect(run(actor('slack:U0ALICE'), 'unlock', 'admin')).toEqual({
      ok: false, reason: 'pack unlock needs the admins role; ask an admin (@U0ROOT) to add slack:U0ALICE to permissions.admins.',
    });
    expect(run(actor('slack:U0AUDIT'), 'history', 'auditors')).toEqual({ ok: true });
    expect(run(actor('slack:U0ALICE'), 'history', 'auditors')).toMatchObject({ ok: false, reason: expect.stringContaining('to permissions.roles.auditors') });
    expect(run(actor('slack:U0ALICE'), 'history', 'ghosts')).toMatchObject({ ok: false, reason: expect.stringContaining('needs the ghosts role, which packbot.yaml does not define') });
  });

  it('lets admins run everything, even commands needing a role they are not listed in', () => {
    for (const permission of ['read', 'deploy', 'admin', 'auditors', 'ghosts']) expect(run(actor('slack:U0ROOT'), 'x', permission)).toEqual({ ok: true });
    expect(policy.repo(actor('slack:U0ROOT', 'ops'), 'deploy', 'prod')).toEqual({ ok: true });
  });

  it('counts platform groups: a Discord role id makes a deployer, another a release manager', () => {
    expect(run(actor('discord:42', 'general', ['discord-role:111']), 'deploy', 'deploy')).toEqual({ ok: true });
    expect(run(actor('discord:42', 'general', ['discord-role:999']), 'deploy', 'deploy').ok).toBe(false);
    expect(policy.repo(actor('discord:42', 'ops', ['discord-role:222']), 'deploy', 'prod')).toEqual({ ok: true });
    expect(policy.repo(actor('slack:U0X', 'C0PS', ['slack-group:S0RM']), 'rollback', 'prod', 'alpha')).toEqual({ ok: true });
    expect(policy.repo(actor('discord:42', 'ops', ['discord-role:111']), 'deploy', 'prod')).toEqual({
      ok: false, reason: 'Deploying prod needs being in repositories.prod.allowed_users (release-managers, slack:U0DAVE); ask an admin (@U0ROOT) to add discord:42 there.',
    });
  });

  it('reads channel lists by name (with or without #, any case) or by id, and holds them for admins too', () => {
    expect(policy.repo(actor('slack:U0DAVE', 'OPS'), 'deploy', 'prod')).toEqual({ ok: true });
    expect(policy.repo(actor('slack:U0DAVE', 'C0PS'), 'deploy', 'prod')).toEqual({ ok: true });
    expect(policy.repo(actor('slack:U0ROOT', 'general'), 'uninstall', 'prod', 'alpha')).toEqual({
      ok: false, reason: 'Uninstalling alpha (from prod) runs only in #ops, C0PS (repositories.prod.allowed_channels); ask again there.',
    });
    // Unknown (e.g. URL) repositories carry no repository rules; the command's own still apply.
    expect(policy.repo(actor('slack:U0NOBODY'), 'deploy', 'url-0123456789ab')).toEqual({ ok: true });
  });

  it('treats an absent deployers list as everyone, and an empty one as nobody but admins', () => {
    expect(policyOf('{}').command(actor('console:anyone'), 'deploy', 'deploy', 'pack deploy')).toEqual({ ok: true });
    const none = policyOf('permissions: {admins: ["console:root"], deployers: []}');
    expect(none.command(actor('console:anyone'), 'deploy', 'deploy', 'pack deploy').ok).toBe(false);
    expect(none.command(actor('console:root'), 'deploy', 'deploy', 'pack deploy').ok).toBe(true);
  });

  it('lets permissions.commands override an alias, with roles or members', () => {
    const p = policyOf('permissions: {roles: {oncall: ["console:olga"]}, commands: {deploy: [oncall, "console:sam"], list: [oncall]}}');
    expect(p.command(actor('console:olga'), 'deploy', 'deploy', 'pack deploy')).toEqual({ ok: true });
    expect(p.command(actor('console:sam'), 'deploy', 'deploy', 'pack deploy')).toEqual({ ok: true });
    expect(p.command(actor('console:bob'), 'list', 'read', 'pack list')).toEqual({
      ok: false, reason: 'pack list needs one of oncall (permissions.commands.list); ask whoever runs packbot (packbot.yaml lists no admins) to add console:bob there.',
    });
  });
});

describe('Discord role ids as groups', () => {
  it('come from the message member and reach the checker', () => {
    // The shape toIncomingMessage reads from a discord.js Message (a cached guild member with a role manager).
    const message = {
      id: '900', author: { id: '42', username: 'dora', bot: false }, webhookId: null, system: false, content: '!pack deploy prod',
      channelId: '77', channel: { isDMBased: () => false, name: 'ops' },
      member: { roles: { cache: new Map([['222', {}], ['333', {}]]) } },
    } as unknown as Message;
    const msg = toIncomingMessage(message);
    expect(msg?.groups).toEqual(['discord-role:222', 'discord-role:333']);
    const who = actorOf(msg!);
    expect(who).toEqual({ identity: 'discord:42', groups: ['discord-role:222', 'discord-role:333'], channel: { id: '77', name: 'ops' } });
    expect(createPolicy(parseConfig(CONFIG, { file: '/x/packbot.yaml', env: {} }).config).repo(who, 'deploy', 'prod')).toEqual({ ok: true });
  });
});

describe('an alias naming a role of your own', () => {
  it('is run by that role and hidden from everyone else in help', async () => {
    const dir = await tempDir('packbot-perm-alias-');
    await mkdir(path.join(dir, 'aliases'));
    await writeFile(path.join(dir, 'aliases', 'report.yaml'), [
      'aliases:',
      '  - name: pack_report',
      '    description: List packs for the audit',
      '    command: list',
      '    permission: auditors',
      '    formats: ["pack report"]',
    ].join('\n'));
    const rt = await testRuntime('state_dir: ./var\nlog: {level: warn}\npermissions: {admins: ["console:root"], roles: {auditors: ["console:ada"]}}\n', dir);
    const { table } = await loadAliasTable([path.join(ROOT, 'aliases'), path.join(dir, 'aliases')]);
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (d: Buffer) => (out += d.toString()));
    const app = await createApp(rt.config, { ...rt, aliases: table, adapters: createAdapters(rt.config, { console: { input, output, user: 'alice', channel: 'general', json: true } }) });
    await app.start();
    for (const line of ['@bob !pack report', '@ada !pack report', '@bob !help', '@ada !help']) input.write(`${line}\n`);
    input.end();
    await consoleAdapterOf(app)?.finished;
    await app.idle();
    const denied = (await app.services.history.list()).filter((r) => r.kind === 'denied');
    await app.stop({ drain: true });
    const said = out.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
    expect(said[0]).toBe('pack report needs the auditors role; ask an admin (@root) to add console:bob to permissions.roles.auditors.');
    expect(said[1]).toMatch(/No packs are installed|Installed packs/);
    expect(said[2]).not.toContain('pack report');
    expect(said[3]).toContain('pack report');
    expect(denied.map((r) => [r.requested_by, r.command])).toEqual([['console:bob', 'list']]);
  }, 30_000);
});
