/**
 * What a requirements.txt may ask pip for while source builds are off: named packages (wheels
 * only) and wheels inside the pack. Every way pip has of building or fetching code from
 * elsewhere is refused, naming the line and the opt-in.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMasker } from '../../src/core/masking/masker.js';
import { checkRequirements } from '../../src/domain/packstore/requirements-check.js';

async function check(text: string, secrets: string[] = []): Promise<string | null> {
  const dir = await mkdtemp(path.join(tmpdir(), 'packbot-reqs-'));
  await writeFile(path.join(dir, 'requirements.txt'), text);
  try {
    await checkRequirements('demo', dir, 'requirements.txt', createMasker(secrets));
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('checkRequirements (source builds off)', () => {
  it('takes named packages with versions, extras, markers, hashes and comments, and wheels inside the pack', async () => {
    const ok = [
      '# pinned', 'requests>=2.31,<3', 'urllib3 == 2.0.7  # a comment', 'PyYAML[libyaml]~=6.0',
      'pywinrm; sys_platform == "win32"', 'six==1.16.0 \\', '    --hash=sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254',
      '--prefer-binary', 'wheels/mylib-1.0-py3-none-any.whl',
    ].join('\n');
    expect(await check(ok)).toBeNull();
  });

  it.each([
    ['./builder', /path, a URL or a direct reference/],
    ['file:///tmp/evil', /path, a URL or a direct reference/],
    ['git+https://example.com/evil.git#egg=evil', /path, a URL or a direct reference/],
    ['evil @ https://example.com/evil.tar.gz', /path, a URL or a direct reference/],
    ['-e ./src', /the option -e/],
    ['-r other.txt', /the option -r/],
    ['-c constraints.txt', /the option -c/],
    ['--no-binary :all:', /the option --no-binary/],
    ['--index-url https://evil.example/simple', /the option --index-url/],
    ['--extra-index-url https://evil.example/simple', /the option --extra-index-url/],
    ['--find-links /tmp', /the option --find-links/],
    ['--trusted-host evil.example', /the option --trusted-host/],
    ['requests --config-settings=x=y', /can steer a build/],
    ['../outside-1.0-py3-none-any.whl', /wheel outside the pack/],
    ['${EVIL_URL}', /environment variable/],
  ])('refuses %s, naming the line and the opt-in', async (line, why) => {
    const message = await check(`requests\n${line}\n`);
    expect(message).toMatch(why);
    expect(message).toMatch(/^demo: requirements\.txt line 2 \(.+\) is refused: .*pack_code: \{source_builds: true\}$/);
  });

  it('masks a secret in the line it quotes before cutting it short', async () => {
    const secret = 's3cr3t-index-token-0123456789abcdef';
    const message = await check(`--index-url https://user:${secret}@pypi.internal/simple/${'x'.repeat(100)}\n`, [secret]);
    expect(message).not.toContain(secret.slice(0, 8));
  });
});
