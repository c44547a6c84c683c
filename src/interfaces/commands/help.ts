import { reply, type Reply } from '../chat/reply.js';
import type { AliasDefinition } from '../../domain/aliases/index.js';
import type { CommandContext } from './types.js';
import { actorOf } from '../chat/actor.js';

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

/**
 * `help` lists the enabled commands the asker may run here; `help <command>` explains one,
 * or says why they may not run it.
 */
export function helpCommand(ctx: CommandContext): Reply[] {
  const enabled = ctx.aliases.definitions.filter((a) => a.enabled);
  const actor = actorOf(ctx.message);
  const allowed = (a: AliasDefinition) => ctx.services.permissions.allows(actor, a).ok;
  const query = ctx.params['command']?.trim() ?? '';
  if (query === '') {
    return [reply('help', { commands: enabled.filter(allowed).map(describe) })];
  }
  const found = findAliases(enabled, query);
  const mine = found.filter(allowed);
  if (mine.length === 1 && mine[0]) return [reply('help_command', describe(mine[0]))];
  if (mine.length > 1) return [reply('help', { commands: mine.map(describe) })];
  const verdict = found[0] ? ctx.services.permissions.allows(actor, found[0]) : undefined;
  if (verdict && !verdict.ok) return [reply('error', { message: `You may not run this here: ${verdict.reason}` })];
  return [reply('unknown_command', { text: `help ${query}` })];
}
