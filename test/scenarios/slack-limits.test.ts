/**
 * Issue 14, "Chat at Slack's real limits", end to end: the real `packbot serve` (dist/, a child
 * process) in Socket Mode, its adapters.slack.api_url pointing at a fake Slack that behaves
 * like the real one (fake-slack-limits.ts: 1 post/s per channel, chat.update at Tier 3, 429 +
 * Retry-After beyond, a server ping every 5 s, the bot's own posts echoed back as events).
 *
 * Alice deploys a repository of 100 packs in #ops; a second later Bob deploys an unrelated
 * one-pack repository there. Each must get its summary soon after its own deploy ends — Bob's
 * must not wait behind Alice's flood — as one top-level message per deploy (anything else in
 * its thread), while Socket Mode stays healthy: every envelope acked within 1 s, every ping
 * answered before the client would give up, no reconnect. Nothing shows a server path, and
 * the bot never answers its own echoed messages.
 *
 * "Soon" is counted in messages, not seconds: how many posts and edits landed in #ops between
 * a deploy's end (packbot's own history record, finished_at, read from the state dir after the
 * run) and its summary. The timeline printed below gives the seconds, for a reader.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMasker } from '../../src/core/masking/masker.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { createStoreHistory, type HistoryRecord } from '../../src/domain/store/history.js';
import { messageEvent, SECRETS } from '../adapters/slack/setup.js';
import { BIN } from '../helpers/cli.js';
import { tempDir, writeConfig } from '../helpers/config.js';
import { pack } from '../helpers/deploy.js';
import { CLIENT_PING_TIMEOUT_MS } from '../helpers/fake-slack-limits.js';
import { FAKE_BOT, startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { createRepo, type GitRepo } from '../helpers/git-repo.js';
import {
  ackDelays, deployTiming, landed, pongDelays, shownText, summaryOf, timelineReport, topLevel,
} from '../helpers/slack-timeline.js';

const OPS = 'C0OPS';
const ECHO = 'C0ECHO';
const ALICE = 'UALICE01';
const BOB = 'UBOB0001';
const PACKS = 100;
/** Other deploys' posts and edits that may land in #ops between a deploy's end and its summary (see the assertion). */
const SUMMARY_AHEAD_MAX = 4;
const ACK_WITHIN_MS = 1_000;
/** How long after Alice's command the run may go on waiting for both summaries. */
const RUN_LIMIT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `packs/p000` … `packs/p099`, written and committed at once (one `git add` for 300 files). */
async function bigRepo(): Promise<GitRepo> {
  const repo = await createRepo({ files: { 'README.md': `# ${PACKS} packs\n` } });
  for (let i = 0; i < PACKS; i++) {
    for (const [rel, spec] of Object.entries(pack(`p${String(i).padStart(3, '0')}`))) {
      if (typeof spec !== 'string') throw new Error(`unexpected file spec for ${rel}`);
      await mkdir(path.dirname(path.join(repo.dir, rel)), { recursive: true });
      await writeFile(path.join(repo.dir, rel), spec);
    }
  }
  await repo.git(['add', '-A']);
  await repo.commit(`${PACKS} packs`);
  return repo;
}

/** Polls `done` every 200 ms until it holds or `deadline` (epoch ms) passes. */
async function until(done: () => boolean, deadline: number): Promise<boolean> {
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
  return true;
}

/** Waits until packbot has posted nothing (in `channel`, if given) for `quietMs`, at most `limitMs`. */
async function quiet(fake: FakeSlack, quietMs: number, limitMs: number, channel?: string): Promise<void> {
  const deadline = Date.now() + limitMs;
  const last = () => fake.callsOf('chat.postMessage').filter((c) => !channel || c.params['channel'] === channel).at(-1)?.at ?? 0;
  await until(() => Date.now() - last() >= quietMs, deadline);
}

