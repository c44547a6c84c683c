/**
 * JSON Schema of packbot.yaml as written by users (zod's "input" side: durations are strings
 * with a pattern, defaults are shown, nothing is required that has a default), for editors and
 * `packbot config schema`. Cross-field rules (crosscheck.ts) cannot be expressed and are absent.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'packbot.yaml',
    description: 'packbot configuration. Relative paths are resolved against the directory of the file.',
  };
}
