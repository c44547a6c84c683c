/**
 * Issue 20 (1), for installs: a queued `pack install` runs in a deploy turn like a deploy, so
 * a worker that lost the turn to a takeover must stop before its packs go live and before its
 * history record, as the deploy pipeline does. The turn is held and taken over through the
 * real queue and fence (coord/queue.ts, coord/fence.ts) on the embedded store; the install is
 * the app's own, fetching from a registry index on loopback.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStateStore, type StateStore } from '../../src/domain/store/index.js';
import { holdTurn, isTurnLost } from '../../src/services/coord/fence.js';
import { createQueue } from '../../src/services/coord/queue.js';
import { buildZip } from '../helpers/archive-zip.js';
import { serveBytes, startArchiveServer, type ArchiveServer } from '../helpers/archive-server.js';
import { tempDir } from '../helpers/config.js';
import { pack } from '../helpers/deploy.js';
import { startLiveBot, type LiveBot } from '../helpers/live-bot.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const tool = buildZip(Object.entries(pack('tool', { version: '1.0.0', prefix: 'tool-1.0.0/' })).map(([name, data]) => ({ name, data: String(data) })));

describe('a queued install whose turn is taken over while it runs', () => {
  let bot: LiveBot;
  let server: ArchiveServer;
  let store: StateStore;
  /** Runs before the archive is served: the moment, mid-install, the test takes the turn over. */
  let onArchive: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    server = await startArchiveServer({
      '/tool-1.0.0.zip': (req, res: ServerResponse) => void onArchive().then(() => serveBytes(tool)(req, res)),
      '/index.json': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({
          registry_name: 'internal', registry_url: server.origin, version: '1.0', last_updated: '2026-11-01T00:00:00Z',
          packs: [{
            ref: 'tool', label: 'Tool', description: 'tool', version: '1.0.0', author: 'x', license: 'MIT', keywords: [],
            install_sources: [{ type: 'archive', url: `${server.origin}/tool-1.0.0.zip`, checksum: `sha256:${sha256(tool)}` }], dependencies: { packs: [] },
          }],
        }));
      },
    });
    bot = await startLiveBot([
      'state_dir: ./var',
      'registry:',
      `  indexes: [{name: internal, url: "${server.origin}/index.json"}]`,
      `  allowed_urls: ["${server.origin}/"]`,
    ].join('\n'));
    // The turn's queue: its own embedded store, so the bot's coordinator never runs the entry.
    store = await createStateStore({ kind: 'embedded' }, { stateDir: await tempDir('packbot-install-fence-') });
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
    await store?.close();
    await server?.close();
  });

  it('makes nothing live and records nothing; the new owner installs it once', async () => {
    const { installer, store: packs, history } = bot.app.services;
    const silent = { warn: () => undefined };
    // Two workers' views of one queue: the first holds the turn, the second takes it over.
    const first = createQueue(store, { concurrency: 2, leaseMs: 50 });
    const second = createQueue(store, { concurrency: 2, leaseMs: 50 });
    await first.enqueue({ id: 'inst-1', packs: ['tool'], requester: 'console:alice', summary: 'tool' });
    expect((await first.promote()).map((e) => e.id)).toEqual(['inst-1']);
    const held = holdTurn((await first.start('inst-1'))!, { queue: first, logger: silent, leaseMs: 0, deployId: 'inst-1' });

    let taken: ReturnType<typeof holdTurn> | null = null;
    onArchive = async () => {
      onArchive = async () => undefined;
      // The first worker is still fetching: its turn goes to the second (it stood still a lease).
      taken = holdTurn((await second.start('inst-1', true))!, { queue: second, logger: silent, leaseMs: 0, deployId: 'inst-1' });
    };
    const plan = installer.plan({ id: 'inst-1', packs: 'tool', requestedBy: 'console:alice' });
    const lost = await installer.install(plan, () => undefined, held).then(() => null, (err: unknown) => err);
    expect(isTurnLost(lost)).toBe(true);
    expect(held.lost).toBe(true);
    expect(taken).not.toBeNull();
    expect(await packs.list()).toEqual([]);
    expect(await history.get('inst-1')).toBeNull();

    // The new owner's run goes live and is recorded, once.
    const result = await installer.install(plan, () => undefined, taken!);
    expect(result.packs.map((p) => [p.pack, p.status])).toEqual([['tool', 'deployed']]);
    expect((await packs.list()).map((r) => r.pack)).toEqual(['tool']);
    expect((await history.list()).filter((r) => r.id === 'inst-1')).toHaveLength(1);
    expect(await second.finish('inst-1', taken!.fence)).toMatchObject({ id: 'inst-1' });
  });
});
