/**
 * The YAML files issue 15 attacked packbot with, made to order: shared by the lag bench
 * (bench/lag.ts) and the push test (test/security/yaml-push.test.ts), so both measure the
 * same files. Each is refused by a different limit of src/core/yaml-safe/limits.ts.
 */

/** Pads a file with a comment block to at least `bytes`, so it is parsed on a worker, not inline. */
function padded(text: string, bytes: number): string {
  const line = `# ${'padding '.repeat(9)}\n`;
  const lines = Math.max(0, Math.ceil((bytes - text.length) / line.length));
  return `${text}${line.repeat(lines)}`;
}

export const hostileYaml = {
  /** A flat mapping of `keys` keys: yaml's duplicate-key check alone is quadratic in it. */
  wide(keys: number): string {
    const width = String(keys).length;
    const lines = Array.from({ length: keys }, (_, i) => `k${String(i).padStart(width, '0')}: ${i}`);
    return `${lines.join('\n')}\n`;
  },

  /** A flow sequence nested `levels` deep: composing it recurses once per level. */
  deep(levels: number): string {
    return `value: ${'['.repeat(levels)}${']'.repeat(levels)}\n`;
  },

  /** "Billion laughs": each of `levels` anchors is a list of nine aliases of the one before. */
  aliasBomb(levels: number): string {
    const name = (i: number) => `l${i}`;
    const lines = [`${name(0)}: &${name(0)} ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`];
    for (let i = 1; i < levels; i++) lines.push(`${name(i)}: &${name(i)} [${Array(9).fill(`*${name(i - 1)}`).join(', ')}]`);
    return padded(`${lines.join('\n')}\n`, 32 * 1024);
  },
};
