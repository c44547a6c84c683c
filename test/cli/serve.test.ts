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

describe('packbot serve with server: set (spawned CLI)', () => {
  it('answers /healthz, /readyz and /metrics over HTTP, and refuses an unsigned webhook', async () => {
    const dir = await tempDir();
    const file = await writeConfig('log: {level: info}\nserver: {port: 0, webhooks: {github: {secret: serve-test-secret}}}\n', dir);
    const child = spawn(process.execPath, [BIN, '--config', file, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve never listened: ${stderr}`)), 20_000);
      child.stderr.on('data', () => {
        const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"HTTP server listening"/.exec(stderr);
        if (m?.[1] && stderr.includes('packbot is running')) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('# TYPE packbot_deploys_total counter');
      const hook = await fetch(`${url}/webhooks/github`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push' }, body: '{}' });
      expect(hook.status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))).toBe(0);
    expect(stderr).toContain('webhooks will deploy, but nobody will be told');
  });
});
