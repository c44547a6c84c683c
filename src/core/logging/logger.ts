import { pino, type Logger, type Level } from 'pino';
import type PinoPretty from 'pino-pretty';
import { createRequire } from 'node:module';
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
 * The pretty printer only where a log is pretty (a terminal): loaded on every start-up, it cost
 * each `packbot deploy` ~0.1 s for a log that goes to a pipe. It is CommonJS, so a synchronous
 * require keeps createLogger synchronous.
 */
const prettyPrinter = (): typeof PinoPretty => createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;

/**
 * pino writing through the masker: every serialized line is masked before it reaches a
 * sink, so a secret in a message, an error or a bound field never hits the log.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const target: Writable = opts.destination ?? process.stderr;
  const usePretty = opts.pretty ?? (target === process.stderr && process.stderr.isTTY === true);
  const sink: { write(line: string): void } = usePretty
    ? prettyPrinter()({ destination: target, colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname', sync: true })
    : target;
  const masked = { write: (line: string) => void sink.write(opts.masker.mask(line)) };
  return pino({ level: opts.level, base: { name: 'packbot' } }, masked);
}
