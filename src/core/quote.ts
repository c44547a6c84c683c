/** Shows a rejected value without leaking much of it: quoted, escaped, truncated. */
export function quoteForMessage(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}
