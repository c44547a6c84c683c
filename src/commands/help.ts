import { reply, type Reply } from '../chat/reply.js';
import type { AliasDefinition } from '../aliases/index.js';
import type { CommandContext } from './types.js';

function describe(alias: AliasDefinition) {
  return {
    name: alias.name,
    display: alias.formats[0]?.display ?? alias.name,
    description: alias.description,
    help: alias.help ?? '',
    /** Other ways to say it, when the alias has several displays. */
    also: alias.formats.slice(1).map((f) => f.display),
  };
}

/** Aliases a `help <query>` refers to: by name, or by the start of a display form. */
export function findAliases(aliases: readonly AliasDefinition[], query: string): AliasDefinition[] {
  const q = query.trim().toLowerCase().replace(/\s+/g, ' ');
  const byName = aliases.filter((a) => a.name.toLowerCase() === q || a.name.toLowerCase() === `pack_${q.replace(/ /g, '_')}`);
  if (byName.length > 0) return byName;
  const words = (display: string) => display.toLowerCase().split(/\s+/).filter((w) => !/^[<[{]/.test(w)).join(' ');
  const prefixed = aliases.filter((a) => a.formats.some((f) => {
    const literal = words(f.display);
    return literal === q || literal.startsWith(`${q} `) || literal === `pack ${q}` || literal.startsWith(`pack ${q} `);
  }));
  return prefixed;
}

/** `help` lists every enabled command; `help <command>` explains one. */
export function helpCommand(ctx: CommandContext): Reply[] {
  const enabled = ctx.aliases.definitions.filter((a) => a.enabled);
  const query = ctx.params['command']?.trim() ?? '';
  if (query === '') {
    return [reply('help', { commands: enabled.map(describe) })];
  }
  const found = findAliases(enabled, query);
  if (found.length === 1 && found[0]) return [reply('help_command', describe(found[0]))];
  if (found.length > 1) return [reply('help', { commands: found.map(describe) })];
  return [reply('unknown_command', { text: `help ${query}` })];
}
