import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRepo } from '../helpers/git-repo.js';
import { createDeployEnv, pack } from '../helpers/deploy.js';

describe('pack environments during a deploy', () => {
  it('builds a python venv for a pack with requirements.txt, and a failing pip stops only that pack', async () => {
    const repo = await createRepo({
      files: {
        ...pack('py', { extra: { 'packs/py/requirements.txt': '# nothing to install\n' } }),
        ...pack('plain'),
      },
    });
    const env = await createDeployEnv({ demo: { url: repo.url } }, 'envs: {python: venv}\n');
    const first = await env.deploy({ repo: 'demo' });
    expect(first.packs.map((p) => p.status)).toEqual(['deployed', 'deployed']);
    expect(existsSync(path.join(env.config.packs_dir, '.virtualenvs', 'py', 'bin', 'python'))).toBe(true);
    expect(first.stages.env).toBeGreaterThan(0);

    await repo.commit('py needs a package that cannot be installed', {
      ...pack('py', { version: '1.1.0', extra: { 'packs/py/requirements.txt': 'packbot-no-such-package==0.0.1\n' } }),
      ...pack('plain', { version: '1.1.0' }),
    });
    const second = await env.deploy({ repo: 'demo' });
    const py = second.packs.find((p) => p.pack === 'py');
    expect(py?.status).toBe('failed');
    expect(py?.error).toMatch(/pip install failed/);
    expect(second.packs.find((p) => p.pack === 'plain')?.status).toBe('deployed');
    expect((await env.app.services.store.active('py'))?.meta.version).toBe('1.0.0');
  }, 120_000);
});
