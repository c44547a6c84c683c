import type { AliasDefinition } from '../../src/domain/aliases/index.js';

/** A minimal alias definition; formats are plain strings or {display, representation}. */
export function alias(
  name: string,
  formats: Array<string | { display: string; representation: string[] }>,
  extra: Partial<AliasDefinition> = {},
): AliasDefinition {
  return {
    name,
    description: `${name} description`,
    enabled: true,
    command: name,
    permission: 'read',
    formats: formats.map((f) => (typeof f === 'string' ? { display: f, representation: [f] } : f)),
    immutableParameters: {},
    file: `${name}.yaml`,
    ...extra,
  };
}
