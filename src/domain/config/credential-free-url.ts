/**
 * URL settings other than repositories (url_allowlist, registry indexes and allowed_urls):
 * a URL is quoted in errors, logs and history, so a credential written into it — userinfo or
 * a query parameter named like one (`?private_token=…`) — is refused at load, never echoed.
 */
import { hasUserinfo } from '../../core/net/url-credentials.js';
import { queryCredentials } from './credential-values.js';
import { httpUrl } from './schema-parts.js';

/** Where a URL carries a credential, or undefined (also for text that is no URL: httpUrl says that). */
export function urlCredentialPlace(text: string): 'userinfo' | 'query' | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (hasUserinfo(url)) return 'userinfo';
  return queryCredentials(text).length > 0 ? 'query' : undefined;
}

/** An http(s) URL without credentials; `fix` says where a token goes instead. */
export function credentialFreeUrl(fix: string) {
  return httpUrl.superRefine((text, ctx) => {
    const place = urlCredentialPlace(text);
    if (place === undefined) return;
    const what = place === 'userinfo' ? 'a user or password (user:password@)' : 'a credential in its query string (?token=…)';
    ctx.addIssue({ code: 'custom', message: `remove the credentials: the URL has ${what}, and URLs are shown in errors and logs; ${fix}` });
  });
}
