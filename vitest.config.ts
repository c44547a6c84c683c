import { defineConfig } from 'vitest/config';
import { scaled } from './test/helpers/budget.js';

/**
 * Two projects: `npm test` runs both; `npm run test:unit` and `npm run test:integration` one each.
 *
 * unit         Every test file NOT listed below. It stays inside the test process: no git,
 *              Redis, python/venv, npm, no child process of any kind, no socket (not even a
 *              loopback server: fastify's inject() and in-memory streams are fine), and no
 *              dist/ (vitest compiles the TypeScript itself, so no build is needed). Seconds.
 * integration  The files listed below: real git repos and servers, Redis, venvs, the built CLI
 *              (dist/, hence `npm run build` first), fake Slack/Discord/registry servers on
 *              127.0.0.1, SIGKILLed processes, end-to-end scenarios.
 *
 * Where a new test goes: a unit test needs nothing, it is in `unit` by default. A test that
 * needs any of the integration things is added to INTEGRATION (its file, or its folder when
 * every file there is integration). This cannot go wrong quietly: the unit project's setup
 * file (test/helpers/unit-guard.ts) fails any test that starts a process or opens a socket,
 * pointing here.
 */
const INTEGRATION = [
  // Whole folders: every file in them needs git, Redis, processes or servers.
  'test/demo/**/*.test.ts',
  'test/fs/**/*.test.ts',
  'test/image/**/*.test.ts',
  'test/install/**/*.test.ts',
  'test/jobs/**/*.test.ts',
  'test/registry/**/*.test.ts',
  'test/scenarios/**/*.test.ts',
  'test/security/**/*.test.ts',
  'test/store/**/*.test.ts',
  // Single files in folders that also hold unit tests.
  'test/adapters/api-url.test.ts',
  'test/adapters/console/chat-process.test.ts',
  'test/adapters/console/tty.test.ts',
  'test/adapters/discord/buttons.test.ts',
  'test/adapters/discord/channels-by-id.test.ts',
  'test/adapters/discord/lifecycle.test.ts',
  'test/adapters/discord/messages.test.ts',
  'test/adapters/discord/people.test.ts',
  'test/adapters/discord/secrets.test.ts',
  'test/adapters/slack/app-home.test.ts',
  'test/adapters/slack/clicks.test.ts',
  'test/adapters/slack/delete-offer.test.ts',
  'test/adapters/slack/fake-slack.test.ts',
  'test/adapters/slack/groups.test.ts',
  'test/adapters/slack/http.test.ts',
  'test/adapters/slack/outbox.test.ts',
  'test/adapters/slack/people.test.ts',
  'test/adapters/slack/secrets.test.ts',
  'test/adapters/slack/socket.test.ts',
  'test/announce/changes.test.ts',
  'test/announce/preview.test.ts',
  'test/archive/download.test.ts',
  'test/autodeploy/changed.test.ts',
  'test/chat/actions.test.ts',
  'test/chat/claim-lease.test.ts',
  'test/cli/aliases.test.ts',
  'test/cli/chat.test.ts',
  'test/cli/compose.test.ts',
  'test/cli/config.test.ts',
  'test/cli/deploy.test.ts',
  'test/cli/deploy-modules.test.ts',
  'test/cli/help-output.test.ts',
  'test/cli/serve.test.ts',
  'test/cli/start-failure.test.ts',
  'test/cli/startup-modules.test.ts',
  'test/commands/deploy-chat.test.ts',
  'test/commands/releases-locks.test.ts',
  'test/commands/status-overview.test.ts',
  'test/coord/confirmations.test.ts',
  'test/coord/lock-warning-overdue.test.ts',
  'test/coord/branch-locks.test.ts',
  'test/coord/queue.test.ts',
  'test/coord/queue-scale.test.ts',
  'test/coord/turn-fetch.test.ts',
  'test/core/yaml-worker.test.ts',
  'test/deploy/crash.test.ts',
  'test/deploy/dependencies-hooks.test.ts',
  'test/deploy/envs.test.ts',
  'test/deploy/failed-trees.test.ts',
  'test/deploy/fanout.test.ts',
  'test/deploy/hostile.test.ts',
  'test/deploy/install-order.test.ts',
  'test/deploy/pipeline.test.ts',
  'test/deploy/permission-denied.test.ts',
  'test/deploy/register-st2.test.ts',
  'test/deploy/stackstorm-warnings.test.ts',
  'test/deploy/warm-refs.test.ts',
  'test/deploy/test-gate.test.ts',
  'test/deploy/token.test.ts',
  'test/deploy/single-pack-*.test.ts',
  'test/git/auth.test.ts',
  'test/git/reader-after-fetch.test.ts',
  'test/git/history.test.ts',
  'test/git/hostile.test.ts',
  'test/git/tree-cache.test.ts',
  'test/git/lock.test.ts',
  'test/git/materialize.test.ts',
  'test/git/materialize-bytes.test.ts',
  'test/git/materialize-cap.test.ts',
  'test/git/object-reader.test.ts',
  'test/git/refs.test.ts',
  'test/git/sync.test.ts',
  'test/git/timeout.test.ts',
  'test/git/tree.test.ts',
  'test/masking/git.test.ts',
  'test/masking/hooks.test.ts',
  'test/masking/stream.test.ts',
  'test/packs/walk.test.ts',
  'test/packstore/sync-helper.test.ts',
  'test/packstore/crash.test.ts',
  'test/packstore/envs.test.ts',
  'test/permissions/buttons.test.ts',
  'test/permissions/chat.test.ts',
  'test/server/readyz.test.ts',
  'test/server/timeouts.test.ts',
  'test/server/webhooks/autodeploy.test.ts',
  'test/server/webhooks/http.test.ts',
  'test/server/webhooks/late.test.ts',
  'test/server/webhooks/outage.test.ts',
];

export default defineConfig({
  test: {
    // Hang guards, scaled by PACKBOT_TEST_TIME_SCALE on a very slow machine (test/helpers/budget.ts).
    testTimeout: scaled(30_000),
    hookTimeout: scaled(30_000),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: INTEGRATION,
          setupFiles: ['test/helpers/unit-guard.ts'],
          // One worker process runs many unit files (never another project's), importing src
          // once rather than per file: that import is most of a unit file's cost (3x faster).
          // Unit tests keep no state between files.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          // The tests that spawn the CLI run the bundle: never one older than dist/.
          globalSetup: ['test/helpers/bundle-setup.ts'],
        },
      },
    ],
  },
});
