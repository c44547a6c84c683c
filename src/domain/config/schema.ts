/**
 * The shape of packbot.yaml. Every object is strict (unknown keys are errors, with a
 * did-you-mean) because a misspelt key silently falling back to a default is how a branch
 * lock ends up never reverting. Cross-field rules live in crosscheck.ts so they run even when
 * a neighbouring field is broken; path resolution lives in resolve.ts.
 */
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { expected, expectedSecret, strictObjectError } from './messages.js';
import { quoteForMessage } from '../../core/quote.js';
import { checkGitUrl, GIT_URL_HINT, GIT_URL_WANTED } from './git-url.js';
import { COMMAND_NAMES } from '../../core/command-names.js';
import { serverSchema } from './schema-server.js';
import { apiBase, duration, httpUrl, path, positiveDuration, secret, strict } from './schema-parts.js';
import { registrySchema } from './schema-registry.js';
import { st2RegisterSchema } from './schema-st2.js';
import { envsSchema } from './schema-envs.js';
import { credentialFreeUrl } from './credential-free-url.js';
import { MEMBER_HINT, MEMBER_OR_ROLE_HINT, MEMBER_PATTERN, ROLE_PATTERN } from '../../core/members.js';

export const DEFAULTS = {
  botName: 'packbot',
  prefix: '!',
  stateDir: './var',
  branch: 'master',
  revertAfter: '1h',
  warnBefore: '10m',
  concurrency: 4,
  maxWait: '12h',
  stallTimeout: '30s',
  confirmTimeout: '5m',
  releasesKept: 5,
  gitTimeout: '5m',
  envTimeout: '15m',
  testsTimeout: '10m',
  hookTimeout: '2m',
} as const;

export const REPO_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
export const IDENTITY_PATTERN = '^(console|slack|discord):[^\\s]+$';
export const BRANCH_PATTERN = '^[A-Za-z0-9._/-]+$';

const channel = z.string({ error: expected('a channel name (quote it if it starts with "#")') }).min(1);

/** A person or a platform group (permissions.admins, deployers, roles). */
const member = z.string({ error: expected(MEMBER_HINT) }).regex(new RegExp(MEMBER_PATTERN));
const members = z.array(member, { error: expected(`a list of members (${MEMBER_HINT})`) });
/** A member or a role name (allowed_users, permissions.commands); unknown roles are crosscheck.ts's. */
const memberOrRole = z
  .string({ error: expected(MEMBER_OR_ROLE_HINT) })
  .regex(new RegExp(`${MEMBER_PATTERN}|${ROLE_PATTERN}`));
const membersOrRoles = z.array(memberOrRole, { error: expected(`a list (${MEMBER_OR_ROLE_HINT})`) });
const channels = z.array(channel, { error: expected('a list of channels like "#ops" or "C024BE91L"') });

/** Why a string is not a branch name git would accept, or undefined. */
export function branchProblem(b: string): string | undefined {
  if (!new RegExp(BRANCH_PATTERN).test(b)) return 'only letters, digits, ".", "_", "/" and "-" are allowed';
  if (b.startsWith('-')) return 'it must not start with "-"';
  if (b.includes('..')) return 'it must not contain ".."';
  if (b.startsWith('/') || b.endsWith('/') || b.includes('//')) return 'it has an empty path component';
  if (b.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) {
    return 'a component starts with "." or ends with ".lock"';
  }
  return undefined;
}

const BRANCH_HINT = 'a git branch name like "master" or "release/1.x"';
const branch = z
  .string({ error: expected(BRANCH_HINT) })
  // The pattern is repeated as a check only so the JSON Schema carries it.
  .regex(new RegExp(BRANCH_PATTERN))
  .superRefine((b, ctx) => {
    const problem = new RegExp(BRANCH_PATTERN).test(b) ? branchProblem(b) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: `expected ${BRANCH_HINT}, got ${quoteForMessage(b)} (${problem})` });
  });

const gitUrl = z.string({ error: expected(GIT_URL_WANTED) }).superRefine((url, ctx) => {
  const check = checkGitUrl(url);
  if (check.ok) return;
  if (check.credentials) {
    // issues.ts words this one, because the fix names the repository (from the issue path).
    ctx.addIssue({ code: 'custom', message: 'credentials in the URL', params: { credentialsInUrl: true, inQuery: check.inQuery === true } });
    return;
  }
  ctx.addIssue({ code: 'custom', message: `${GIT_URL_HINT}, got ${quoteForMessage(url)} (${check.reason})` });
});

