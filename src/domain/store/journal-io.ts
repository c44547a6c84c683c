/** Small file and promise helpers of the journal and its recovery. */
import { open } from 'node:fs/promises';

export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejections reach whoever awaits; a batch nobody awaits must not crash the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** A rename or a new file in `dir` survives a crash only once the directory is fsync'd. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes and fsyncs a whole file (a temp file, renamed into place afterwards). */
export async function writeSynced(file: string, text: string): Promise<void> {
  const out = await open(file, 'w', 0o600);
  try {
    await out.writeFile(text);
    await out.sync();
  } finally {
    await out.close();
  }
}
