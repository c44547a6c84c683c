/**
 * Is there a credential in a piece of user text? Used to refuse a chat message with a pasted
 * token before anything reads it (src/interfaces/chat/pasted.ts). Shapes are recognised on their own;
 * registered secrets (in any of their encodings) need the app's masker.
 */
import { createMasker, type Masker } from './masker.js';
import type { CredentialKind } from './shapes.js';

export type { CredentialKind } from './shapes.js';

export function detectCredential(text: string, masker: Masker = createMasker()): CredentialKind | null {
  return masker.detect(text);
}
