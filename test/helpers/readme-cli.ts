/** README's "### CLI reference", read back as commands and the options each documents. */

/**
 * The "### CLI reference" section: `#### \`packbot …\`` headings, each followed by a table whose
 * rows start with the option in backticks (`| \`--json\` | … |`).
 */
export function documented(readme: string): Map<string, string[]> {
  const start = readme.indexOf('\n### CLI reference\n');
  if (start < 0) return new Map();
  const rest = readme.slice(start + 1);
  const end = rest.slice(1).search(/\n#{1,3} /);
  const section = end < 0 ? rest : rest.slice(0, end + 1);
  const found = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of section.split('\n')) {
    const heading = /^#### `(packbot[^`]*)`/.exec(line);
    if (heading) {
      current = [];
      found.set(heading[1]!.trim(), current);
      continue;
    }
    const option = /^\|\s*`(-[^`\s]*)/.exec(line);
    if (option && current) {
      // `-c, --config <file>` documents --config; the long flag is what commander names it by.
      const long = /--[\w-]+/.exec(line.split('|')[1] ?? '')?.[0];
      current.push(long ?? option[1]!);
    }
  }
  for (const [k, v] of found) found.set(k, v.sort());
  return found;
}
