import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

// No Docker engine runs here or in CI, so this checks what can be checked without one: the
// compose file's shape and that the config it mounts is valid for the image.
describe('docker-compose.yml', () => {
  it('runs packbot from the Dockerfile against a healthy Redis, with a Redis-mode config that passes `config check`', async () => {
    const compose = parse(await readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { build?: string; image?: string; depends_on?: Record<string, { condition: string }>; environment?: Record<string, string>; volumes?: string[] }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['packbot', 'redis']);
    const packbot = compose.services['packbot'];
    expect(packbot?.build).toBe('.');
    expect(packbot?.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    expect(packbot?.environment?.['PACKBOT_REDIS_URL']).toBe('redis://redis:6379');
    expect(packbot?.volumes).toContain('${PACKBOT_CONFIG_FILE:-./examples/packbot.compose.yaml}:/etc/packbot/packbot.yaml:ro');
    expect(compose.services['redis']?.image).toMatch(/^redis:7/);

    const r = await runCli(['--config', path.join(ROOT, 'examples', 'packbot.compose.yaml'), 'config', 'check'], {
      env: { PACKBOT_REDIS_URL: 'redis://redis:6379', SLACK_BOT_TOKEN: 'xoxb-compose-check', SLACK_APP_TOKEN: 'xapp-compose-check' },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
