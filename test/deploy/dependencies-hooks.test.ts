import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepo } from '../helpers/git-repo.js';
import { createDeployEnv, pack } from '../helpers/deploy.js';
import type { ProgressEvent } from '../../src/services/deploy/stage-clock.js';

describe('dependencies in a deploy', () => {
  it('installs in dependency order', async () => {
    const repo = await createRepo({
      files: { ...pack('app', { dependencies: ['lib'] }), ...pack('lib', { dependencies: ['base>=1.0.0'] }), ...pack('base') },
    });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const events: ProgressEvent[] = [];
    const result = await env.app.deployer.run({ repo: 'demo', packs: 'app,lib,base', requestedBy: 'console:alice' }, (e) => events.push(e));
    expect(result.failure_count).toBe(0);
    const installs = events.filter((e) => e.stage === 'install' && e.status === 'done').map((e) => e.pack);
    expect(installs).toEqual(['base', 'lib', 'app']);
  });

  it('accepts a dependency that is already installed', async () => {
    const repo = await createRepo({ files: { ...pack('app', { dependencies: ['lib=1.0.0'] }), ...pack('lib') } });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    await env.deploy({ repo: 'demo', packs: 'lib' });
    expect((await env.deploy({ repo: 'demo', packs: 'app' })).packs[0]?.status).toBe('deployed');
  });

  it('refuses an upgrade that would break an installed pack depending on it', async () => {
    const repo = await createRepo({ files: { ...pack('app', { dependencies: ['lib=1.0.0'] }), ...pack('lib') } });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    await env.deploy({ repo: 'demo', packs: 'lib,app' });
    await repo.commit('lib 2', pack('lib', { version: '2.0.0' }));
    const result = await env.deploy({ repo: 'demo', packs: 'lib' });
    expect(result.packs[0]).toMatchObject({ status: 'failed' });
    expect(result.packs[0]?.error).toMatch(/app/);
    expect((await env.app.services.store.active('lib'))?.meta.version).toBe('1.0.0');
  });

  it.each([
    ['missing', { ...pack('app', { dependencies: ['lib'] }) }, 'app', /lib/],
    ['conflict', { ...pack('app', { dependencies: ['lib=2.0.0'] }), ...pack('lib') }, 'app,lib', /2\.0\.0/],
    ['cycle', { ...pack('one', { dependencies: ['two'] }), ...pack('two', { dependencies: ['one'] }) }, 'one,two', /one.*two.*one|two.*one.*two/],
  ])('reports a %s before anything is installed', async (_kind, files, packs, message) => {
    const repo = await createRepo({ files });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const result = await env.deploy({ repo: 'demo', packs });
    expect(result.success_count).toBe(0);
    for (const p of result.packs) {
      expect(p.status).toBe('failed');
      expect(p.error).toMatch(message);
    }
    expect(existsSync(path.join(env.config.packs_dir, '.releases'))).toBe(false);
  });
});

describe('registration hooks', () => {
  it('runs the register command with the deployed refs', async () => {
    const repo = await createRepo({ files: { ...pack('alpha'), ...pack('beta') } });
    const out = path.join(repo.dir, '..', 'registered.txt');
    const script = `require('fs').writeFileSync(${JSON.stringify(out)}, process.argv[1])`;
    const withHook = await createDeployEnv({ demo: { url: repo.url } }, `register: {command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(script)}, "{packs}"]}\n`);
    const result = await withHook.deploy({ repo: 'demo' });
    expect(result.failure_count).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('alpha,beta');
  });

  it('rolls the packs back to their previous release when the hook fails, and removes first installs', async () => {
    const repo = await createRepo({ files: pack('alpha') });
    const flag = path.join(repo.dir, '..', 'fail-now');
    const script = `process.exit(require('fs').existsSync(${JSON.stringify(flag)}) ? 3 : 0)`;
    const env = await createDeployEnv({ demo: { url: repo.url } }, `register: {command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(script)}]}\n`);
    const first = await env.deploy({ repo: 'demo' });
    expect(first.packs[0]?.status).toBe('deployed');
    await repo.commit('alpha 2', pack('alpha', { version: '2.0.0' }));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(flag, '');
    const second = await env.deploy({ repo: 'demo' });
    expect(second.packs[0]?.status).toBe('rolled_back');
    expect(second.packs[0]?.error).toMatch(/register command .* failed \(exit 3\).*rolled back to/);
    expect((await env.app.services.store.active('alpha'))?.release).toBe(first.packs[0]?.release);

    const fresh = await createRepo({ files: pack('gamma') });
    const env2 = await createDeployEnv({ other: { url: fresh.url } }, `register: {command: [${JSON.stringify(process.execPath)}, "-e", "process.exit(1)"]}\n`);
    const r = await env2.deploy({ repo: 'other' });
    expect(r.packs[0]?.status).toBe('rolled_back');
    expect(r.packs[0]?.error).toMatch(/removed again/);
    expect(await env2.app.services.store.active('gamma')).toBeNull();
  });
});

describe('HTTP registration hook', () => {
  it("POSTs StackStorm's register body with the configured headers, and a non-2xx answer rolls back", async () => {
    const { createServer } = await import('node:http');
    const seen: Array<{ headers: Record<string, unknown>; body: string }> = [];
    let status = 200;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{}' : '{"faultstring": "registration exploded"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const repo = await createRepo({ files: pack('alpha') });
      const key = 'st2-api-key-0123456789abcdef';
      const env = await createDeployEnv({ demo: { url: repo.url } },
        `register: {http: {url: "http://127.0.0.1:${port}/api/v1/packs/register", headers: {St2-Api-Key: "${key}"}}}\n`);
      const first = await env.deploy({ repo: 'demo' });
      expect(first.packs[0]?.status).toBe('deployed');
      expect(seen[0]?.headers['st2-api-key']).toBe(key);
      expect(JSON.parse(seen[0]?.body ?? '{}')).toEqual({ packs: ['alpha'], fail_on_failure: true });

      status = 500;
      await repo.commit('alpha 2', pack('alpha', { version: '2.0.0' }));
      const second = await env.deploy({ repo: 'demo' });
      expect(second.packs[0]?.status).toBe('rolled_back');
      expect(second.packs[0]?.error).toMatch(/answered 500: .*registration exploded.*rolled back to/);
      expect((await env.app.services.store.active('alpha'))?.meta.version).toBe('1.0.0');
      expect(env.logs()).not.toContain(key);
    } finally {
      server.close();
    }
  });
});