let child: ChildProcess | undefined;
let fake: FakeSlack | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await fake?.close();
  fake = undefined;
});

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves with how it ended. */
async function stop(proc: ChildProcess, graceMs: number): Promise<string> {
  const exited = new Promise<string>((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  const how = await exited;
  clearTimeout(timer);
  return how;
}

/** packbot's warnings and errors (pino JSON on stderr) by message, e.g. {"rate-limited by Slack; holding the channel": 80}. */
function warningCounts(stderr: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of stderr.split('\n').filter((l) => /"level":(40|50|60)/.test(l))) {
    let msg = line;
    try {
      msg = String((JSON.parse(line) as { msg?: unknown }).msg);
    } catch {
      // Not a whole JSON line: counted as it is.
    }
    counts[msg.slice(0, 100)] = (counts[msg.slice(0, 100)] ?? 0) + 1;
  }
  return counts;
}

async function deployRecords(stateDir: string): Promise<HistoryRecord[]> {
  const store = await createStateStore({ kind: 'embedded' }, { stateDir });
  try {
    return (await createStoreHistory(store, createMasker()).list()).filter((r) => r.kind === 'deploy');
  } finally {
    await store.close();
  }
}

describe("Slack at its real limits (packbot serve against a realistic fake Slack)", () => {
  it('answers Bob promptly while Alice deploys 100 packs: one message per deploy, a healthy socket, no paths, no talking to itself', async () => {
    const slack = (fake = await startFakeSlack({ realistic: true }));
    const [big, small] = [await bigRepo(), await createRepo({ files: pack('solo') })];
    const where = await tempDir('packbot-limits-');
    const stateDir = path.join(where, 'var');
    const config = await writeConfig([
      'state_dir: ./var',
      'log: {level: info}',
      'adapters:',
      `  slack: {bot_token: "\${SLACK_BOT_TOKEN}", app_token: "\${SLACK_APP_TOKEN}", mode: socket, api_url: ${JSON.stringify(slack.apiUrl)}}`,
      'repositories:',
      `  big: {repo: ${JSON.stringify(big.url)}, branch: main, notify_channel: C0DEPLOYS}`,
      `  small: {repo: ${JSON.stringify(small.url)}, branch: main, notify_channel: C0DEPLOYS}`,
      'confirm: {policy: never}',
    ].join('\n'), where);

    const proc = (child = spawn(process.execPath, [BIN, '--config', config, 'serve'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', SLACK_BOT_TOKEN: SECRETS.bot, SLACK_APP_TOKEN: SECRETS.app },
    }));
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout?.resume();
    const up = await until(() => stderr.includes('packbot is running'), Date.now() + 60_000);
    if (!up) throw new Error(`packbot serve never said it was running:\n${stderr}`);
    await slack.connected();

    // Acks are measured by the fake (socketLog); a missing one must not end the run early.
    const t0 = Date.now();
    void slack.sendEvent(messageEvent('!pack deploy big', { channel: OPS, user: ALICE })).catch(() => undefined);
    await sleep(1_000);
    void slack.sendEvent(messageEvent('!pack deploy small', { channel: OPS, user: BOB })).catch(() => undefined);
    const summarised = (repo: string) => landed(slack, OPS).some((c) => shownText(c).includes(`\`${repo}\``) && /\b\d+ ok, \d+ failed\b/.test(shownText(c)));
    await until(() => summarised('big') && summarised('small'), t0 + RUN_LIMIT_MS);
    // Late thread replies and notify lines count too (edits may go on: a backlog is not waited out).
    await quiet(slack, 3_000, 10_000);

    // The bot's own message, as Slack echoes it, saying a command: only Bob's gets an answer.
    const own = { channel: ECHO, user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, app_id: FAKE_BOT.appId };
    await slack.sendEvent(messageEvent('!pack queue', own)).catch(() => undefined);
    await slack.sendEvent(messageEvent('!pack queue', { channel: ECHO, user: BOB })).catch(() => undefined);
    const answered = await slack.waitForCall('chat.postMessage', (c) => c.params['channel'] === ECHO).then(() => true, () => false);
    await quiet(slack, 1_500, 5_000, ECHO);

    const measuredUntil = Date.now();
    const stopped = Date.now();
    const ended = await stop(proc, 20_000);
    const shutdown = `${ended} after ${((Date.now() - stopped) / 1000).toFixed(1)}s`;
    const records = await deployRecords(stateDir);
    const alice = records.find((r) => r.requested_by === `slack:${ALICE}` && r.repo === 'big');
    const bob = records.find((r) => r.requested_by === `slack:${BOB}` && r.repo === 'small');
    const timings = [alice && deployTiming(slack, OPS, 'Alice', alice), bob && deployTiming(slack, OPS, 'Bob', bob)].filter((t) => t !== undefined);
    console.log([
      `── slack-limits timeline (t0 = Alice's command; shutdown: ${shutdown}) ──`,
      timelineReport(slack, t0, measuredUntil, timings, OPS),
      `packbot warnings/errors: ${JSON.stringify(warningCounts(stderr))}`,
    ].join('\n'));

    // Both deploys ran, and Alice's really deployed 100 packs.
    expect(alice?.packs.filter((p) => p.status === 'deployed'), 'Alice deployed all 100 packs').toHaveLength(PACKS);
    expect(bob?.result, "Bob's deploy succeeded").toBe('success');
    // Each summary goes out as soon as the channel takes it after its own deploy's end: counted
    // in messages, not seconds, so a slow machine changes nothing. Of the other deploy's
    // messages, only the edit in flight, its newest (merged) edit, its summary and its thread
    // reply may land first; a summary queued behind a backlog of progress edits (what chat did
    // before) has dozens ahead of it.
    for (const t of timings) {
      const others = landed(slack, OPS).filter((c) => !shownText(c).includes(`\`${t.record.repo}\``));
      const ahead = t.summaryAt === undefined ? Infinity : others.filter((c) => c.at > t.endedAt && c.at < t.summaryAt!).length;
      expect.soft(ahead, `${t.who}'s summary: other deploys' messages that landed in #ops between its deploy's end and it`).toBeLessThanOrEqual(SUMMARY_AHEAD_MAX);
    }
    // One top-level message per deploy in the channel; its summary is that message or in its thread.
    const tops = topLevel(slack, OPS);
    expect.soft(tops.map((c) => c.params['text']?.slice(0, 60)), 'top-level messages in #ops: one per deploy').toHaveLength(2);
    const topTs = new Set([...slack.messages.values()].filter((m) => m.channel === OPS && !m.thread_ts).map((m) => m.ts));
    for (const t of timings) {
      const s = summaryOf(slack, OPS, t.record.id);
      const home = s?.method === 'chat.update' ? s.params['ts'] : s?.params['thread_ts'] ?? 'top-level';
      expect.soft(home === 'top-level' || topTs.has(home ?? ''), `${t.who}'s summary edits its top-level message or sits in its thread`).toBe(true);
    }
    // Socket Mode held: no reconnect, every envelope acked in time, every ping answered in time.
    expect.soft(slack.socketLog.connections, 'Socket Mode connections (a reconnect makes 2)').toBe(1);
    expect.soft(slack.callsOf('apps.connections.open'), 'apps.connections.open calls').toHaveLength(1);
    const lateAcks = ackDelays(slack, measuredUntil).filter((a) => a.ms > ACK_WITHIN_MS);
    expect.soft(lateAcks, `envelopes acked later than ${ACK_WITHIN_MS}ms`).toEqual([]);
    const latePongs = pongDelays(slack, measuredUntil).filter((ms) => ms >= CLIENT_PING_TIMEOUT_MS);
    expect.soft(latePongs, `pongs later than the client's own ${CLIENT_PING_TIMEOUT_MS}ms timeout`).toEqual([]);
    // No server path in anything packbot sent to be shown.
    const paths = [where, stateDir, big.dir, small.dir, `${tmpdir()}/`];
    const leaks = slack.calls.filter((c) => c.method.startsWith('chat.') && paths.some((p) => shownText(c).includes(p)));
    expect.soft(leaks.map((c) => `${c.method}: ${shownText(c).slice(0, 120)}`), 'posts or edits that show a server path').toEqual([]);
    // Its own echoed command went unanswered; Bob's was answered, once.
    expect.soft(answered, "Bob's `!pack queue` in #echo was answered").toBe(true);
    expect.soft(landed(slack, ECHO).length, 'messages in #echo (one: the answer to Bob, none to the bot itself)').toBe(1);
  }, 280_000);
});
