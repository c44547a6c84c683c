import { describe, expect, it } from 'vitest';
import { ButtonStyle, ComponentType } from 'discord.js';
import { buttonRows, customId, parseCustomId } from '../../../adapters/discord/components.js';

describe('custom ids', () => {
  it('round-trip an action and its queue entry', () => {
    expect(customId('confirm', '7a014be3')).toBe('packbot:confirm:7a014be3');
    expect(parseCustomId('packbot:cancel:7a014be3')).toEqual({ action: 'cancel', entryId: '7a014be3' });
  });

  it("ignores other apps' ids and unknown actions", () => {
    for (const id of ['other:confirm:1', 'packbot:delete:1', 'packbot:confirm:', 'confirm']) expect(parseCustomId(id)).toBeNull();
  });
});

describe('buttonRows', () => {
  it('makes Confirm primary and Cancel danger, in one action row', () => {
    const rows = buttonRows([
      { action: 'confirm', entryId: 'e1', label: 'Confirm', style: 'primary' },
      { action: 'cancel', entryId: 'e1', label: 'Cancel', style: 'danger' },
    ]);
    expect(rows).toEqual([{ type: ComponentType.ActionRow, components: [
      { type: ComponentType.Button, custom_id: 'packbot:confirm:e1', label: 'Confirm', style: ButtonStyle.Primary },
      { type: ComponentType.Button, custom_id: 'packbot:cancel:e1', label: 'Cancel', style: ButtonStyle.Danger },
    ] }]);
  });

  it('stays within 5 a row, 80-character labels and 100-character ids (a cut id would act on nothing)', () => {
    const rows = buttonRows([
      ...Array.from({ length: 7 }, (_, i) => ({ action: 'confirm' as const, entryId: `e${i}`, label: 'L'.repeat(100), style: 'primary' as const })),
      { action: 'cancel', entryId: 'x'.repeat(100), label: 'Cancel', style: 'danger' },
    ]);
    expect(rows.map((r) => r.components.length)).toEqual([5, 2]);
    const labels = rows.flatMap((r) => r.components.map((c) => ('label' in c ? c.label : '')));
    expect(labels.every((l) => l !== undefined && l.length === 80)).toBe(true);
  });
});