const confirmPolicy = z.enum(['always', 'when_queued', 'never'], { error: expected('one of always, when_queued, never') });
const phrases = z.array(z.string({ error: expected('a phrase') }).trim().min(1), { error: expected('a list of phrases') });

const redisUrl = z.string({ error: expectedSecret('a redis:// or rediss:// URL') }).superRefine((u, ctx) => {
  let ok = false;
  try {
    const parsed = new URL(u);
    ok = (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') && parsed.hostname !== '';
  } catch {
    ok = false;
  }
  // Not echoed: a Redis URL commonly carries a password.
  if (!ok) ctx.addIssue({ code: 'custom', message: 'expected a redis:// or rediss:// URL with a host' });
});

const store = z.discriminatedUnion(
  'kind',
  [
    strict({ kind: z.literal('embedded') }),
    strict({
      kind: z.literal('redis'),
      url: redisUrl,
      // Several packbot deployments may share one Redis: each keeps its keys under its own prefix.
      prefix: z.string({ error: expected('a key prefix like "packbot:"') }).regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected letters, digits, "_", ".", ":" and "-" (at most 64)').default('packbot:'),
    }),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? 'expected kind "embedded" or "redis"'
        : 'expected a mapping like {kind: embedded} or {kind: redis, url: redis://127.0.0.1:6379}',
  },
);

const slack = strict({
  bot_token: secret,
  // A bot token can delete only the bot's own messages; Slack lets a user token delete what its owner could.
  user_token: secret.optional().describe("an admin's user token (xoxp-) with chat:write: lets packbot delete messages that contain credentials, when their sender asks"),
  app_token: secret.optional(),
  signing_secret: secret.optional(),
  mode: z.enum(['socket', 'http'], { error: expected('socket or http') }).default('socket'),
  api_url: apiBase('https://slack-gov.com/api/').optional().describe('Web API base URL (Socket Mode connects through it too); default https://slack.com/api/'),
});

const discord = strict({
  token: secret,
  // Snowflakes exceed 2^53: unquoted, YAML would turn them into a rounded number.
  application_id: z
    .string({ error: expected('a quoted application id like "80351110224678912" (unquoted, YAML rounds it)') })
    .regex(/^\d+$/)
    .optional(),
  // discord.js takes the gateway's address from GET /gateway/bot on this base: no gateway option.
  api_url: apiBase('https://discord.com/api').optional().describe('REST API base URL; the gateway is wherever its /gateway/bot says. Default https://discord.com/api'),
});

const adapters = strict({
  console: strict({ color: z.boolean({ error: expected('true or false') }).optional() }, 'a mapping (use {} for the defaults)').optional(),
  slack: slack.optional(),
  discord: discord.optional(),
});

const repoLocks = strict({ revert_after: positiveDuration.optional(), warn_before: duration.optional() });
const repoConfirm = strict({ policy: confirmPolicy.optional(), timeout: positiveDuration.optional(), phrases: phrases.optional() });

const autoDeployment = strict({
  branch: branch.optional(),
  notify_channel: channel.optional(),
  confirm: z.boolean({ error: expected('true or false') }).default(false),
});

const TESTS_COMMAND_HINT = 'a list of arguments (no shell), e.g. ["python3", "-m", "pytest", "{pack_dir}/tests"]';
const testsCommand = z.array(z.string({ error: expected(TESTS_COMMAND_HINT) }).min(1), { error: expected(TESTS_COMMAND_HINT) }).min(1);
/**
 * Same shape at the top level and per repository (whose keys win); absent stays absent so
 * configs without a test gate read as before (timeout default: DEFAULTS.testsTimeout).
 */
const testsSettings = strict({ command: testsCommand.optional(), timeout: positiveDuration.optional() });
// Pack refs or directory names: a list gates only those packs.
const requireTests = z.union([z.boolean(), z.array(z.string().min(1))], { error: expected('true, false or a list of pack names') });

/** Pack-provided code pip may run: off by default (wheels only); per repository over the top-level default. */
const packCode = strict({ source_builds: z.boolean({ error: expected('true or false') }).optional() });

const SANDBOX_MODES = ['auto', 'bwrap', 'user', 'none'] as const;
/** `sandbox: none` is short for `sandbox: {mode: none}`. */
const sandbox = z.preprocess((v) => (typeof v === 'string' ? { mode: v } : v), strict({
  mode: z.enum(SANDBOX_MODES, { error: expected(`one of ${SANDBOX_MODES.join(', ')}`) }).default('auto'),
  user: z.string({ error: expected('a user name like nobody') }).regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'expected a user name like nobody').default('nobody'),
}));

