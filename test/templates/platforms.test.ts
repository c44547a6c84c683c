import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTemplates, plainView } from '../../src/interfaces/templates/environment.js';
import { createResponder } from '../../src/interfaces/chat/responder.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { reply } from '../../src/interfaces/chat/reply.js';

const PROMPT = { phrase: 'alas! ear wax!', packs: 'docker', repo: 'st2contrib', branch: 'feature-x', timeout: '5m', id: 'ab12cd34', prefix: '!' };

describe('templates per platform', () => {
  it('writes bold the way each platform reads it, in the same view model', async () => {
    const t = await createTemplates();
    expect(t.render('confirm_prompt', 'console', PROMPT)).toBe(
      'Say _alas! ear wax!_ to complete your deployment of *docker* from *st2contrib* branch _feature-x_ (within 5m; `!pack cancel ab12cd34` withdraws it).',
    );
    expect(t.render('confirm_prompt', 'slack', PROMPT)).toContain('of *docker* from *st2contrib* branch _feature-x_');
    expect(t.render('confirm_prompt', 'discord', PROMPT)).toContain('of **docker** from **st2contrib** branch _feature-x_');
  });

  it('offers helpers for mentions, durations and relative times, and @platform', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'packbot-tpl-'));
    await writeFile(path.join(dir, 'probe.hbs'), '{{mention user}} on {{@platform}}: took {{timespan ms}}, {{timeago at}}, {{code name}}');
    const t = await createTemplates({ dir });
    const at = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const view = { user: 'U024BE7LH', ms: 95_000, at, name: 'docker' };
    // A mention is a mark the responder resolves per adapter; rendered without one (the CLI), it reads `@id`.
    const responder = createResponder({ templates: t, masker: createMasker([]), globals: {} });
    expect(responder.render('console', reply('probe', view))).toBe('@U024BE7LH on console: took 1m 35s, 3h ago, `docker`');
    for (const platform of ['slack', 'discord']) {
      const sent: Array<{ text: string }> = [];
      const adapter = {
        platform, limits: { maxMessageLength: 3000, maxMessagesPerReply: 5 }, mentionTokens: () => [],
        start: async () => undefined, stop: async () => undefined, update: async () => undefined,
        send: async (m: { text: string }) => (sent.push(m), { channel: 'c', id: '1' }),
        person: async (id: string, how: string) => (how === 'mention' ? `<@${id}>` : null),
      };
      await responder.send(adapter, { platform, channel: 'C1' }, reply('probe', view));
      expect(sent.map((m) => m.text)).toEqual([`<@U024BE7LH> on ${platform}: took 1m 35s, 3h ago, \`docker\``]);
    }
  });

  it('a platform variant overrides one platform only; the others keep the default', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'packbot-tpl-'));
    await writeFile(path.join(dir, 'confirm_prompt.discord.hbs'), 'Type **{{phrase}}** to ship {{bold packs}}.');
    const t = await createTemplates({ dir });
    expect(t.render('confirm_prompt', 'discord', PROMPT)).toBe('Type **alas! ear wax!** to ship **docker**.');
    expect(t.render('confirm_prompt', 'slack', PROMPT)).toMatch(/^Say _alas! ear wax!_/);
  });

  it('templates see plain values only: no functions, no objects with behaviour, no prototype walking', async () => {
    class Client {
      token = 'xoxb-secret-token';
      get hidden() {
        return 'getter';
      }
      call() {
        return 'called';
      }
    }
    expect(plainView({ a: 1, when: new Date(0), fn: () => 1, nested: { n: 2n } })).toEqual({ a: 1, when: '1970-01-01T00:00:00.000Z', nested: { n: '2' } });
    const dir = await mkdtemp(path.join(tmpdir(), 'packbot-tpl-'));
    await writeFile(path.join(dir, 'sneaky.hbs'), '[{{client.call}}][{{client.hidden}}][{{constructor.name}}][{{client.constructor}}][{{client.token}}]');
    const t = await createTemplates({ dir });
    const masker = createMasker(['xoxb-secret-token']);
    const responder = createResponder({ templates: t, masker, globals: {} });
    // Even a value that was passed is masked on the way out.
    expect(responder.render('console', reply('sneaky', { client: new Client() }))).toBe('[][][][][***]');
  });

  it('masks card titles and field values like the text', async () => {
    const t = await createTemplates();
    const masker = createMasker(['s3cr3t-value']);
    const sent: unknown[] = [];
    const adapter = {
      platform: 'slack', limits: { maxMessageLength: 3000, maxMessagesPerReply: 5 }, mentionTokens: () => [],
      start: async () => undefined, stop: async () => undefined, update: async () => undefined,
      send: async (m: unknown) => (sent.push(m), { channel: 'c', id: '1' }),
    };
    const responder = createResponder({ templates: t, masker, globals: {} });
    await responder.send(adapter, { platform: 'slack', channel: 'C1', user: 'U1' }, reply('error', { message: 'boom s3cr3t-value' }, {
      mention: true, card: { tone: 'failure', title: 'failed with s3cr3t-value', fields: [{ label: 'Repo', value: 'https://x:s3cr3t-value@h/r.git' }] },
      buttons: [{ action: 'cancel', entryId: 'e1', label: 'Cancel', style: 'danger' }],
    }));
    expect(JSON.stringify(sent)).not.toContain('s3cr3t-value');
    expect(sent).toEqual([expect.objectContaining({ channel: 'C1', mentions: ['U1'], card: expect.objectContaining({ tone: 'failure' }), buttons: [expect.objectContaining({ entryId: 'e1' })] })]);
  });
});

describe('helper names', () => {
  it('never shadow a view-model key: no default template uses a helper bare, as if it were data', async () => {
    const { DEFAULT_TEMPLATES } = await import('../../src/interfaces/templates/defaults.js');
    const { DEPLOY_TEMPLATES } = await import('../../src/interfaces/templates/deploy.js');
    const { COORD_TEMPLATES } = await import('../../src/interfaces/templates/coord.js');
    const { NOTIFY_TEMPLATES } = await import('../../src/interfaces/templates/notify.js');
    const { PLAN_TEMPLATES } = await import('../../src/interfaces/templates/plan.js');
    const helpers = ['bold', 'mention', 'person', 'timespan', 'timeago', 'code', 'plural', 'join', 'concat'];
    const bare = Object.entries({ ...DEFAULT_TEMPLATES, ...DEPLOY_TEMPLATES, ...COORD_TEMPLATES, ...NOTIFY_TEMPLATES, ...PLAN_TEMPLATES })
      .flatMap(([name, source]) => [...source.matchAll(/\{\{\s*([a-z_]+)\s*\}\}/g)].filter((m) => helpers.includes(m[1]!)).map((m) => `${name}: ${m[0]}`));
    expect(bare).toEqual([]);
    const t = await createTemplates();
    expect(t.render('deploy_summary', 'console', { id: 'ab12cd34', repo: 'demo', branch: 'main', commit: 'abc1234', ok: 1, failed: 0, duration: '1.2s', packs: [] }))
      .toBe('Deploy `ab12cd34` from `demo` main at `abc1234`: 1 ok, 0 failed (1.2s)');
  });
});
