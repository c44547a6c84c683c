/**
 * Every failure a user can see is a PackbotError: a stable machine code plus a one-line
 * message that names the problem and the fix. Boundaries (chat responder, CLI, HTTP) turn
 * these into replies; anything else that escapes is a bug and is reported generically.
 */
export type ErrorCode =
  | 'config_not_found'
  | 'config_invalid'
  | 'alias_file_invalid'
  | 'alias_format_invalid'
  | 'alias_no_match'
  | 'alias_collision'
  | 'alias_immutable_override'
  | 'command_unknown'
  | 'usage'
  | 'demo_seed_failed'
  | 'git_failed'
  | 'git_timeout'
  | 'git_ref_invalid'
  | 'git_ref_unknown'
  | 'git_ref_ambiguous'
  | 'git_remote_invalid'
  | 'git_protocol_refused'
  | 'pack_unknown'
  | 'pack_unsafe'
  | 'pack_name_invalid'
  | 'pack_not_installed'
  | 'release_unknown'
  | 'release_ambiguous'
  | 'release_invalid'
  | 'packstore_busy'
  | 'env_failed'
  | 'tests_failed'
  | 'pack_invalid'
  | 'pack_dependencies'
  | 'registry_unreachable'
  | 'registry_request_invalid'
  | 'registry_pack_unknown'
  | 'registry_version_unknown'
  | 'repo_unknown'
  | 'hook_failed'
  | 'store_locked'
  | 'store_unavailable'
  | 'store_corrupt'
  | 'store_failed'
  | 'platform_refused'
  | 'pack_locked'
  | 'queue_unknown'
  | 'not_permitted'
  | 'webhook_payload'
  | 'message_delete_failed'
  | 'chat_channel_ambiguous'
  | 'archive_download'
  | 'archive_invalid'
  | 'internal';

export class PackbotError extends Error {
  readonly code: ErrorCode;
  /** Extra lines (e.g. every config problem) shown under the message. */
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: { details?: readonly string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PackbotError';
    this.code = code;
    this.details = options.details ?? [];
  }

  /** The message with its details, one per line, as shown to users. */
  describe(): string {
    return [this.message, ...this.details.map((d) => `  ${d}`)].join('\n');
  }
}

export function isPackbotError(err: unknown): err is PackbotError {
  return err instanceof PackbotError;
}
