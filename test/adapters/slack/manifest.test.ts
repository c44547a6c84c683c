import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_EVENTS, BOT_SCOPES, USER_SCOPES } from '../../../adapters/slack/adapter.js';
import { ROOT } from '../../helpers/cli.js';

interface Manifest {
  features: { app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

describe('slack-manifest.yml', () => {
  it('asks for exactly the scopes and events the adapter declares, with interactivity and Socket Mode on', async () => {
    const manifest = parse(await readFile(path.join(ROOT, 'slack-manifest.yml'), 'utf8')) as Manifest;
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    // No user scope by default; the one user_token needs is offered commented out, and is exactly USER_SCOPES.
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
    const text = await readFile(path.join(ROOT, 'slack-manifest.yml'), 'utf8');
    expect(text).toContain(`# user:\n${USER_SCOPES.map((s) => `    #   - ${s}`).join('\n')}\n`);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...BOT_EVENTS].sort());
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    // The Home tab is published on app_home_opened (views.publish needs no scope); DMs stay on.
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(BOT_EVENTS).toContain('app_home_opened');
  });

  it('declares every event the adapter listens to, and a scope that lets Slack deliver each', () => {
    // message.* events each need the matching history scope; app_mention needs app_mentions:read;
    // app_home_opened needs none.
    const needs: Record<string, string | null> = {
      app_home_opened: null, app_mention: 'app_mentions:read', 'message.channels': 'channels:history', 'message.groups': 'groups:history',
      'message.im': 'im:history', 'message.mpim': 'mpim:history',
    };
    for (const event of BOT_EVENTS) {
      expect(needs[event]).toBeDefined();
      if (needs[event]) expect(BOT_SCOPES).toContain(needs[event]);
    }
    // Replies, progress updates and ephemeral notes all need chat:write; `slack-group:` members
    // need usergroups:read (usergroups.list); people's names need users:read (users.info);
    // nothing else reads users or channels.
    expect(BOT_SCOPES).toContain('chat:write');
    expect(BOT_SCOPES).toContain('usergroups:read');
    expect(BOT_SCOPES).toContain('users:read');
    const reads = new Set(['app_mentions:read', 'usergroups:read', 'users:read']);
    expect(BOT_SCOPES.some((s) => s.startsWith('users') && !reads.has(s) || s.endsWith(':read') && !reads.has(s))).toBe(false);
  });
});
