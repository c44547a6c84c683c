/**
 * Error-message builders for the schema. Zod's defaults ("Invalid input: expected string,
 * received number") name types, not intent; these say what the field wants and what it got.
 */
import { z } from 'zod';
import { unknownKeyMessage } from './suggest.js';
import { quoteForMessage } from '../../core/quote.js';

type RawIssue = z.core.$ZodRawIssue;

/** A short, safe rendering of the offending value. */
export function describeInput(v: unknown): string {
  if (v === null) return 'an empty value';
  if (typeof v === 'string') return quoteForMessage(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

/** Error map for a field: "expected <hint>, got <value>", or "is required (<hint>)" when missing. */
export function expected(hint: string): (iss: RawIssue) => string {
  return (iss) => (iss.input === undefined ? `is required (expected ${hint})` : `expected ${hint}, got ${describeInput(iss.input)}`);
}

/** Same, but never shows the value: used for tokens, secrets and URLs that may carry a password. */
export function expectedSecret(hint: string): (iss: RawIssue) => string {
  return (iss) => (iss.input === undefined ? `is required (expected ${hint})` : `expected ${hint}`);
}

/**
 * Error map for strict objects. Zod reports every unknown key of one object in a single issue;
 * one line per key is joined here and split again in issues.ts, so each key gets its own
 * position and its own did-you-mean.
 */
export function strictObjectError(known: readonly string[], what: string): (iss: RawIssue) => string | undefined {
  return (iss) => {
    if (iss.code === 'unrecognized_keys') return iss.keys.map((k) => unknownKeyMessage(k, known)).join('\n');
    if (iss.code === 'invalid_type') {
      return iss.input === undefined ? `is required (expected ${what})` : `expected ${what}, got ${describeInput(iss.input)}`;
    }
    return undefined;
  };
}
