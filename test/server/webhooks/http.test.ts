import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheus, sample } from '../../helpers/prometheus.js';
import { startLiveBot, type LiveBot } from '../../helpers/live-bot.js';
import { bitbucketPush, deliver, githubPush, gitlabPush, type Signed } from '../../helpers/webhooks.js';
import { createRepo, type GitRepo } from '../../helpers/git-repo.js';
import { pack } from '../../helpers/deploy.js';

const GH = 'gh-secret-for-http-test-71';
const BB = 'bb-secret-for-http-test-72';
const GL = 'gl-token-for-http-test-73';
const SIGNING_KEY = Buffer.from('gitlab-signing-key-bytes-74');
const GL_SIGNING = `whsec_${SIGNING_KEY.toString('base64')}`;

/** A push for a repository packbot does not know: verified, read, and nothing deployed. */
const elsewhere = { url: 'https://github.com/someone/else.git', branch: 'main', before: 'a'.repeat(40), after: 'b'.repeat(40) };

function withHeader(d: Signed, name: string, value: string | null): Signed {
  const headers = { ...d.headers };
  if (value === null) delete headers[name];
  else headers[name] = value;
  return { ...d, headers };
}

/** GitLab's signing-token scheme (Standard Webhooks): v1,base64(HMAC(id.timestamp.body)). */
function gitlabSigned(d: Signed, at = Math.floor(Date.now() / 1000)): Signed {
  const id = randomUUID();
  const mac = createHmac('sha256', SIGNING_KEY).update(`${id}.${at}.${d.body}`).digest('base64');
  return { ...d, headers: { ...d.headers, 'webhook-id': id, 'webhook-timestamp': String(at), 'webhook-signature': `v1,${mac}` } };
}

