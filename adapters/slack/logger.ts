/**
 * Bolt, its Web API client and its Socket Mode client log through this bridge into packbot's
 * pino logger, so their lines (which at debug level include whole payloads) pass the masker
 * like every other line instead of going to the console unmasked.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/core/logging/logger.js';

const FROM_PINO: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG, debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR, fatal: LogLevel.ERROR, silent: LogLevel.ERROR,
};

function line(parts: unknown[]): { text: string; err?: Error } {
  const err = parts.find((p): p is Error => p instanceof Error);
  const text = parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : safeJson(p))).join(' ');
  return err ? { text, err } : { text };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function boltLogger(logger: Logger): BoltLogger {
  let log = logger.child({ component: 'slack' });
  let level = FROM_PINO[logger.level] ?? LogLevel.INFO;
  const emit = (method: 'debug' | 'info' | 'warn' | 'error') => (...parts: unknown[]) => {
    const { text, err } = line(parts);
    if (err) log[method]({ err }, text);
    else log[method](text);
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    // Bolt asks for levels of its own; packbot's log.level stays the one that decides.
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: (name: string) => void (log = logger.child({ component: 'slack', module: name })),
  };
}
