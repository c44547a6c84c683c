/**
 * The field types every part of packbot.yaml's schema shares (schema.ts, schema-server.ts,
 * schema-registry.ts), so each is written, and worded, once.
 */
import { z } from 'zod';
import { DURATION_PATTERN, DURATION_WANTED, parseDuration } from './duration.js';
import { expected, expectedSecret, strictObjectError } from './messages.js';
import { pathProblem } from './path-values.js';
import { hasUserinfo } from '../../core/net/url-credentials.js';

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

/**
 * A platform API's base URL, for GovSlack, an egress proxy or a test double. Never echoed and
 * no userinfo: packbot authenticates with its token, and a base URL ends up in debug logs.
 */
export function apiBase(example: string) {
  return z.string({ error: expectedSecret(`an http(s) URL like ${example}`) }).superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected an http(s) URL like ${example}` });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `expected an http(s) URL like ${example}, got a ${url.protocol.slice(0, -1)}: URL` });
    else if (hasUserinfo(url)) ctx.addIssue({ code: 'custom', message: 'must not carry a user or password (user:password@): packbot signs in with its token' });
  });
}
