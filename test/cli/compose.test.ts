import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, run, runCli } from '../helpers/cli.js';
import { tempDir, writeConfig } from '../helpers/config.js';

interface Service {
  build?: string;
  image?: string;
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string | null>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  restart?: string;
}

const COMPOSE_CONFIG = path.join(ROOT, 'examples', 'packbot.compose.yaml');

async function compose(): Promise<{ services: Record<string, Service>; volumes: Record<string, unknown> }> {
  return parse(await readFile(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as never;
}

/** The Dockerfile's HEALTHCHECK CMD (its JSON exec form, continuation lines joined). */
async function dockerHealthcheck(): Promise<string[]> {
  const text = (await readFile(path.join(ROOT, 'Dockerfile'), 'utf8')).replace(/\\\n/g, ' ');
  const line = text.split('\n').find((l) => l.startsWith('HEALTHCHECK '));
  const json = /\bCMD\s+(\[.*\])\s*$/.exec(line ?? '')?.[1];
  if (!json) throw new Error(`no HEALTHCHECK ... CMD [...] in the Dockerfile: ${line}`);
  return JSON.parse(json) as string[];
}

// No Docker engine runs here or in CI, so this checks what can be checked without one: the
// compose file's shape and that the config it mounts is valid for the image.
describe('docker-compose.yml', () => {
  it('runs packbot from the Dockerfile against a healthy Redis, with a Redis-mode config that passes `config check`', async () => {
    const { services } = await compose();
    expect(Object.keys(services).sort()).toEqual(['packbot', 'redis', 'stackstorm']);
    const packbot = services['packbot'];
    expect(packbot?.build).toBe('.');
    expect(packbot?.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    expect(packbot?.environment?.['PACKBOT_REDIS_URL']).toBe('redis://redis:6379');
    expect(packbot?.volumes).toContain('${PACKBOT_CONFIG_FILE:-./examples/packbot.compose.yaml}:/etc/packbot/packbot.yaml:ro');
    expect(services['redis']?.image).toMatch(/^redis:7/);

    const r = await runCli(['--config', COMPOSE_CONFIG, 'config', 'check'], {
      env: { PACKBOT_REDIS_URL: 'redis://redis:6379', SLACK_BOT_TOKEN: 'xoxb-compose-check', SLACK_APP_TOKEN: 'xapp-compose-check' },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('shares the packs and virtualenvs volumes with a StackStorm service behind the st2 profile, where the config installs packs', async () => {
    const { services, volumes } = await compose();
    const config = parse(await readFile(COMPOSE_CONFIG, 'utf8')) as { packs_dir: string; envs?: { virtualenvs_dir?: string } };
    // virtualenvs_dir defaults to virtualenvs/ beside packs_dir.
    expect(config.packs_dir).toBe('/opt/stackstorm/packs');
    expect(config.envs?.virtualenvs_dir).toBeUndefined();
    expect(services['packbot']?.volumes).toEqual(expect.arrayContaining(['packs:/opt/stackstorm/packs', 'virtualenvs:/opt/stackstorm/virtualenvs']));
    const st2 = services['stackstorm'];
    expect(st2?.profiles).toEqual(['st2']);
    expect(st2?.volumes).toEqual(['packs:/opt/stackstorm/packs:ro', 'virtualenvs:/opt/stackstorm/virtualenvs']);
    expect(Object.keys(volumes)).toEqual(expect.arrayContaining(['packs', 'virtualenvs']));
  });

  it('does not restart forever, and a missing or empty Slack token exits 1 naming the variable', async () => {
    const { services } = await compose();
    const packbot = services['packbot'];
    expect(packbot?.restart).toBe('on-failure:3');
    // No value: compose passes the host's variable or leaves it unset (not an empty string).
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']) expect(packbot?.environment?.[name]).toBeNull();

    const serve = ['--config', COMPOSE_CONFIG, 'serve'];
    const unset = await run('env', ['-u', 'SLACK_BOT_TOKEN', '-u', 'SLACK_APP_TOKEN', process.execPath, BIN, ...serve], {
      env: { PACKBOT_REDIS_URL: 'redis://127.0.0.1:6379' },
    });
    expect(unset.code).toBe(78);
    expect(unset.stderr).toMatch(/adapters\.slack\.bot_token: environment variable SLACK_BOT_TOKEN is not set$/m);

    // What `SLACK_BOT_TOKEN: ${SLACK_BOT_TOKEN:-}` (this file before) passed.
    const empty = await runCli(serve, { env: { PACKBOT_REDIS_URL: 'redis://127.0.0.1:6379', SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: '' } });
    expect(empty.code).toBe(78);
    expect(empty.stderr).toMatch(/adapters\.slack\.bot_token: .*\(environment variable SLACK_BOT_TOKEN is set but empty\)$/m);
  });

  it('health-checks /healthz of the config\'s server with the image\'s own command, which passes against a running serve', async () => {
    const { services } = await compose();
    const check = await dockerHealthcheck();
    expect(services['packbot']?.healthcheck?.test).toEqual(['CMD', ...check]);
    const config = parse(await readFile(COMPOSE_CONFIG, 'utf8')) as { server?: { host: string; port: number } };
    expect(config.server).toEqual({ host: '0.0.0.0', port: 3000 });
    expect(services['packbot']?.environment?.['PACKBOT_HEALTH_PORT']).toBe(String(config.server?.port));

    // The probe against a real server (on a free port, told by PACKBOT_HEALTH_PORT).
    const dir = await tempDir();
    const file = await writeConfig('log: {level: info}\nserver: {port: 0}\n', dir);
    const child = spawn(process.execPath, [BIN, '--config', file, 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const port = await new Promise<string>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /"url":"http:\/\/127\.0\.0\.1:(\d+)","msg":"HTTP server listening"/.exec(stderr);
        if (m?.[1] && stderr.includes('packbot is running')) resolve(m[1]);
      });
    });
    const [command = '', ...args] = check;
    try {
      const healthy = await run(command === 'node' ? process.execPath : command, args, { env: { PACKBOT_HEALTH_PORT: port } });
      expect(healthy.code).toBe(0);
    } finally {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
    }
    await new Promise((resolve) => child.on('exit', resolve));
    const down = await run(process.execPath, args, { env: { PACKBOT_HEALTH_PORT: port } });
    expect(down.code).toBe(1);
  });
});
