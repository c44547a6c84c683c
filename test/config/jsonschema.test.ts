import { describe, expect, it } from 'vitest';
import { configJsonSchema, parseDuration } from '../../src/domain/config/index.js';

// The schema is untyped JSON; `any` keeps the property walks readable.
type Json = Record<string, any>;

describe('configJsonSchema', () => {
  const schema = configJsonSchema() as Json;

  it('describes the file as a strict object with repositories', () => {
    expect(schema['type']).toBe('object');
    expect(schema['additionalProperties']).toBe(false);
    expect(schema['properties']['repositories']).toBeTypeOf('object');
    const repo = schema['properties']['repositories']['additionalProperties'];
    expect(repo['required']).toEqual(['repo']);
    expect(repo['properties']['branch']['default']).toBe('master');
  });

  it('shows durations as strings with a pattern that agrees with parseDuration', () => {
    const revert = schema['properties']['locks']['properties']['revert_after'];
    expect(revert['type']).toBe('string');
    expect(revert['default']).toBe('1h');
    const pattern = new RegExp(revert['pattern']);
    for (const ok of ['90s', '1h30m', '500ms']) {
      expect(pattern.test(ok)).toBe(true);
      expect(parseDuration(ok)).toBeGreaterThan(0);
    }
    for (const bad of ['90', '1h ', 'soon']) expect(pattern.test(bad)).toBe(false);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});
