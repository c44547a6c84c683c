import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { tempDir, writeConfig } from '../helpers/config.js';

describe('packbot serve (spawned CLI)', () => {
  it('keeps running until SIGTERM, then shuts down cleanly with exit 0', async () => {
    const dir = await tempDir();
    const file = await writeConfig('log: {level: info}\n', dir);
    const child = spawn(process.execPath, [BIN, '--config', file, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait until it says it is running, then ask it to stop.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve never said it was running: ${stderr}`)), 20_000);
      child.stderr.on('data', () => {
        if (stderr.includes('packbot is running')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).toContain('shutting down');
  });
});
