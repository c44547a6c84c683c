/**
 * A message addressed to the bot that carries a credential (a pasted token, key or password)
 * is refused before anything reads it: no alias match, no command, no log line with its
 * text. The reply names the kind of credential and never repeats it.
 */
import type { Logger } from '../../core/logging/logger.js';
import { detectCredential } from '../../core/masking/detect.js';
import type { Masker } from '../../core/masking/masker.js';
import { reply, type Reply } from './reply.js';

export const PASTED_CREDENTIAL_TEMPLATE = 'pasted_credential';

/** The refusal when `text` holds a credential, else null (go on routing). */
export function refusePastedCredential(text: string, masker: Masker | undefined, log: Logger): Reply | null {
  const found = detectCredential(text, masker);
  if (!found) return null;
  log.warn({ credential: found.kind }, 'refused a message containing a credential');
  return reply(PASTED_CREDENTIAL_TEMPLATE, { what: found.label, noun: found.noun, kind: found.kind });
}
