/**
 * packbot.yaml: find it, read it, validate all of it at once, export its JSON Schema.
 * Relative paths in the file resolve against the file's own directory; every path in the
 * returned config is absolute and every duration is in milliseconds.
 */
export type { PackbotConfig, RepositoryConfig } from './schema.js';
export type { LoadedConfig, ParseOptions } from './parse.js';
export type { FindOptions } from './load.js';
export type { ConfigIssue } from './issues.js';
export { parseConfig } from './parse.js';
export { findConfigPath, loadConfig } from './load.js';
export { configJsonSchema } from './jsonschema.js';
export { parseDuration } from './duration.js';
