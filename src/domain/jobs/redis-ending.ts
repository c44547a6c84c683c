/**
 * Ending ioredis clients during an outage without hanging. ioredis has two traps here:
 *
 * - A client between reconnect attempts (status `reconnecting`: no socket, a retry timer armed)
 *   that is told to disconnect() only cancels the retry: it never emits `end` and never rejects
 *   the commands queued on it, so whoever awaits either waits forever. BullMQ's Worker.close()
 *   awaits the blocking client's `end` (taskforcesh/bullmq#4656, #2430; #4065 for pause()).
 *   A client with a socket, or in the middle of a connection attempt, ends at once on
 *   disconnect() and rejects its queued commands with "Connection is closed".
 * - A command in flight when the connection dropped is kept to be sent again once `ready`
 *   (maxRetriesPerRequest null): ending the client before then never settles it (bullmq#4479).
 *   BullMQ's own watchdog gives up on its blocking read after its block timeout.
 *
 * So act on a client only while it is not `reconnecting` (its retry timer, at most 2 s away:
 * store/redis-connect.ts, moves it on by itself), and preferably once it is `ready`.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** What is used of a client: ioredis's, or BullMQ's proxy of one. */
export interface EndableClient {
  status: string;
  disconnect(): void;
  quit(): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

// ioredis announces each status as an event of that name.
const STATUSES = ['connecting', 'connect', 'ready', 'close', 'reconnecting', 'end'] as const;

/**
 * Calls `act` synchronously at the first moment `client`'s status passes `ok` (now, or at one of
 * its status changes), or after `maxWaitMs` regardless; resolves with whether it passed.
 * Synchronously, because the status only changes in a later turn of the event loop.
 */
export function whenStatus(client: EndableClient, ok: (status: string) => boolean, maxWaitMs: number, act: (passed: boolean) => void): Promise<boolean> {
  if (ok(client.status)) {
    act(true);
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const done = (passed: boolean) => {
      clearTimeout(timer);
      for (const status of STATUSES) client.removeListener(status, onStatus);
      act(passed);
      resolve(passed);
    };
    const onStatus = () => {
      if (ok(client.status)) done(true);
    };
    const timer = setTimeout(() => done(false), maxWaitMs);
    for (const status of STATUSES) client.on(status, onStatus);
  });
}

export const notReconnecting = (status: string) => status !== 'reconnecting';

/** Resolves once `client` has status `end`, or after `maxWaitMs`; says which. */
function ended(client: EndableClient, maxWaitMs: number): Promise<boolean> {
  if (client.status === 'end') return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (value: boolean) => {
      clearTimeout(timer);
      client.removeListener('end', onEnd);
      resolve(value);
    };
    const onEnd = () => finish(true);
    const timer = setTimeout(() => finish(client.status === 'end'), maxWaitMs);
    client.on('end', onEnd);
  });
}

/**
 * Ends `client` for good: its queued commands are rejected, its retries stop. Bounded by
 * about `maxWaitMs` twice (waiting out a reconnect delay, then for `end`); resolves whether it
 * ended or not, with which.
 */
export async function endClient(client: EndableClient, maxWaitMs: number): Promise<boolean> {
  if (client.status === 'end') return true;
  await whenStatus(client, notReconnecting, maxWaitMs, () => client.disconnect());
  return ended(client, maxWaitMs);
}

/**
 * A polite QUIT when the client is connected (the server hears a clean goodbye), else, or if the
 * QUIT gets no answer within `maxWaitMs` (Redis went away meanwhile), endClient.
 */
export async function quitClient(client: EndableClient, maxWaitMs: number): Promise<void> {
  if (client.status === 'ready') {
    const quit = client.quit().then(
      () => true,
      () => false,
    );
    const answered = await Promise.race([quit, sleep(maxWaitMs, false, { ref: false })]);
    if (answered && (await ended(client, maxWaitMs))) return;
  }
  await endClient(client, maxWaitMs);
}