const repository = strict({
  repo: gitUrl,
  subtree: z.boolean({ error: expected('true or false') }).default(true),
  branch: branch.default(DEFAULTS.branch),
  notify_channel: channel.optional(),
  announce_channel: channel.optional(),
  auto_deployment: autoDeployment.optional(),
  token: secret.optional(),
  username: z.string({ error: expected('a user name') }).min(1).optional(),
  ssh_key_file: path.optional(),
  /** Who may deploy, roll back or uninstall this repository's packs: members or role names. */
  allowed_users: membersOrRoles.optional(),
  /** Where those commands may run for this repository (channel names or ids). */
  allowed_channels: channels.optional(),
  locks: repoLocks.optional(),
  confirm: repoConfirm.optional(),
  /** Run each pack's tests in staging and activate only packs that pass. */
  require_tests: requireTests.optional(),
  tests: testsSettings.optional(),
  /** source_builds: let pip build this repository's packs' requirements from source (sandboxed). */
  pack_code: packCode.optional(),
  /** Refuse a pack with validation warnings (what StackStorm installs anyway: missing entry points, duplicates). */
  strict: z.boolean({ error: expected('true or false') }).optional(),
}).transform(({ auto_deployment, ...rest }) => ({
  ...rest,
  // Auto-deployment follows the repository's branch unless told otherwise.
  ...(auto_deployment ? { auto_deployment: { ...auto_deployment, branch: auto_deployment.branch ?? rest.branch } } : {}),
}));

const repositories = z.record(z.string().regex(new RegExp(REPO_NAME_PATTERN)), repository, {
  error: (iss) =>
    iss.code === 'invalid_key'
      ? 'repository names start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 64 characters)'
      : 'expected a mapping of repository name to settings',
});

/** YAML 1.1 readers turn a bare `off` into false; accept both spellings. */

const argv = z.array(z.string({ error: expected('a list of arguments (no shell), e.g. ["st2", "pack", "register", "{packs}"]') }).min(1), {
  error: expected('a list of arguments (no shell), e.g. ["st2", "pack", "register", "{packs}"]'),
}).min(1);

const register = strict({
  /** Run after activation; `{packs}` becomes the comma-separated refs. */
  command: argv.optional(),
  unregister_command: argv.optional(),
  http: strict({
    url: httpUrl,
    // Header values usually carry an API key: masked like any secret.
    headers: z.record(z.string(), secret, { error: expected('a mapping of header name to value') }).default(() => ({})),
  }).optional(),
  /** StackStorm's pack register API, called first; register.http does the same job and is refused beside it. */
  st2: st2RegisterSchema.optional(),
  // Hooks get only an allow-list of packbot's environment (deploy/register.ts); what a hook
  // needs (st2's ST2_API_KEY, say) is passed here, by name, on purpose. Values named like a
  // credential, or taken from the environment, are masked (config/secrets.ts).
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'), secret, {
    error: expected('a mapping of environment variable name to value, e.g. {ST2_API_KEY: "${ST2_API_KEY}"}'),
  }).default(() => ({})),
});

const timeouts = strict({
  git: positiveDuration.prefault(DEFAULTS.gitTimeout),
  env: positiveDuration.prefault(DEFAULTS.envTimeout),
  hook: positiveDuration.prefault(DEFAULTS.hookTimeout),
});

