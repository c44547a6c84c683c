import { once } from 'node:events';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMasker, MASK, maskedLines, maskingTransform } from '../../src/core/masking/index.js';
import { runTool } from '../../src/domain/packstore/tool.js';
import { PackbotError } from '../../src/core/errors.js';

const secret = 'split-me-across-chunks-42';
const pem = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ', 'AAAAAAABAAAAMwAAAAtzc2gtZW', '-----END OPENSSH PRIVATE KEY-----'].join('\n');

function streamed(masker: ReturnType<typeof createMasker>, chunks: string[]): string {
  const s = masker.stream();
  return chunks.map((c) => s.push(c)).join('') + s.end();
}

describe('streaming masker', () => {
  it('masks a registered secret split at every position, one character per chunk too', () => {
    const masker = createMasker([secret]);
    const text = `before ${secret} middle ${Buffer.from(secret).toString('base64')} after\n`;
    for (let cut = 1; cut < text.length; cut++) {
      const out = streamed(masker, [text.slice(0, cut), text.slice(cut)]);
      expect(out).toBe(masker.mask(text));
      expect(out).not.toContain(secret);
    }
    expect(streamed(masker, [...text])).toBe(masker.mask(text));
  });

  it('gives the whole-text result one character at a time, with patterns that look behind and ahead', () => {
    const masker = createMasker([secret]);
    // Longer than the hold, so the stream emits (and cuts) mid-text at every position.
    const lead = 'ordinary words '.repeat(700);
    const tricky = `ghp_${'A'.repeat(255)}AKIA${'E'.repeat(16)} ghp_${'A'.repeat(30)}AKIA${'B'.repeat(16)} xAKIA${'C'.repeat(16)} AKIA${'D'.repeat(16)}x ${secret}Bearer 1234abcd aBearer 1234abcd`;
    const text = `${lead}${tricky}\n${pem}\n${tricky}${lead}`;
    const s = masker.stream({ minAdvance: 0 });
    let out = '';
    for (const c of text) out += s.push(c);
    out += s.end();
    expect(out).toBe(masker.mask(text));
    expect(out).toContain(`xAKIA${'C'.repeat(16)}`);
    expect(out).not.toContain(`AKIA${'B'.repeat(16)}`);
  });

  it('masks a PEM key that arrives line by line', () => {
    const masker = createMasker();
    const out = streamed(masker, `log start\n${pem}\nlog end\n`.split(/(?<=\n)/));
    expect(out).toBe(`log start\n${MASK}\nlog end\n`);
  });

  it('holds back only a bounded tail and emits the rest before the end', () => {
    const masker = createMasker([secret]);
    const s = masker.stream();
    let out = '';
    for (let i = 0; i < 2000; i++) out += s.push(`line ${i} of ordinary output\n`);
    expect(out.length).toBeGreaterThan(20_000);
    out += s.end();
    expect(out.split('\n')).toHaveLength(2001);
  });

  it('as a Transform: bytes in any chunking, a multi-byte character split too', async () => {
    const masker = createMasker(['pässwörd-ünïcode']);
    const bytes = Buffer.from(`a pässwörd-ünïcode b ${pem} c`);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) => bytes.subarray(i * 3, i * 3 + 3));
    const transform = maskingTransform(masker);
    let out = '';
    transform.on('data', (d: Buffer | string) => (out += d.toString()));
    Readable.from(chunks).pipe(transform);
    await once(transform, 'end');
    expect(out).toBe(`a ${MASK} b ${MASK} c`);
  });

  it('maskedLines hands on whole masked lines, the last one at the end', () => {
    const masker = createMasker([secret]);
    const lines: string[] = [];
    const sink = maskedLines(masker, (l) => lines.push(l));
    sink.write(`one ${secret.slice(0, 5)}`);
    sink.write(`${secret.slice(5)} two\r\nthree`);
    sink.end();
    sink.end();
    expect(lines).toEqual([`one ${MASK} two`, 'three']);
  });
});

describe('child-process output (runTool: pip, npm, python)', () => {
  const script = (body: string) => ['-e', body];
  const base = { pack: 'demo', label: 'test tool', file: process.execPath, cwd: process.cwd(), timeoutMs: 20_000 };

  it('masks a secret the child writes in pieces and a PEM key across lines, in what it returns and streams', async () => {
    const masker = createMasker([secret]);
    const seen: string[] = [];
    const body = `
      const parts = ${JSON.stringify([secret.slice(0, 7), secret.slice(7), '\n', ...pem.split(/(?<=\n)/), '\ndone\n'])};
      (async () => { for (const p of parts) { process.stdout.write(p); await new Promise((r) => setTimeout(r, 5)); } })();`;
    const lines = await runTool({ ...base, args: script(body), masker, onOutput: (l) => seen.push(l) });
    expect(lines).toEqual([MASK, MASK, 'done']);
    expect(seen).toEqual(lines);
  });

  it('masks the output quoted in the error of a failing tool', async () => {
    const masker = createMasker([secret]);
    const body = `process.stderr.write(${JSON.stringify(`${pem}\nERROR: auth with ${secret} failed\n`)}); process.exit(3);`;
    const err = await runTool({ ...base, args: script(body), masker }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackbotError);
    const message = (err as PackbotError).message;
    expect(message).toContain('exit 3');
    expect(message).toContain(`ERROR: auth with ${MASK} failed`);
    expect(message).not.toContain(secret);
    expect(message).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
  });
});
