import type { PackbotConfig } from '../../domain/config/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type { Masker } from '../../core/masking/masker.js';
import { PackbotError } from '../../core/errors.js';
import { withFetch } from '../../core/net/http-client.js';
import { registerWithSt2 } from './register-st2.js';
import type { RegisterCounts } from './types.js';

export interface HookDeps {
  config: PackbotConfig;
  masker: Masker;
  /** packbot's HTTP client (core/net/http-client); absent, one is made for the call. */
  fetch?: typeof fetch;
  logger?: Logger;
  /** Aborted when the deploy's turn is lost to another worker: a hook still running is killed. */
  signal?: AbortSignal;
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
  // Loaded here, not at start-up: execa is ~100 modules, ~0.1 s of every CLI command.
  const { execa } = await import('execa');
  const result = await execa(file, args, {
    timeout: deps.config.timeouts.hook,
    reject: false,
    all: true,
    stdin: 'ignore',
    ...(deps.signal ? { cancelSignal: deps.signal } : {}),
    env: hookEnv(deps, packs),
    extendEnv: false,
  });
  if (result.failed) {
    const why = result.isCanceled ? 'stopped: the deploy was taken over by another worker' : result.timedOut ? `timed out after ${deps.config.timeouts.hook} ms` : result.exitCode !== undefined ? `exit ${result.exitCode}` : (result.originalMessage ?? 'failed to start');
    // Collected whole (not streamed): masked whole before the tail is cut, so a key spanning lines goes too.
    const output = tail(deps.masker.mask(String(result.all ?? '')));
    throw new PackbotError('hook_failed', deps.masker.mask(`${what} command ${file} failed (${why})${output ? `: ${output}` : ''}`));
  }
}

async function postRegister(packs: readonly string[], deps: HookDeps): Promise<void> {
  const http = deps.config.register.http;
  if (!http) return;
  let answer: { ok: boolean; status: number; text: string };
  try {
    // The body is read before withFetch closes a client it made for this call.
    answer = await withFetch(deps.fetch, async (doFetch) => {
      const response = await doFetch(http.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...http.headers },
        // StackStorm's /api/v1/packs/register body.
        body: JSON.stringify({ packs: [...packs], fail_on_failure: true }),
        signal: AbortSignal.timeout(deps.config.timeouts.hook),
      });
      if (response.ok) await response.body?.cancel().catch(() => undefined);
      return { ok: response.ok, status: response.status, text: response.ok ? '' : await response.text().catch(() => '') };
    });
  } catch (err) {
    throw new PackbotError('hook_failed', deps.masker.mask(`register request to ${http.url} failed: ${(err as Error).message}`));
  }
  if (!answer.ok) {
    const body = tail(deps.masker.mask(answer.text));
    throw new PackbotError('hook_failed', deps.masker.mask(`register request to ${http.url} answered ${answer.status}${body ? `: ${body}` : ''}`));
  }
}

/**
 * Runs the configured registration for freshly activated packs: StackStorm's API first
 * (register.st2, whose counts are returned), then the command; register.http stands in for
 * register.st2 in older configs (the two are not configured together).
 */
export async function registerPacks(packs: readonly string[], deps: HookDeps): Promise<RegisterCounts | null> {
  if (packs.length === 0) return null;
  let counts: RegisterCounts | null = null;
  if (deps.config.register.st2) {
    counts = await registerWithSt2(packs, deps);
    deps.logger?.info({ packs, registered: counts }, 'registered with StackStorm');
  }
  const { command } = deps.config.register;
  if (command) await runCommand(command, packs, deps, 'register');
  await postRegister(packs, deps);
  return counts;
}

export async function unregisterPacks(packs: readonly string[], deps: HookDeps): Promise<void> {
  const { unregister_command: command } = deps.config.register;
  if (command && packs.length > 0) await runCommand(command, packs, deps, 'unregister');
}

export function hasRegisterHooks(config: PackbotConfig): boolean {
  return Boolean(config.register.command || config.register.http || config.register.st2);
}
