/**
 * Buttons on a message and their custom ids. The id carries everything a click needs
 * (`packbot:<action>:<entryId>`), so a click is understood without remembering the prompt:
 * it works after a restart and on any process sharing the store.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIComponentInMessageActionRow } from 'discord.js';
import type { Button, ButtonAction } from '../../src/interfaces/chat/types.js';
import { truncate } from './embeds.js';

const PREFIX = 'packbot';
/** Discord's limits: 5 buttons a row, 5 rows a message, 100 characters a custom id, 80 a label. */
const PER_ROW = 5;
const MAX_ROWS = 5;
const CUSTOM_ID_MAX = 100;
const LABEL_MAX = 80;
const ACTIONS: readonly ButtonAction[] = ['confirm', 'cancel'];

export function customId(action: ButtonAction, entryId: string): string {
  return `${PREFIX}:${action}:${entryId}`;
}

/** The action and entry behind one of our custom ids; null for anyone else's. */
export function parseCustomId(id: string): { action: ButtonAction; entryId: string } | null {
  const m = /^packbot:([a-z]+):(.+)$/.exec(id);
  const action = m?.[1] as ButtonAction | undefined;
  if (!m?.[2] || !action || !ACTIONS.includes(action)) return null;
  return { action, entryId: m[2] };
}

/** Action rows for the buttons; a button whose id would not fit is left out rather than cut (a cut id acts on nothing). */
export function buttonRows(buttons: readonly Button[]): Array<APIActionRowComponent<APIComponentInMessageActionRow>> {
  const components: APIButtonComponentWithCustomId[] = buttons
    .filter((b) => customId(b.action, b.entryId).length <= CUSTOM_ID_MAX)
    .slice(0, PER_ROW * MAX_ROWS)
    .map((b) => ({
      type: ComponentType.Button,
      custom_id: customId(b.action, b.entryId),
      label: truncate(b.label, LABEL_MAX),
      style: b.style === 'danger' ? ButtonStyle.Danger : ButtonStyle.Primary,
    }));
  const rows: Array<APIActionRowComponent<APIComponentInMessageActionRow>> = [];
  for (let i = 0; i < components.length; i += PER_ROW) {
    rows.push({ type: ComponentType.ActionRow, components: components.slice(i, i + PER_ROW) });
  }
  return rows;
}
