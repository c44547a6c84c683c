/**
 * Header lookup for webhook requests. Fastify lowercases header names, but tests and other
 * callers may not, so names are matched case-insensitively.
 */

export type Headers = Record<string, string | string[] | undefined>;

export type HeaderLookup = { kind: 'missing' } | { kind: 'duplicated' } | { kind: 'one'; value: string };

/**
 * A header that arrived more than once is 'duplicated' rather than one of its values: which
 * copy a proxy or framework keeps differs, and a signature check must not depend on that.
 * Fastify's `request.headers` holds strings (Node joins most repeated headers with ", ",
 * which the strict signature formats then reject), so an array value means repeated copies
 * (`headersDistinct`, hand-built headers) and is never unpacked, even with one element. Two
 * keys that differ only in case count as a duplicate too.
 */
export function lookupHeader(headers: Headers, name: string): HeaderLookup {
  const wanted = name.toLowerCase();
  const found: (string | string[])[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && value !== undefined) found.push(value);
  }
  const [only] = found;
  if (only === undefined) return { kind: 'missing' };
  if (found.length > 1 || typeof only !== 'string') return { kind: 'duplicated' };
  return { kind: 'one', value: only };
}

/**
 * The header's single value, or undefined when it is absent or was sent more than once: for
 * headers that only steer parsing (event names, delivery ids), where an ambiguous value is
 * treated like a missing one.
 */
export function header(headers: Headers, name: string): string | undefined {
  const found = lookupHeader(headers, name);
  return found.kind === 'one' ? found.value : undefined;
}
