/**
 * `registry:` — where `pack install <name>` finds packs (StackStorm Exchange or Attune index
 * files, in priority order) and what it may download from. Apart from schema.ts so the
 * install settings don't crowd it.
 */
import { z } from 'zod';
import { credentialFreeUrl as credentialFreeHttpUrl } from './credential-free-url.js';
import { expected } from './messages.js';
import { path, positiveDuration, strict } from './schema-parts.js';

export const REGISTRY_DEFAULTS = {
  timeout: '30s',
  archiveTimeout: '2m',
  maxIndexBytes: 50 * 1024 * 1024,
  maxArchiveBytes: 100 * 1024 * 1024,
  maxExtractedBytes: 500 * 1024 * 1024,
  maxEntries: 20_000,
  maxDepth: 10,
} as const;

/** Index and download URLs: a token belongs in the environment of a proxy, never in packbot.yaml. */
const credentialFreeUrl = credentialFreeHttpUrl('put a token in the environment of the index host\'s proxy, not in the URL');

const bytes = (hint: string) => z.number({ error: expected(hint) }).int().min(1024);

const indexSource = strict({
  name: z.string({ error: expected('a short name for messages') }).min(1).optional(),
  url: credentialFreeUrl.optional(),
  file: path.optional(),
  /** An index that can't be read stops the install instead of falling through to the next. */
  fail_closed: z.boolean({ error: expected('true or false') }).default(false),
}, 'a mapping like {url: https://index.stackstorm.org/v1/index.json} or {file: ./index.json}').refine(
  (s) => (s.url === undefined) !== (s.file === undefined),
  { message: 'give exactly one of url or file' },
);

export const registrySchema = strict({
  /** Consulted in this order; the first index that lists a pack decides its versions. */
  indexes: z.array(indexSource, { error: expected('a list of index sources') }).default(() => []),
  /**
   * URL prefixes packs may be fetched from (archives and git repositories an index names),
   * e.g. "https://github.com/StackStorm-Exchange/". Nothing else is downloaded.
   */
  allowed_urls: z.array(credentialFreeUrl, { error: expected('a list of URL prefixes like "https://github.com/StackStorm-Exchange/"') }).default(() => []),
  timeout: positiveDuration.prefault(REGISTRY_DEFAULTS.timeout),
  archive_timeout: positiveDuration.prefault(REGISTRY_DEFAULTS.archiveTimeout),
  max_index_bytes: bytes('a size in bytes').default(REGISTRY_DEFAULTS.maxIndexBytes),
  max_archive_bytes: bytes('a size in bytes').default(REGISTRY_DEFAULTS.maxArchiveBytes),
  max_extracted_bytes: bytes('a size in bytes').default(REGISTRY_DEFAULTS.maxExtractedBytes),
  max_entries: z.number({ error: expected('a whole number') }).int().min(1).default(REGISTRY_DEFAULTS.maxEntries),
  /** How deep dependencies are followed through the registry. */
  max_depth: z.number({ error: expected('a whole number from 1 to 50') }).int().min(1).max(50).default(REGISTRY_DEFAULTS.maxDepth),
});

export type RegistryConfig = z.output<typeof registrySchema>;
