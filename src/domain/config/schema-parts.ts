/**
 * The field types every part of packbot.yaml's schema shares (schema.ts, schema-server.ts,
 * schema-registry.ts), so each is written, and worded, once.
 */
import { z } from 'zod';
import { DURATION_PATTERN, DURATION_WANTED, parseDuration } from './duration.js';
import { expected, expectedSecret, strictObjectError } from './messages.js';
import { pathProblem } from './path-values.js';

/** A mapping whose unknown keys are errors, each with a did-you-mean. */
export function strict<T extends z.ZodRawShape>(shape: T, what = 'a mapping') {
  return z.strictObject(shape, { error: strictObjectError(Object.keys(shape), what) });
}

export const duration = z
  .string({ error: expected(DURATION_WANTED) })
  .regex(new RegExp(DURATION_PATTERN))
  .transform((s) => parseDuration(s));

export const positiveDuration = duration.refine((ms) => ms > 0, { message: 'must be longer than 0s' });

export const path = z.string({ error: expected('a path') }).superRefine((p, ctx) => {
  const problem = pathProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Never echoed in errors. */
export const secret = z.string({ error: expectedSecret('a non-empty string') }).min(1);

export const httpUrl = z.string({ error: expected('an http(s) URL') }).refine((u) => {
  try {
    return ['http:', 'https:'].includes(new URL(u).protocol);
  } catch {
    return false;
  }
}, { message: 'expected an http(s) URL' });
