/**
 * Ownership checks for the commands that change installed packs. A pack belongs to the
 * source of its active release (domain/permissions/ownership.ts): replacing it (deploy or
 * install, force or not) needs permission on that source as well as on the new one (which
 * the command checked already); rolling it back also needs the source of the release it goes
 * back to; uninstalling it needs every source it keeps a release from. Each refusal is a
 * one-line answer naming who may, recorded as `denied` by the gate.
 */
import { actorOf } from '../chat/actor.js';
import { originKey, originLabel, originOfRelease, sameOrigin, type Origin } from '../../domain/permissions/index.js';
import { pickRelease, type Release } from '../../domain/packstore/index.js';
import type { CommandContext } from './types.js';

/** Names the store can hold (a pack ref); anything else is the deployer's to refuse in its own words. */
const PACK_REF = /^[a-z0-9_]+$/;

/**
 * Checks `packs` (refs) against the packs installed now, for a request whose packs come from
 * `next`; returns what it was permitted to replace (ref → origin key), for the plan to carry.
 */
export async function checkReplacements(ctx: CommandContext, next: Origin, packs: readonly string[]): Promise<Record<string, string>> {
  const permitted: Record<string, string> = {};
  for (const pack of packs.filter((p) => PACK_REF.test(p))) {
    const active = await ctx.services.store.active(pack);
    if (!active) continue;
    const owner = originOfRelease(active.meta, ctx.config);
    if (sameOrigin(owner, next)) continue;
    await ctx.services.permissions.origin(actorOf(ctx.message), 'replace', owner, { pack, command: ctx.alias.command });
    permitted[pack] = originKey(owner);
  }
  return permitted;
}

/** The release a rollback of `pack` would make active: the named one (as the store resolves it), else the one before the active. */
function rollbackTarget(all: readonly Release[], release: string): Release | undefined {
  if (release !== '') {
    const picked = pickRelease(all, release);
    return picked.kind === 'found' ? picked.release : undefined;
  }
  const active = all.findIndex((r) => r.active);
  return active < 0 ? undefined : all[active + 1];
}

/** `pack rollback`: the active release's source, and the source of the release it goes back to. */
export async function checkRollback(ctx: CommandContext, pack: string, release: string): Promise<void> {
  if (!PACK_REF.test(pack)) return;
  const all = await ctx.services.store.releases(pack);
  const active = all.find((r) => r.active);
  const actor = actorOf(ctx.message);
  const command = ctx.alias.command;
  const owner = active ? originOfRelease(active.meta, ctx.config) : null;
  if (owner) await ctx.services.permissions.origin(actor, 'rollback', owner, { pack, command });
  const target = rollbackTarget(all, release);
  if (!target) return;
  const to = originOfRelease(target.meta, ctx.config);
  if (owner && sameOrigin(owner, to)) return;
  await ctx.services.permissions.origin(actor, 'rollback', to, { pack, command, what: `Rolling back ${pack} to a release from ${originLabel(to)}` });
}

/** `pack uninstall`: the active release's source, and every other source it keeps a release from. */
export async function checkUninstall(ctx: CommandContext, packs: readonly string[]): Promise<void> {
  const actor = actorOf(ctx.message);
  const command = ctx.alias.command;
  for (const pack of packs.filter((p) => PACK_REF.test(p))) {
    const all = await ctx.services.store.releases(pack);
    const active = all.find((r) => r.active);
    const owner = active ? originOfRelease(active.meta, ctx.config) : null;
    if (owner) await ctx.services.permissions.origin(actor, 'uninstall', owner, { pack, command });
    const kept = new Map<string, Origin>();
    for (const r of all) {
      const o = originOfRelease(r.meta, ctx.config);
      if (!owner || !sameOrigin(o, owner)) kept.set(originKey(o), o);
    }
    for (const o of kept.values()) {
      await ctx.services.permissions.origin(actor, 'uninstall', o, { pack, command, what: `Uninstalling ${pack} (a release from ${originLabel(o)} is kept)` });
    }
  }
}