const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const configSchema = strict({
  bot: strict({
    name: z.string({ error: expected('a name') }).min(1).default(DEFAULTS.botName),
    prefix: z.string({ error: expected('a prefix like "!"') }).min(1).default(DEFAULTS.prefix),
  }).prefault({}),
  state_dir: path.default(DEFAULTS.stateDir),
  packs_dir: path.optional(),
  configs_dir: path.optional(),
  store: store.prefault({ kind: 'embedded' }),
  adapters: adapters.prefault({}),
  // Absent means no server unless something needs one (Slack HTTP mode): see app.ts.
  server: serverSchema.optional(),
  repositories: repositories.prefault({}),
  locks: strict({
    revert_after: positiveDuration.prefault(DEFAULTS.revertAfter),
    warn_before: duration.prefault(DEFAULTS.warnBefore),
  }).prefault({}),
  queue: strict({
    concurrency: z.number({ error: expected('a whole number from 1 to 64') }).int().min(1).max(64).default(DEFAULTS.concurrency),
    max_wait: positiveDuration.prefault(DEFAULTS.maxWait),
    // Redis mode: a deploy whose process stops renewing its job lock this long is taken to have crashed.
    stall_timeout: positiveDuration.prefault(DEFAULTS.stallTimeout),
  }).prefault({}),
  confirm: strict({
    policy: confirmPolicy.default('when_queued'),
    timeout: positiveDuration.prefault(DEFAULTS.confirmTimeout),
    // Empty means packbot generates a phrase per confirmation.
    phrases: phrases.default(() => []),
  }).prefault({}),
  permissions: strict({
    admins: members.default(() => []),
    // Absent means everyone may deploy, so absent and [] are kept distinct (no default).
    deployers: members.optional(),
    /** Roles of your own, named by aliases' `permission:` and by the lists below. */
    roles: z.record(z.string().regex(new RegExp(ROLE_PATTERN)), members, {
      error: (iss) =>
        iss.code === 'invalid_key'
          ? 'role names are lowercase letters, digits, "_" and "-", starting with a letter (at most 64)'
          : 'expected a mapping of role name to a list of members',
    }).optional(),
    /** Per command, who may run it instead of its alias's `permission:` (role names or members). */
    // Unknown command names get the same did-you-mean as unknown keys anywhere else.
    commands: z.partialRecord(z.enum(COMMAND_NAMES), membersOrRoles, {
      error: strictObjectError(COMMAND_NAMES, 'a mapping of command name to a list of roles, like {deploy: [release-managers]}'),
    }).optional(),
    /** Commands other than help run only in these channels (names or ids). */
    channels: channels.optional(),
  }).prefault({}),
  /** Releases kept per pack for rollback (the active and previous ones are never pruned). */
  releases_kept: z.number({ error: expected('a whole number from 2 to 100') }).int().min(2).max(100).default(DEFAULTS.releasesKept),
  /** Raw git URLs in `pack deploy` instead of configured names: off unless allow-listed. */
  allow_urls: z.boolean({ error: expected('true or false') }).default(false),
  url_allowlist: z.array(credentialFreeUrl('list the prefix alone (packbot deploys chat URLs without credentials)'), { error: expected('a list of URL prefixes like "https://github.com/StackStorm-Exchange/"') }).default(() => []),
  envs: envsSchema.prefault({}),
  /** The default for repositories without their own pack_code (and for registry and URL deploys). */
  pack_code: strict({ source_builds: z.boolean({ error: expected('true or false') }).default(false) }).prefault({}),
  /** What confines pack code (source builds, tests): bubblewrap, a separate user, or nothing. */
  sandbox: sandbox.prefault({}),
  register: register.prefault({}),
  /** `pack install <name>`: registry indexes and what may be downloaded. */
  registry: registrySchema.prefault({}),
  tests: testsSettings.optional(),
  timeouts: timeouts.prefault({}),
  log: strict({ level: z.enum(logLevels, { error: expected(`one of ${logLevels.join(', ')}`) }).default('info') }).prefault({}),
  templates: strict({ dir: path.optional() }).prefault({}),
}).transform(({ packs_dir, configs_dir, ...rest }) => {
  const packs = packs_dir ?? join(rest.state_dir, 'packs');
  return {
    ...rest,
    packs_dir: packs,
    configs_dir: configs_dir ?? join(rest.state_dir, 'configs'),
    // StackStorm's layout: /opt/stackstorm/packs beside /opt/stackstorm/virtualenvs.
    envs: { ...rest.envs, virtualenvs_dir: rest.envs.virtualenvs_dir ?? join(dirname(packs), 'virtualenvs') },
  };
});

/** The parsed configuration: defaults applied, durations in ms; after loading, every path is absolute. */
export type PackbotConfig = z.output<typeof configSchema>;
export type RepositoryConfig = PackbotConfig['repositories'][string];
