export { createPackStore, type WriteReleaseOptions, type PackStore, type PackStoreOptions } from './store.js';
export type { Release, ReleaseMeta, StoredMeta } from './meta.js';
export { buildEnvironment, type EnvOptions, type EnvResult } from './envs.js';
export { assertPackName, isPackName, isReleaseName } from './names.js';
export { pickRelease, type Pick } from './pick-release.js';
export { defaultVirtualenvsDir, META_FILE, RELEASES_DIR } from './layout.js';
