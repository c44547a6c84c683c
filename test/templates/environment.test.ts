import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTemplates } from '../../src/interfaces/templates/environment.js';
import { DEFAULT_TEMPLATES } from '../../src/interfaces/templates/defaults.js';
import { inlineCode } from '../../src/interfaces/templates/helpers.js';

describe('templates', () => {
  it('renders every default template without throwing on an empty view model', async () => {
    const t = await createTemplates();
    for (const name of Object.keys(DEFAULT_TEMPLATES)) expect(typeof t.render(name, 'console', {})).toBe('string');
  });

  it('renders help from a view model, without HTML escaping', async () => {
    const t = await createTemplates();
    const out = t.render('help', 'console', {
      prefix: '!',
      commands: [{ display: 'pack deploy <repo> [packs]', description: 'Deploy packs & more' }],
    });
    expect(out).toContain('`pack deploy <repo> [packs]` — Deploy packs & more');
    expect(out).toContain('`!help <command>`');
  });

  it('prefers a platform variant and falls back to the shared template', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'packbot-tpl-'));
    await writeFile(path.join(dir, 'not_available.slack.hbs'), 'slack: {{display}}');
    await writeFile(path.join(dir, 'error.hbs'), 'custom: {{message}}');
    const t = await createTemplates({ dir });
    expect(t.render('not_available', 'slack', { display: 'pack queue' })).toBe('slack: pack queue');
    expect(t.render('not_available', 'console', { display: 'pack queue' })).toContain('is not available yet');
    expect(t.render('error', 'discord', { message: 'boom' })).toBe('custom: boom');
  });

  it('reports every broken override at once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'packbot-tpl-'));
    await writeFile(path.join(dir, 'help.hbs'), '{{#each commands}}unclosed');
    await writeFile(path.join(dir, 'error.hbs'), '{{#if}}{{/unless}}');
    await expect(createTemplates({ dir })).rejects.toMatchObject({ code: 'config_invalid', details: expect.arrayContaining([expect.stringMatching(/^error: /), expect.stringMatching(/^help: /)]) });
  });

  it('refuses a missing templates directory with a clear error', async () => {
    await expect(createTemplates({ dir: '/nonexistent/packbot-templates' })).rejects.toThrow(/templates\.dir .* cannot be read/);
  });

  it.each([
    ['plain', '`plain`'],
    ['has `tick` inside', '``has `tick` inside``'],
    ['ends in `tick`', '`` ends in `tick` ``'],
    ['`edge', '`` `edge ``'],
  ])('inlineCode(%j) = %j', (input, expected) => {
    expect(inlineCode(input)).toBe(expected);
  });
});
