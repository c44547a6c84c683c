/** A deploy's summary stays short: a few warnings per pack (the rest counted), and the directories skipped as no packs. */
import { describe, expect, it } from 'vitest';
import { detailsView, summaryCard, summaryView } from '../../src/interfaces/presenter/deploy-view.js';
import { createTemplates } from '../../src/interfaces/templates/environment.js';
import type { DeployResult, PackResult } from '../../src/services/deploy/types.js';

const packResult = (pack: string, warnings: string[]): PackResult => ({
  pack, source: pack, status: 'deployed', version: '1.0.0', release: `${pack}-r1`, previous_release: null, components: null, warnings, error: null,
});

function result(packs: PackResult[], notPacks?: string[]): DeployResult {
  return {
    deploy_id: 'ab12cd34', repo: 'demo', branch: 'main', commit: 'abcdef1234567', packs, ...(notPacks ? { not_packs: notPacks } : {}),
    success_count: packs.length, failure_count: 0, duration_ms: 1200, stages: {}, error: null,
  };
}

describe('the deploy summary', () => {
  it('shows three warnings per pack and counts the rest; the details show them all', () => {
    const warnings = ['w1', 'w2', 'w3', 'w4', 'w5'];
    const r = result([packResult('a', warnings), packResult('b', ['only'])]);
    expect(summaryView(r).packs.map((p) => p.warnings)).toEqual([['w1', 'w2', 'w3', '… and 2 more (`packbot validate` lists them all)'], ['only']]);
    expect(detailsView(r).packs[0]?.warnings).toEqual(warnings);
  });

  it('lists directories that are not packs on one line, not as failures', async () => {
    const r = result([packResult('a', [])], ['packs/old', 'packs/docs']);
    const text = (await createTemplates()).render('deploy_summary', 'console', summaryView(r));
    expect(text).toContain(': 1 ok, 0 failed');
    expect(text.split('\n').at(-1)).toBe('– skipped, not a pack (no pack.yaml): packs/old, packs/docs');
    expect(summaryCard(r).fields.at(-1)).toEqual({ label: 'Skipped, not packs', value: 'packs/old, packs/docs' });
    const none = (await createTemplates()).render('deploy_summary', 'console', summaryView(result([packResult('a', [])])));
    expect(none).not.toContain('not a pack');
    expect(summaryCard(result([])).fields.map((f) => f.label)).toEqual(['Repository', 'Branch', 'Commit', 'Packs']);
  });
});
