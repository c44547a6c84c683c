import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepo, listFiles } from '../helpers/git-repo.js';
import { createDeployEnv, pack } from '../helpers/deploy.js';

async function setup() {
  const repo = await createRepo({ files: pack('alpha') });
  const env = await createDeployEnv({ demo: { url: repo.url } });
  const marker = path.join(env.root, 'pwned');
  return { repo, env, marker };
}

const hostile = (marker: string) => [
  `--upload-pack=touch ${marker}`,
  `-u touch ${marker}`,
  `ext::sh -c touch% ${marker}`,
  '-c protocol.ext.allow=always',
  '../../etc',
];

async function mirrors(stateDir: string): Promise<string[]> {
  return readdir(path.join(stateDir, 'mirrors')).catch(() => []);
}

describe('hostile deploy requests', () => {
  it.each(['repo', 'ref', 'packs'] as const)('rejects hostile values as %s with a clear error and no side effect', async (field) => {
    const { env, marker } = await setup();
    for (const value of hostile(marker)) {
      const result = await env.deploy({ repo: 'demo', [field]: value });
      expect(result.error, `${field}=${value}`).toMatch(/Unknown repository|Invalid pack name|not a valid|invalid|must not/i);
      expect(result.error).not.toMatch(/\n\s+at /);
      expect(result.packs).toEqual([]);
    }
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(path.join(env.config.packs_dir, 'alpha'))).toBe(false);
    // Rejected before anything is fetched: not even a mirror exists.
    expect(await mirrors(env.config.state_dir)).toEqual([]);
  });

  it.each([
    ['a symlink to /etc/passwd', { 'packs/evil/actions/passwd': { symlink: '/etc/passwd' } }],
    ['a symlink up -> ../..', { 'packs/evil/up': { symlink: '../..' } }],
  ])('refuses a pack containing %s, writing nothing outside staging', async (_what, extra) => {
    const repo = await createRepo({ files: { ...pack('good'), ...pack('evil'), ...extra } });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const result = await env.deploy({ repo: 'demo' });
    const evil = result.packs.find((p) => p.source === 'evil');
    expect(evil?.status).toBe('failed');
    expect(evil?.error).toMatch(/symlink/i);
    expect(result.packs.find((p) => p.source === 'good')?.status).toBe('deployed');
    expect(existsSync(path.join(env.config.packs_dir, 'evil'))).toBe(false);
    const files = await listFiles(env.root);
    expect(files.filter((f) => f.includes('evil'))).toEqual([]);
    expect(await readdir(path.join(env.config.state_dir, 'staging'))).toEqual([]);
  });
});
