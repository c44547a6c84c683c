import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scaled } from '../helpers/budget.js';
import { ROOT, run } from '../helpers/cli.js';

// No container engine runs here or in CI: scripts/image-check.sh checks the Dockerfile's runtime
// stage and deploys a python pack through a production install made the way the image makes it.
describe('scripts/image-check.sh', () => {
  it('finds what the features need in the runtime stage and deploys a python pack with a venv through the production tree', async () => {
    // npm ci and a venv on a loaded machine: a hang guard, not a speed assertion.
    const r = await run('bash', [path.join(ROOT, 'scripts', 'image-check.sh')], { timeoutMs: scaled(240_000) });
    expect(r.stderr).not.toMatch(/FAIL/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: runtime stage installs python3 python3-venv python3-pytest openssh-client git ca-certificates bubblewrap tini$/m);
    expect(r.stdout).toMatch(/^ok: runtime stage runs npm ci --omit=dev --ignore-scripts --no-audit --no-fund \(as this script does\)$/m);
    expect(r.stdout).toMatch(/^ok: HEALTHCHECK probes \/healthz/m);
    expect(r.stdout).toMatch(/^ok: production tree installed in .* \(dev dependencies such as vitest and typescript absent\)$/m);
    expect(r.stdout).toMatch(/^ok: packbot --version: \d+\.\d+\.\d+/m);
    expect(r.stdout).toMatch(/^ok: config check accepts repo: git@github\.com:org\/repo\.git/m);
    expect(r.stdout).toMatch(/^ok: packbot deploy installed pyhello with envs\.python: venv .*bin\/python is a venv\) and its tests passed the gate$/m);
    expect(r.stdout).toMatch(/^not proven here \(no container engine\):/m);
    expect(r.stdout).toMatch(/^image-check: passed in \d+s \(npm ci \d+s, deploy \d+s\)$/m);
  }, scaled(300_000));
});
