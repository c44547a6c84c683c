import { describe, expect, it } from 'vitest';
import { base64Core, createMasker, detectCredential, encodings, MASK } from '../../src/core/masking/index.js';

// Built at run time so this file holds no literal that scanners take for a real token.
const slackBot = ['xoxb', '1234567890', '2345678901', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
const slackUser = ['xoxp', '1234567890', '2345678901', 'abcdef0123456789abcdef'].join('-');
const slackApp = ['xapp', '1', 'A0123456789', '1234567890123', 'abcdef0123456789'].join('-');
const slackOther = ['xoxr', 'abcdef0123456789abcdef'].join('-');
const githubClassic = `ghp_${'A1b2C3d4E5'.repeat(3)}zZzZzZ`;
const githubApp = `ghs_${'Z9y8X7w6V5'.repeat(3)}aAaAaA`;
const githubFine = `github_pat_${'11ABCDEFG0'.repeat(2)}_${'abcdefghij'.repeat(5)}`;
const gitlab = `glpat-${'xY1_zZ2-aB3'.repeat(2)}`;
const discord = ['MTA4NzY1NDMyMTA5ODc2NTQzMg', 'GhIjKl', 'abcdefghijklmnopqrstuvwxyz0123456789AB'].join('.');
const awsKey = `AKIA${'IOSFODNN7EXAMPLE'}`;
const pem = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'Proc-Type: 4,ENCRYPTED',
  'DEK-Info: DES-EDE3-CBC,3F17F5316E2BAC89',
  'MIIEpAIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HC4AWzx1Aa',
  'hEa3kqd7QmFzXzEPzE7ZmGVbAp6bB/qBm6Pz0A==',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

describe('credential shapes (masked without registration)', () => {
  const masker = createMasker();
  it.each([
    ['Slack bot token', `token=${slackBot} ok`, slackBot, `token=${MASK} ok`],
    ['Slack user token', `"${slackUser}"`, slackUser, `"${MASK}"`],
    ['Slack app token', `app ${slackApp}`, slackApp, `app ${MASK}`],
    ['other Slack token', slackOther, slackOther, MASK],
    ['GitHub classic token', `GITHUB_TOKEN=${githubClassic}`, githubClassic, `GITHUB_TOKEN=${MASK}`],
    ['GitHub app token', `x ${githubApp}.`, githubApp, `x ${MASK}.`],
    ['GitHub fine-grained token', githubFine, githubFine, MASK],
    ['GitLab token', `PRIVATE-TOKEN ${gitlab}`, gitlab, `PRIVATE-TOKEN ${MASK}`],
    ['Discord bot token', `DISCORD_TOKEN=${discord}\n`, discord, `DISCORD_TOKEN=${MASK}\n`],
    ['AWS access key id', `aws_access_key_id = ${awsKey}`, awsKey, `aws_access_key_id = ${MASK}`],
    ['Bearer token', 'curl -H "Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl"', 'eyJhbGciOi', 'curl -H "Authorization: Bearer ***"'],
    ['bare Bearer token', 'sent Bearer abc123def456ghi', 'abc123def456ghi', 'sent Bearer ***'],
    ['Basic header', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA', 'Authorization: Basic ***'],
    ['token header', "authorization='token s3cr3tT0ken'", 's3cr3tT0ken', "authorization='token ***'"],
    ['PEM private key', `before\n${pem}\nafter`, 'MIIEpAIBAAKCAQEA', `before\n${MASK}\nafter`],
    ['PKCS#8 key cut off in a log tail', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAAS', 'MIIEvQIBADAN', MASK],
    ['PGP private key block', '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGXyz0123\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----', 'lQOYBGXyz0123', MASK],
    ['URL userinfo', 'fatal: https://bob:hunter2hunter2@git.example.com/r.git', 'hunter2hunter2', 'fatal: https://***@git.example.com/r.git'],
  ])('%s', (_kind, input, secret, expected) => {
    const out = masker.mask(input);
    expect(out).not.toContain(secret);
    expect(out).toBe(expected);
  });

  it.each([
    'Bearer authentication is required.',
    'Basic usage: pack deploy <repo>',
    'the AKIA prefix marks an access key',
    'see https://github.com/org/repo.git and xoxb- tokens',
    '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----',
    'ghp_short',
  ])('leaves ordinary text alone: %j', (text) => {
    expect(masker.mask(text)).toBe(text);
    expect(detectCredential(text)).toBeNull();
  });
});

describe('detectCredential', () => {
  it.each([
    [slackBot, 'slack_bot_token', 'a Slack bot token'],
    [`!pack deploy x ${slackApp}`, 'slack_app_token', 'a Slack app-level token'],
    [githubClassic, 'github_token', 'a GitHub token'],
    [gitlab, 'gitlab_token', 'a GitLab token'],
    [awsKey, 'aws_access_key', 'an AWS access key id'],
    [`here: ${discord}`, 'discord_token', 'a Discord bot token'],
    [pem, 'private_key', 'a private key'],
    ['pack deploy https://bob:pw12345@host/r.git', 'url_credentials', 'a URL with credentials in it'],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'authorization_header', 'an Authorization header'],
  ])('%s → %s', (text, kind, label) => {
    expect(detectCredential(text)).toMatchObject({ kind, label });
  });

  it('does not take a user name alone in a URL for a credential', () => {
    expect(detectCredential('pack deploy ssh://git@github.com/org/repo.git')).toBeNull();
  });

  it('finds a registered secret in any of its forms, and only with the registry', () => {
    const secret = 'plain-looking-passphrase';
    const masker = createMasker([secret]);
    for (const form of [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(`${secret}/`)]) {
      expect(detectCredential(`!help ${form}`, masker)).toMatchObject({ kind: 'registered_secret' });
    }
    expect(detectCredential(`!help ${secret}`)).toBeNull();
    expect(detectCredential('!pack deploy demo', masker)).toBeNull();
  });
});

describe('encodings', () => {
  it('keeps exactly the base64 characters a secret determines at each byte offset', () => {
    const secret = Buffer.from('tok-123456789');
    for (const offset of [0, 1, 2] as const) {
      const core = base64Core(secret, offset);
      expect(core.length).toBeGreaterThanOrEqual(16);
      // Whatever surrounds it, the core appears in the blob's base64.
      for (const [pre, post] of [['', ''], ['x', 'y'], ['ab', 'cdef'], ['\u00ff\u00ff', '\u0000']]) {
        const prefix = Buffer.from('ABC'.slice(0, offset));
        const blob = Buffer.concat([Buffer.from(pre!.repeat(3)), prefix, secret, Buffer.from(post!)]);
        expect(blob.toString('base64')).toContain(core);
      }
    }
  });

  it('masks a token inside a basic-auth header built with any user name', () => {
    const token = 'my-repo-token-0001';
    const masker = createMasker([token]);
    for (const user of ['x', 'ab', 'x-access-token', 'deploy']) {
      const header = `Authorisation: Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
      const out = masker.mask(header);
      expect(out).toContain(MASK);
      // Decoding whatever is left never yields the token.
      const left = out.replace('Authorisation: Basic ', '').split(MASK).join('');
      expect(Buffer.from(left, 'base64').toString('latin1')).not.toContain(token);
    }
  });

  it('covers URL-, form- and JSON-escaped forms, also nested JSON', () => {
    const secret = 'p@ss word/"quoted"\\é';
    const forms = encodings(secret);
    expect(forms).toEqual(expect.arrayContaining([
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%20/g, '+'),
      JSON.stringify(secret).slice(1, -1),
      JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1),
    ]));
    const masker = createMasker([secret]);
    const nested = JSON.stringify({ body: JSON.stringify({ password: secret }) });
    expect(masker.mask(nested)).not.toContain(JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1));
    expect(masker.mask(nested)).not.toContain('p@ss');
    expect(masker.mask(nested)).toContain(MASK);
  });
});

describe('linear time', () => {
  // Correctness, not timing: each of these must simply finish (vitest's timeout catches a hang).
  const MB = 1024 * 1024;
  const hostile: Array<[string, string]> = [
    ['repeated PEM headers without an END', '-----BEGIN RSA PRIVATE KEY-----\n'.repeat(MB / 32)],
    ['almost-a-PEM-label', `-----BEGIN ${'A '.repeat(MB / 2)}`],
    ['a huge Bearer token of letters', `Bearer ${'a'.repeat(MB)}`],
    ['repeated Bearer', 'Bearer '.repeat(MB / 7)],
    ['repeated Authorization:', 'Authorization:'.repeat(MB / 14)],
    ['schemes without userinfo', 'a://'.repeat(MB / 4)],
    ['userinfo without @', `https://${'u:p'.repeat(MB / 3)}`],
    ['long word of token characters', 'ghp_'.repeat(MB / 4)],
    ['xoxb prefixes', 'xoxb-'.repeat(MB / 5)],
    ['AKIA run', 'AKIA'.repeat(MB / 4)],
    ['dashes', '-'.repeat(MB)],
    ['Discord token heads without a signature', ' MTA4NzY1NDMyMTA5ODc2NTQzMg.GhIjKl.'.repeat(MB / 35)],
  ];
  it.each(hostile)('masks 1 MB of %s', (_what, text) => {
    const masker = createMasker(['registered-secret-1', 'another:secret/2']);
    const out = masker.mask(text);
    expect(typeof out).toBe('string');
    expect(out.length).toBeLessThanOrEqual(text.length);
    const stream = masker.stream();
    let streamed = '';
    for (let i = 0; i < text.length; i += 65_536) streamed += stream.push(text.slice(i, i + 65_536));
    streamed += stream.end();
    expect(streamed).toBe(out);
    expect(masker.detect(text) === null || typeof masker.detect(text)?.kind === 'string').toBe(true);
  });
});
