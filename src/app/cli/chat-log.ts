import { mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';

/** Where `packbot chat` keeps its log when the terminal is for the conversation. */
export function chatLogPath(stateDir: string): string {
  return path.join(stateDir, 'logs', 'chat.log');
}

/**
 * Whether `packbot chat`'s log goes to a file rather than stderr. On a terminal stderr is
 * the screen the conversation is on: a warning there repeats, as a log block, what the reply
 * already says (a failed deploy shows up twice) and tears through the prompt. So there the
 * log goes to a file, unless asked for (--verbose). Redirected stderr (a script, a service)
 * keeps it, as every other command does.
 */
export function chatLogsToFile(opts: { verbose: boolean; stderrIsTTY: boolean }): boolean {
  return !opts.verbose && opts.stderrIsTTY;
}

/**
 * The log file, appended to (several sessions share it), owner-only like the rest of
 * state_dir. Writes are synchronous so the last lines are there even when the process ends
 * abruptly; the log is at `log.level` (warn in the demo), so that costs nothing noticeable.
 */
export function openChatLog(file: string): Writable {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = openSync(file, 'a', 0o600);
  return new Writable({
    // Strings arrive as Buffers (decodeStrings is on by default).
    write(chunk: Buffer, _encoding, done) {
      try {
        writeSync(fd, chunk);
      } catch {
        // A full disk loses log lines; it must not end the conversation (an 'error' event would).
      }
      done();
    },
  });
}
