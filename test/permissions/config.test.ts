import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/domain/config/index.js';
import { rejectedConfig } from '../helpers/config.js';

const file = '/srv/packbot/packbot.yaml';

describe('permissions in packbot.yaml', () => {
  it('reads roles, per-command lists, channel lists and group members', () => {
    const { config } = parseConfig([
      'repositories:',
      '  prod: {repo: "https://git.example.com/prod.git", allowed_users: [release-managers, "slack:U0DAVE"], allowed_channels: ["#ops"]}',
      'permissions:',
      '  admins: ["console:root", "slack-group:S0ADMINS"]',
      '  deployers: ["discord-role:80351110224678912"]',
      '  roles: {release-managers: ["slack:U0ERIN"]}',
      '  commands: {uninstall: [release-managers, admins], unlock: [admins]}',
      '  channels: ["#ops", "C024BE91L"]',
    ].join('\n'), { file, env: {} });
    expect(config.permissions).toEqual({
      admins: ['console:root', 'slack-group:S0ADMINS'],
      deployers: ['discord-role:80351110224678912'],
      roles: { 'release-managers': ['slack:U0ERIN'] },
      commands: { uninstall: ['release-managers', 'admins'], unlock: ['admins'] },
      channels: ['#ops', 'C024BE91L'],
    });
    expect(config.repositories['prod']).toMatchObject({ allowed_users: ['release-managers', 'slack:U0DAVE'], allowed_channels: ['#ops'] });
  });

  it('reports every problem at once, one line each: unknown roles, malformed members, unknown commands, built-in role names', () => {
    const err = rejectedConfig([
      'repositories:',
      '  prod: {repo: "https://git.example.com/prod.git", allowed_users: [release-manager, "slack:U0DAVE", "slack:"]}',
      'permissions:',
      '  admins: ["root"]',
      '  deployers: ["slack-group:S0DEP", "teams:42"]',
      '  roles: {release-managers: ["slack:U0ERIN", "erin"], admins: ["console:x"], "Bad Name": []}',
      '  commands: {deploy: [oncall], deploi: [admins]}',
      '  channels: "#ops"',
    ].join('\n'), file);
    const lines = err.details;
    const at = (path: string) => lines.filter((d) => d.includes(` ${path}: `));
    expect(at('repositories.prod.allowed_users[0]')).toEqual([expect.stringContaining('unknown role "release-manager" (roles: admins, deployers, release-managers)')]);
    expect(at('repositories.prod.allowed_users[2]')).toEqual([expect.stringContaining('expected a member like "slack:U024BE7LH" or "discord-role:80351110224678912", or a role name')]);
    expect(at('permissions.admins[0]')).toEqual([expect.stringContaining('expected a member like')]);
    expect(at('permissions.deployers[1]')).toEqual([expect.stringContaining('got "teams:42"')]);
    expect(at('permissions.roles.release-managers[1]')).toHaveLength(1);
    expect(at('permissions.roles.admins')).toEqual([expect.stringContaining('admins is a built-in role; list its members under permissions.admins')]);
    expect(lines.some((d) => d.includes('role names are lowercase letters'))).toBe(true);
    expect(at('permissions.commands.deploy[0]')).toEqual([expect.stringContaining('unknown role "oncall"')]);
    expect(at('permissions.commands.deploi')).toEqual([expect.stringContaining('unknown key "deploi" (did you mean "deploy"?)')]);
    expect(at('permissions.channels')).toEqual([expect.stringContaining('expected a list of channels')]);
    for (const line of lines) expect(line).not.toContain('\n');
    expect(lines).toHaveLength(10);
  });
});
