/**
 * The responder's last step before a platform: the server's directories never reach chat,
 * whatever text carried them (an fs error, a tool's output), in sends, edits and cards.
 */
import { describe, expect, it } from 'vitest';
import { createResponder } from '../../src/interfaces/chat/responder.js';
import { serverPathScrubber } from '../../src/interfaces/chat/server-paths.js';
import { createTemplates } from '../../src/interfaces/templates/environment.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { reply } from '../../src/interfaces/chat/reply.js';
import type { ChatAdapter, OutgoingMessage } from '../../src/interfaces/chat/types.js';

function adapter() {
  const out: OutgoingMessage[] = [];
  const a: ChatAdapter = {
    platform: 'console', limits: { maxMessageLength: 3000, maxMessagesPerReply: 5 }, mentionTokens: () => [],
    start: async () => undefined, stop: async () => undefined,
    update: async (_ref, m) => void out.push(m),
    send: async (m) => (out.push(m), { channel: m.channel, id: String(out.length) }),
  };
  return { a, out };
}

describe('server paths in replies', () => {
  it('are shown by their setting in sends, edits, cards and render; staging is never named', async () => {
    const responder = createResponder({
      templates: await createTemplates(), masker: createMasker(), globals: {},
      scrub: serverPathScrubber([
        { path: '/srv/packbot/var/staging', shownAs: '' },
        { path: '/srv/packbot/configs', shownAs: 'configs' },
        { path: '/srv/packbot/var', shownAs: 'state_dir' },
      ]),
    });
    const message = 'EACCES: open /srv/packbot/configs/docker.yaml; left /srv/packbot/var/staging/123/ab12/docker/actions/x.yaml; see /srv/packbot/var/history.';
    const r = reply('error', { message }, { card: { tone: 'failure', title: 'at /srv/packbot/var/x', fields: [{ label: 'Where', value: '/srv/packbot/configs/a.yaml' }] } });
    const { a, out } = adapter();
    await responder.send(a, { platform: 'console', channel: 'ops' }, r);
    await responder.update(a, { channel: 'ops', id: '1' }, { platform: 'console', channel: 'ops' }, r);
    const texts = [...out.flatMap((m) => [m.text, m.card?.title ?? '', ...(m.card?.fields ?? []).map((f) => f.value)]), responder.render('console', r)];
    for (const t of texts) expect(t).not.toContain('/srv/packbot');
    expect(out[0]?.text).toContain('configs/docker.yaml');
    expect(out[0]?.text).toContain('123/ab12/docker/actions/x.yaml');
    expect(out[0]?.text).toContain('state_dir/history');
    expect(out[0]?.card?.fields[0]?.value).toBe('configs/a.yaml');
  });
});
