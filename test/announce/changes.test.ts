import { afterEach, describe, expect, it } from 'vitest';
import { announcementReply } from '../../src/interfaces/presenter/announcement.js';
import { createDeployEnv, pack, type DeployEnv } from '../helpers/deploy.js';
import { createRepo } from '../helpers/git-repo.js';

describe('what a deploy changed, from a real git history and the releases on disk', () => {
  const envs: DeployEnv[] = [];
  afterEach(async () => {
    for (const env of envs.splice(0)) await env.app.stop();
  });

  it('lists commits, the version change, and actions, rules and sensors added, removed and changed', async () => {
    const repo = await createRepo({
      files: {
        ...pack('monitoring', { version: '0.1.0', actions: ['check_disk', 'check_load', 'old_probe'] }),
        'packs/monitoring/rules/disk_full.yaml': '---\nname: disk_full\npack: monitoring\ntrigger: {type: core.st2.IntervalTimer}\naction: {ref: monitoring.check_disk}\n',
        ...pack('other', { version: '1.0.0' }),
      },
    });
    const env = await createDeployEnv({ ops: { url: repo.url } });
    envs.push(env);
    const first = await env.deploy({ repo: 'ops', packs: 'monitoring,other' });
    expect(first.packs.map((p) => p.status)).toEqual(['deployed', 'deployed']);
    const initial = await env.app.deployer.changes(first);
    expect(initial.find((c) => c.pack === 'monitoring')).toMatchObject({
      fromVersion: null, toVersion: '0.1.0', added: { actions: ['check_disk', 'check_load', 'old_probe'], rules: ['disk_full'] },
    });

    await repo.commit('Add check_mem', pack('monitoring', { version: '0.2.0', actions: ['check_disk', 'check_load', 'old_probe', 'check_mem'] }));
    await repo.commit('Make check_load quieter', { 'packs/monitoring/actions/check_load.py': 'print("quiet")\n' });
    await repo.commit('Drop old_probe, add a sensor', {
      'packs/monitoring/actions/old_probe.yaml': null,
      'packs/monitoring/actions/old_probe.py': null,
      'packs/monitoring/sensors/watch.yaml': '---\nclass_name: Watch\nentry_point: watch.py\n',
      'packs/monitoring/sensors/watch.py': 'class Watch: pass\n',
    });
    await repo.commit('Touch only the other pack', { 'packs/other/README.md': 'hello\n' });
    const author = (await repo.git(['log', '-1', '--format=%an'])).trim();

    const second = await env.deploy({ repo: 'ops', packs: 'monitoring' });
    const [change] = await env.app.deployer.changes(second);
    expect(change).toMatchObject({
      pack: 'monitoring', fromVersion: '0.1.0', toVersion: '0.2.0',
      added: { actions: ['check_mem'], rules: [], sensors: ['watch'], aliases: [] },
      removed: { actions: ['old_probe'], rules: [], sensors: [], aliases: [] },
      changed: { actions: ['check_load'], rules: [], sensors: [], aliases: [] },
      moreCommits: 0,
    });
    // Only the commits that touched this pack, newest first.
    expect(change!.commits.map((c) => c.subject)).toEqual(['Drop old_probe, add a sensor', 'Make check_load quieter', 'Add check_mem']);
    expect(change!.commits.every((c) => c.author === author)).toBe(true);

    const text = env.app.responder.render('slack', announcementReply(second, [change!], '@alice'));
    expect(text).toContain('*monitoring* 0.1.0 → 0.2.0');
    expect(text).toContain('1 action added: check_mem');
    expect(text).toContain('1 sensor added: watch');
    expect(text).toContain('1 action removed: old_probe');
    expect(text).toContain('1 action changed: check_load');
    expect(text).toContain('◦ Make check_load quieter — ' + author);
    expect(env.app.responder.render('discord', announcementReply(second, [change!], '@alice'))).toContain('**monitoring** 0.1.0 → 0.2.0');

    // Redeploying the same commit installs nothing new: nothing to announce.
    const third = await env.deploy({ repo: 'ops', packs: 'monitoring' });
    expect(await env.app.deployer.changes(third)).toEqual([]);
  });

  it('counts commits past the first ten instead of listing them', async () => {
    const repo = await createRepo({ files: pack('busy', { version: '1.0.0' }) });
    const env = await createDeployEnv({ ops: { url: repo.url } });
    envs.push(env);
    await env.deploy({ repo: 'ops', packs: 'busy' });
    for (let i = 1; i <= 13; i++) await repo.commit(`Tweak ${i}`, { 'packs/busy/actions/hello.py': `print(${i})\n` });
    const [change] = await env.app.deployer.changes(await env.deploy({ repo: 'ops', packs: 'busy' }));
    expect(change!.commits).toHaveLength(10);
    expect(change!.commits[0]!.subject).toBe('Tweak 13');
    expect(change!.moreCommits).toBe(3);
    expect(change!.changed.actions).toEqual(['hello']);
    const text = env.app.responder.render('console', announcementReply(await env.deploy({ repo: 'ops', packs: 'busy', force: true }), [change!], '@bob'));
    expect(text).toContain('… and 3 more commits');
  });
});