describe('the webhook endpoints over real HTTP', () => {
  let bot: LiveBot;
  let base: string;
  let repo: GitRepo;

  beforeAll(async () => {
    repo = await createRepo({ files: pack('alpha') });
    bot = await startLiveBot([
      'state_dir: ./var',
      'server:',
      '  port: 0',
      '  body_limit: 65536',
      `  webhooks: {github: {secret: ${GH}}, bitbucket: {secret: ${BB}}, gitlab: {token: ${GL}, signing_secret: "${GL_SIGNING}"}}`,
      'repositories:',
      `  demo: {repo: ${JSON.stringify(repo.url)}, branch: main, notify_channel: ops}`,
    ].join('\n'));
    base = bot.app.httpUrl() ?? '';
  });
  afterAll(async () => bot?.stop());

  it('accepts a validly signed delivery from each provider', async () => {
    const gh = await deliver(base, 'github', githubPush(elsewhere, GH));
    expect(gh).toMatchObject({ status: 202, json: { status: 'accepted', results: [] } });
    const bb = await deliver(base, 'bitbucket', bitbucketPush({ ...elsewhere, fullName: 'someone/else' }, BB));
    expect(bb).toMatchObject({ status: 202, json: { status: 'accepted', results: [] } });
    const gl = await deliver(base, 'gitlab', gitlabSigned(gitlabPush(elsewhere, GL)));
    expect(gl).toMatchObject({ status: 202, json: { status: 'accepted', results: [] } });
    // Another body: one already taken is answered "duplicate" whatever its delivery id.
    const ping = await deliver(base, 'github', githubPush({ ...elsewhere, after: 'c'.repeat(40) }, GH, { event: 'ping' }));
    expect(ping).toMatchObject({ status: 200, json: { status: 'pong' } });
  });

  it('refuses every forged or damaged GitHub signature with 401, naming nothing', async () => {
    const good = githubPush(elsewhere, GH);
    const sig = good.headers['x-hub-signature-256']!;
    const flipped = { ...good, body: good.body.replace('refs/heads/main', 'refs/heads/mair') };
    const forged: Array<[string, Signed]> = [
      ['a flipped byte', flipped],
      ['a wrong prefix', withHeader(good, 'x-hub-signature-256', sig.replace('sha256=', 'sha1='))],
      ['upper-case hex', withHeader(good, 'x-hub-signature-256', `sha256=${sig.slice(7).toUpperCase()}`)],
      ['a missing header', withHeader(good, 'x-hub-signature-256', null)],
      ['a re-serialised body', { ...good, body: JSON.stringify(JSON.parse(good.body), null, 2) }],
      ['a wrong-length signature', withHeader(good, 'x-hub-signature-256', sig.slice(0, -2))],
      ['another secret', githubPush(elsewhere, 'not-the-secret')],
    ];
    for (const [what, d] of forged) {
      const res = await deliver(base, 'github', d);
      expect({ what, status: res.status, json: res.json }).toEqual({ what, status: 401, json: { error: 'unauthorized' } });
    }
    const logs = bot.logs();
    expect(logs).toContain('webhook refused');
    expect(logs).not.toContain(sig.slice(7));
    expect(logs).not.toContain(GH);
  });

  it('refuses forged Bitbucket and GitLab deliveries', async () => {
    const bb = bitbucketPush({ ...elsewhere, fullName: 'someone/else' }, BB);
    expect((await deliver(base, 'bitbucket', { ...bb, body: bb.body.replace('main', 'mair') })).status).toBe(401);
    expect((await deliver(base, 'bitbucket', withHeader(bb, 'x-hub-signature', null))).status).toBe(401);
    const gl = gitlabPush(elsewhere, GL);
    // Both are configured, so both must hold: the token alone, or a wrong token, is refused.
    expect((await deliver(base, 'gitlab', gl)).status).toBe(401);
    expect((await deliver(base, 'gitlab', gitlabSigned(withHeader(gl, 'x-gitlab-token', 'wrong')))).status).toBe(401);
    expect((await deliver(base, 'gitlab', gitlabSigned(gl, Math.floor(Date.now() / 1000) - 3600))).status).toBe(401);
  });

  it('takes a replayed delivery once', async () => {
    const d = githubPush({ ...elsewhere, after: 'd'.repeat(40) }, GH, { delivery: 'replayed-delivery-1' });
    expect((await deliver(base, 'github', d)).status).toBe(202);
    const again = await deliver(base, 'github', d);
    expect(again).toMatchObject({ status: 200, json: { status: 'duplicate', delivery: 'replayed-delivery-1' } });
  });

  it('answers 404 for a provider without a secret and 413 for a body over the limit, before reading it', async () => {
    const res = await fetch(`${base}/webhooks/gitea`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    const huge = githubPush({ ...elsewhere }, GH);
    const big = { ...huge, body: JSON.stringify({ ...JSON.parse(huge.body), padding: 'x'.repeat(70_000) }) };
    expect((await deliver(base, 'github', big)).status).toBe(413);
  });

  it('a signed but malformed push is a 400 naming the field', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', before: 'nope' });
    const d: Signed = { body, headers: { ...githubPush(elsewhere, GH).headers, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${createHmac('sha256', GH).update(body).digest('hex')}` } };
    const res = await deliver(base, 'github', d);
    expect(res.status).toBe(400);
    expect(String(res.json['error'])).toMatch(/before/);
  });

  it('/healthz, /readyz and /metrics answer; the counters move', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, store: 'ok', adapters: { console: true } });

    const scrape = async () => parsePrometheus(await (await fetch(`${base}/metrics`)).text());
    const before = await scrape();
    const deploys = (s: ReturnType<typeof parsePrometheus>) => sample(s, 'packbot_deploys_total', { result: 'success', repo: 'demo' }) ?? 0;
    const commands = (s: ReturnType<typeof parsePrometheus>) => sample(s, 'packbot_commands_total', { command: 'pack_deploy', outcome: 'ok' }) ?? 0;
    expect(sample(before, 'packbot_webhook_deliveries_total', { provider: 'github', result: 'unauthorized' })).toBeGreaterThanOrEqual(7);
    expect(sample(before, 'packbot_webhook_deliveries_total', { provider: 'github', result: 'deduplicated' })).toBeGreaterThanOrEqual(1);
    expect(sample(before, 'packbot_webhook_deliveries_total', { provider: 'gitlab', result: 'accepted' })).toBeGreaterThanOrEqual(1);

    bot.say('@alice #general !pack deploy demo alpha');
    await bot.waitFor((m) => /1 ok, 0 failed/.test(m.text));
    await bot.app.services.coordinator.settled();
    const after = await scrape();
    expect(deploys(after)).toBe(deploys(before) + 1);
    expect(commands(after)).toBe(commands(before) + 1);
    expect(sample(after, 'packbot_deploy_stage_duration_seconds_count', { stage: 'fetch' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'packbot_queue_entries', { state: 'running' })).toBe(0);
    expect(sample(after, 'packbot_locks_held')).toBe(0);
    expect(sample(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
