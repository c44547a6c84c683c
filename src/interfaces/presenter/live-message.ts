/**
 * A message that is edited as things happen (a deploy's stages). One edit is in flight at a
 * time; what is set meanwhile replaces what was waiting, so a slow or rate-limited platform
 * gets the newest state, never a backlog of stale ones, and the deploy never waits for it.
 */
export class LiveMessage<T> {
  private latest: T | undefined;
  private sending: Promise<void> | null = null;

  constructor(private readonly edit: (state: T) => Promise<void>, private readonly onError: (err: unknown) => void) {}

  set(state: T): void {
    this.latest = state;
    this.sending ??= this.send();
  }

  /** Resolves once the newest state set so far has been sent (or failed). */
  flush(): Promise<void> {
    return this.sending ?? Promise.resolve();
  }

  private async send(): Promise<void> {
    while (this.latest !== undefined) {
      const state = this.latest;
      this.latest = undefined;
      try {
        await this.edit(state);
      } catch (err) {
        this.onError(err);
      }
    }
    this.sending = null;
  }
}
