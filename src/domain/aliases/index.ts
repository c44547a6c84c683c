/** The alias engine's public surface: StackStorm-compatible formats, alias files, matching. */
export type { AliasDefinition, AliasFormat, AliasMatch, AliasReplySpec, ConfirmPolicy, MatchResult } from './types.js';
export { CompiledFormat, compileFormat, parseFormat, type AliasParams } from './format.js';
export { normalizeText } from './normalize.js';
export { AliasTable } from './table.js';
export { injectImmutableParameters } from './immutable.js';
export { loadAliasFiles, loadAliasTable, type LoadedAliases } from './loader.js';
