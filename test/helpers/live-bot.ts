import { storeClaims } from '../../src/interfaces/chat/claim.js';
import { PassThrough } from 'node:stream';
import { createApp, type App } from '../../src/app/app.js';
import { createAdapters } from '../../adapters/index.js';
import { createActionHandler } from '../../src/interfaces/chat/actions.js';
import { storeOffers } from '../../src/interfaces/chat/delete-offer.js';
import { PackbotError } from '../../src/core/errors.js';
import type { ActionHandler, IncomingAction } from '../../src/interfaces/chat/types.js';
import { tempDir } from './config.js';
import { testRuntime } from './runtime.js';

export interface Said { channel: string; text: string; mentions: string[] }

export interface LiveBot {
  app: App;
  said: Said[];
  /** Type a console line (`@user #channel text`). */
  say(line: string): void;
  /** The next message (not returned before) matching `pred`. */
  waitFor(pred: (m: Said) => boolean): Promise<Said>;
  /** The app's own button handler (same gate, coordinator and store as the app). */
  click: ActionHandler;
  logs(): string;
  stop(): Promise<void>;
}

/** The real app on a console adapter with in-memory streams, kept running between lines. */
export async function startLiveBot(yaml: string): Promise<LiveBot> {
  const dir = await tempDir('packbot-live-');
  const rt = await testRuntime(yaml, dir);
  const input = new PassThrough();
  const output = new PassThrough();
  const said: Said[] = [];
  let buffer = '';
  output.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const l of lines.filter(Boolean)) said.push(JSON.parse(l) as Said);
  });
  const adapters = createAdapters(rt.config, { console: { input, output, user: 'alice', channel: 'general', json: true, settle: false } });
  const app = await createApp(rt.config, { ...rt, adapters });
  await app.start();
  const seen = new Set<number>();
  const click = createActionHandler({
    coordinator: app.services.coordinator, permissions: app.services.permissions, logger: rt.logger, masker: rt.masker,
    claims: storeClaims({ store: app.state, logger: rt.logger, doneTtlMs: 60 * 60_000 }),
    offers: storeOffers(app.state),
    // The console can't delete messages, so it is never offered.
    deleteMessage: () => Promise.reject(new PackbotError('message_delete_failed', 'The console cannot delete messages.')),
  });
  return {
    app, said, click, logs: rt.logs,
    say: (line) => void input.write(`${line}\n`),
    async waitFor(pred) {
      for (let i = 0; i < 750; i++) {
        const at = said.findIndex((m, j) => !seen.has(j) && pred(m));
        if (at >= 0) return (seen.add(at), said[at]!);
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`never said; saw:\n${said.map((m) => m.text).join('\n')}`);
    },
    stop: () => app.stop(),
  };
}

/** A button click as a platform adapter would hand it over. */
export const click = (user: string, action: IncomingAction['action'], entryId: string, id: string, channel = 'general'): IncomingAction => ({
  platform: 'console', id, user: { id: user, name: user }, channel: { id: channel, name: channel }, action, entryId,
});
