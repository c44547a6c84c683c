import { describe, expect, it } from 'vitest';
import { processAlive } from '../../src/core/process-alive.js';

describe('processAlive', () => {
  it('knows this process and init (alive even when not ours to signal)', () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(1)).toBe(true);
  });

  it('knows a pid above any the kernel hands out is no process', () => {
    expect(processAlive(2 ** 22 + 1)).toBe(false);
  });
});
