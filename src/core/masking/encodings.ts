/**
 * The forms a secret leaks in: as is, base64 (standard and URL-safe), URL-encoded (component,
 * form and URI style), JSON-escaped (once and twice, for JSON inside JSON), and the stable core
 * of its base64 when it sits inside a longer base64 blob at any of the three byte offsets
 * (`Authorization: Basic base64(user:token)`: the token's bytes start at an arbitrary offset).
 */
import { MIN_CORE_LENGTH, MIN_SECRET_LENGTH } from './mask.js';

/**
 * The base64 characters that depend only on `bytes` when they follow `offset` (0, 1 or 2)
 * other bytes in a longer blob: character i covers bits [6i, 6i+6), the secret bits
 * [8·offset, 8·(offset+n)), so the kept characters are those whose six bits all fall inside.
 */
export function base64Core(bytes: Buffer, offset: 0 | 1 | 2): string {
  const padded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(2)]);
  const text = padded.toString('base64');
  const first = Math.ceil((8 * offset) / 6);
  const end = Math.floor((8 * (offset + bytes.length)) / 6);
  return end > first ? text.slice(first, end) : '';
}

const toUrlSafe = (b64: string): string => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The secret in every form it is masked in (the longer forms first is the caller's job). */
export function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([secret]);
  const b64 = bytes.toString('base64');
  forms.add(b64);
  forms.add(toUrlSafe(b64));
  const component = encodeURIComponent(secret);
  forms.add(component);
  forms.add(component.replace(/%20/g, '+'));
  // Some servers echo percent-escapes in lower case.
  forms.add(component.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  forms.add(encodeURI(secret));
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  forms.add(JSON.stringify(json).slice(1, -1));
  const cores = new Set<string>();
  for (const offset of [0, 1, 2] as const) {
    const core = base64Core(bytes, offset);
    if (core.length >= MIN_CORE_LENGTH) {
      cores.add(core);
      cores.add(toUrlSafe(core));
    }
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).concat([...cores]);
}
