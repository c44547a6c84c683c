import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { registerPacks } from '../../src/deploy/register.js';
import { createMasker, MASK } from '../../src/masking/index.js';
import { PackbotError } from '../../src/errors.js';
import { tempDir } from '../helpers/config.js';
import { testRuntime } from '../helpers/runtime.js';

const keyLines = ['-----BEGIN EC PRIVATE KEY-----', 'MHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49', 'AwEHoUQDQgAEPR3tU2Fta6Ma', 'ZWNyZXQta2V5LWJvZHk=', '-----END EC PRIVATE KEY-----'];

describe('register hook output', () => {
  it('is masked whole before its tail is quoted: a key spanning more lines than the tail still goes', async () => {
    const rt = await testRuntime('state_dir: ./var\n', await tempDir());
    const masker = createMasker(['hook-secret-value-9']);
    const script = `console.log(${JSON.stringify(['registering', ...keyLines, 'using hook-secret-value-9', 'failed'].join('\n'))}); process.exit(2);`;
    const config = { ...rt.config, register: { ...rt.config.register, command: [process.execPath, '-e', script] } };
    const err = await registerPacks(['demo'], { config, masker }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackbotError);
    const message = (err as PackbotError).message;
    expect(message).toContain('exit 2');
    expect(message).toContain(`using ${MASK}`);
    for (const line of keyLines.slice(1, -1)) expect(message).not.toContain(line);
    expect(message).not.toContain('hook-secret-value-9');
  });

  it('an HTTP hook\'s error body is masked whole too', async () => {
    const rt = await testRuntime('state_dir: ./var\n', await tempDir());
    const masker = createMasker();
    const body = ['error', ...keyLines, 'bye'].join('\n');
    const server = createServer((_req, res) => res.writeHead(500).end(body));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const config = { ...rt.config, register: { http: { url: `http://127.0.0.1:${port}/api/v1/packs/register`, headers: {} } } };
    const err = await registerPacks(['demo'], { config, masker }).catch((e: unknown) => e);
    server.close();
    expect((err as PackbotError).message).toContain('answered 500');
    for (const line of keyLines.slice(1, -1)) expect((err as PackbotError).message).not.toContain(line);
  });
});
