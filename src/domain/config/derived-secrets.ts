/**
 * Every secret packbot.yaml itself holds, for the masker, as app.ts registers them: the
 * credential fields by name and what is derived from them (a header's token, a URL's password
 * or `?api_key=`). The list with the key each comes from is config/secrets.ts's.
 */
import type { PackbotConfig } from './index.js';
import { credentialEntries } from './secrets.js';

export { headerCredentials, queryCredentials } from './credential-values.js';

export function configSecrets(config: PackbotConfig): string[] {
  return [...new Set(credentialEntries(config).map((e) => e.value).filter((v) => v.trim() !== ''))];
}
