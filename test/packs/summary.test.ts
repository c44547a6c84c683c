import { describe, expect, it } from 'vitest';
import { diffSummaries, summarizePack, type ContentSummary } from '../../src/domain/packs/index.js';
import { copyDemoPack, writePack } from './fixtures.js';

const summary = (over: Partial<ContentSummary>): ContentSummary => ({
  actions: [], rules: [], sensors: [], aliases: [], policies: [],
  tests: false, requirements: false, packageJson: false, configSchema: false, ...over,
});

describe('summarizePack', () => {
  it('names the content of a real pack, sorted, without extensions', async () => {
    expect(await summarizePack(await copyDemoPack('incident'))).toEqual(summary({
      actions: ['collect_diagnostics', 'open_incident'], rules: ['open_on_endpoint_down'], aliases: ['open_incident'],
    }));
  });

  it('counts top-level .yaml, .yml and .json metadata only, like st2\'s registrars', async () => {
    const dir = await writePack({
      'actions/b.yml': 'name: b\nrunner_type: noop\n',
      'actions/a.json': '{}',
      'actions/workflows/flow.yaml': 'version: 1.0\n',
      'actions/.hidden.yaml': 'x: 1\n',
      'actions/notes.txt': 'hi',
      'policies/retry.yaml': 'x: 1\n',
      'tests/test_x.py': '',
      'requirements.txt': 'requests\n',
      'package.json': '{}',
      'config.schema.yaml': '{}\n',
    });
    expect(await summarizePack(dir)).toEqual(summary({
      actions: ['a', 'b', 'run'], policies: ['retry'], tests: true, requirements: true, packageJson: true, configSchema: true,
    }));
  });
});

describe('diffSummaries', () => {
  it('lists everything as added when there was no previous release', () => {
    const after = summary({ actions: ['a', 'b'], rules: ['r'] });
    expect(diffSummaries(null, after)).toEqual({
      added: { actions: ['a', 'b'], rules: ['r'], sensors: [], aliases: [], policies: [] },
      removed: { actions: [], rules: [], sensors: [], aliases: [], policies: [] },
    });
  });

  it('lists what appeared and what went away, per kind', () => {
    const before = summary({ actions: ['check_http', 'old'], sensors: ['watch'], aliases: ['x'] });
    const after = summary({ actions: ['check_disk', 'check_http'], sensors: ['watch'], policies: ['p'] });
    expect(diffSummaries(before, after)).toEqual({
      added: { actions: ['check_disk'], rules: [], sensors: [], aliases: [], policies: ['p'] },
      removed: { actions: ['old'], rules: [], sensors: [], aliases: ['x'], policies: [] },
    });
  });
});
