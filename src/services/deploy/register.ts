import { execa } from 'execa';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { Masker } from '../../core/masking/masker.js';
import { PackbotError } from '../../core/errors.js';

export interface HookDeps {
  config: PackbotConfig;
  masker: Masker;
  /** Overridable for tests of the HTTP hook against a local server. */
  fetch?: typeof fetch;
}

const TAIL_LINES = 5;

function tail(text: string): string {
  return text.trim().split('\n').slice(-TAIL_LINES).join(' | ');
}

/** `["st2","pack","register","{packs}"]` → argv with the refs filled in; never a shell. */
export function substitutePacks(argv: readonly string[], packs: readonly string[]): string[] {
  return argv.map((arg) => arg.replaceAll('{packs}', packs.join(',')));
}

/**
 * What a hook gets from packbot's own environment: an allow-list by name (locale, HOME, PATH,
 * temp dirs, proxies, CA bundles), never the rest — packbot's environment holds chat and git
 * tokens, and whatever else its host put there (AWS keys, database passwords) that no masker
 * recognises by value. A proxy URL with a password in it is left out too. Anything else a
 * hook needs (st2's ST2_API_KEY, say) is passed by name, on purpose, in `register.env`.
 */
const HOOK_ENV = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TEMP', 'TMP',
  'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'NODE_EXTRA_CA_CERTS',
]);

export function hookEnv(deps: HookDeps, packs: readonly string[], base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || !(HOOK_ENV.has(name) || name.startsWith('LC_'))) continue;
    if (deps.masker.detect(value) === null) env[name] = value;
  }
  return { ...env, ...deps.config.register.env, PACKBOT_PACKS: packs.join(',') };
}

async function runCommand(argv: readonly string[], packs: readonly string[], deps: HookDeps, what: string): Promise<void> {
  const [file, ...args] = substitutePacks(argv, packs);
  if (!file) return;
  const result = await execa(file, args, {
    timeout: deps.config.timeouts.hook,
    reject: false,
    all: true,
    stdin: 'ignore',
    env: hookEnv(deps, packs),
    extendEnv: false,
  });
  if (result.failed) {
    const why = result.timedOut ? `timed out after ${deps.config.timeouts.hook} ms` : result.exitCode !== undefined ? `exit ${result.exitCode}` : (result.originalMessage ?? 'failed to start');
    // Collected whole (not streamed): masked whole before the tail is cut, so a key spanning lines goes too.
    const output = tail(deps.masker.mask(String(result.all ?? '')));
    throw new PackbotError('hook_failed', deps.masker.mask(`${what} command ${file} failed (${why})${output ? `: ${output}` : ''}`));
  }
}

async function postRegister(packs: readonly string[], deps: HookDeps): Promise<void> {
  const http = deps.config.register.http;
  if (!http) return;
  const doFetch = deps.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(http.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...http.headers },
      // StackStorm's /api/v1/packs/register body.
      body: JSON.stringify({ packs: [...packs], fail_on_failure: true }),
      signal: AbortSignal.timeout(deps.config.timeouts.hook),
    });
  } catch (err) {
    throw new PackbotError('hook_failed', deps.masker.mask(`register request to ${http.url} failed: ${(err as Error).message}`));
  }
  if (!response.ok) {
    const body = tail(deps.masker.mask(await response.text().catch(() => '')));
    throw new PackbotError('hook_failed', deps.masker.mask(`register request to ${http.url} answered ${response.status}${body ? `: ${body}` : ''}`));
  }
}

/** Runs the configured registration hooks for freshly activated packs. */
export async function registerPacks(packs: readonly string[], deps: HookDeps): Promise<void> {
  if (packs.length === 0) return;
  const { command } = deps.config.register;
  if (command) await runCommand(command, packs, deps, 'register');
  await postRegister(packs, deps);
}

export async function unregisterPacks(packs: readonly string[], deps: HookDeps): Promise<void> {
  const { unregister_command: command } = deps.config.register;
  if (command && packs.length > 0) await runCommand(command, packs, deps, 'unregister');
}

export function hasRegisterHooks(config: PackbotConfig): boolean {
  return Boolean(config.register.command || config.register.http);
}
