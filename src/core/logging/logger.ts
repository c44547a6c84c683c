import { pino, type Logger, type Level } from 'pino';
import pretty from 'pino-pretty';
import type { Writable } from 'node:stream';
import type { Masker } from '../masking/masker.js';

export type { Logger };

export interface LoggerOptions {
  level: Level | 'silent';
  masker: Masker;
  /** Human-readable lines instead of JSON (default: when stderr is a TTY). */
  pretty?: boolean;
  /** Where lines go (default: stderr). */
  destination?: Writable;
}

/**
 * pino writing through the masker: every serialized line is masked before it reaches a
 * sink, so a secret in a message, an error or a bound field never hits the log.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const target: Writable = opts.destination ?? process.stderr;
  const usePretty = opts.pretty ?? (target === process.stderr && process.stderr.isTTY === true);
  const sink: { write(line: string): void } = usePretty
    ? pretty({ destination: target, colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname', sync: true })
    : target;
  const masked = { write: (line: string) => void sink.write(opts.masker.mask(line)) };
  return pino({ level: opts.level, base: { name: 'packbot' } }, masked);
}
