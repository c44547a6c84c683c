/**
 * A message that is edited as things happen (a deploy's stages). One edit is in flight at a
 * time; what is set meanwhile replaces what was waiting, so a slow or rate-limited platform
 * gets the newest state, never a backlog of stale ones, and the deploy never waits for it.
 * Edits can also be spaced `gapMs` apart: a deploy of 100 unchanged packs reports them all
 * within milliseconds, and where no rate limit merges them (the console) rendering and printing
 * the message a hundred times cost more than the deploy. The newest state is always sent.
 */
export interface LiveMessageOptions {
  /** The least time between two edits (default 0: only what is set while one is in flight merges). */
  gapMs?: number;
  /** How a gap is waited (tests pass their own clock). */
  wait?: (ms: number) => Promise<void>;
}

// Not unref'd: a summary waits for the last edit, and the process must live to send it.
const waitMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class LiveMessage<T> {
  private latest: T | undefined;
  private sending: Promise<void> | null = null;
  private readonly gapMs: number;
  private readonly wait: (ms: number) => Promise<void>;
  private lastEdit = Number.NEGATIVE_INFINITY;
  private urgent = false;
  private cutGap: (() => void) | undefined;

  constructor(private readonly edit: (state: T) => Promise<void>, private readonly onError: (err: unknown) => void, opts: LiveMessageOptions = {}) {
    this.gapMs = opts.gapMs ?? 0;
    this.wait = opts.wait ?? waitMs;
  }

  set(state: T): void {
    this.latest = state;
    this.sending ??= this.send();
  }

  /** The last state (a deploy's summary): sent as soon as no edit is in flight, gap or not. */
  finish(state: T): Promise<void> {
    this.urgent = true;
    this.cutGap?.();
    this.set(state);
    return this.flush();
  }

  /** Resolves once the newest state set so far has been sent (or failed). */
  flush(): Promise<void> {
    return this.sending ?? Promise.resolve();
  }

  private async send(): Promise<void> {
    // Spaced: what is set in the same turn of the event loop goes out as one edit.
    if (this.gapMs > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.latest !== undefined) {
      const early = this.gapMs - (performance.now() - this.lastEdit);
      if (early > 0 && !this.urgent) {
        await Promise.race([this.wait(early), new Promise<void>((resolve) => (this.cutGap = resolve))]);
        this.cutGap = undefined;
      }
      const state = this.latest;
      this.latest = undefined;
      this.lastEdit = performance.now();
      try {
        await this.edit(state);
      } catch (err) {
        this.onError(err);
      }
    }
    this.sending = null;
  }
}
