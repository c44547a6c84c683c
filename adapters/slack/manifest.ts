/**
 * What the Slack app must be allowed to do — the one source of truth for slack-manifest.yml
 * (a test compares them). Nothing more: every extra scope is one more thing a leaked bot
 * token could do.
 */
export const BOT_SCOPES = [
  'app_mentions:read', // @packbot in a channel
  'channels:history', // `!` commands in public channels
  'groups:history', // ... private channels
  'im:history', // direct messages
  'mpim:history', // group direct messages
  'chat:write', // replies, progress updates, ephemeral notes
  'usergroups:read', // who is in which user group, for `slack-group:` members in permissions
  'users:read', // people's display names (users.info), so messages name people rather than ids
] as const;

/**
 * Used only with adapters.slack.user_token: the token of an admin who installs the app, with
 * which packbot deletes a message holding a credential when its sender asks.
 */
export const USER_SCOPES = ['chat:write'] as const;

/** `app_home_opened` (no scope needed): someone opened packbot's Home tab, which is then published for them. */
export const BOT_EVENTS = ['app_home_opened', 'app_mention', 'message.channels', 'message.groups', 'message.im', 'message.mpim'] as const;

/** Where Slack sends events and button clicks in HTTP mode. */
export const EVENTS_PATH = '/slack/events';
