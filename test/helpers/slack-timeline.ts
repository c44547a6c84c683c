/**
 * What a realistic fake Slack saw during a run, as figures a test can assert on and a
 * timeline a person can read when it fails: calls and 429s per method and per 5 s, the
 * top-level messages of a channel, when each deploy's summary landed against the deploy's
 * own end (from packbot's history), and how the Socket Mode link held up.
 */
import type { HistoryRecord } from '../../src/domain/store/history.js';
import { CLIENT_PING_TIMEOUT_MS } from './fake-slack-limits.js';
import type { FakeSlack, RecordedCall } from './fake-slack.js';

const CHAT = ['chat.postMessage', 'chat.update', 'chat.postEphemeral'];

/** Everything a call would show in Slack: its text and its blocks. */
export const shownText = (c: RecordedCall): string => `${c.params['text'] ?? ''}\n${c.params['blocks'] ?? ''}`;

/** Message writes that Slack accepted (200), in arrival order. */
export function landed(fake: FakeSlack, channel?: string): RecordedCall[] {
  return fake.calls.filter((c) => CHAT.includes(c.method) && c.status === 200 && (!channel || c.params['channel'] === channel));
}

/** Top-level messages in `channel`: accepted chat.postMessage calls without thread_ts. */
export function topLevel(fake: FakeSlack, channel: string): RecordedCall[] {
  return landed(fake, channel).filter((c) => c.method === 'chat.postMessage' && !c.params['thread_ts']);
}

/** The first accepted post or edit in `channel` that shows deploy `id`'s outcome ("N ok, M failed"). */
export function summaryOf(fake: FakeSlack, channel: string, id: string): RecordedCall | undefined {
  return landed(fake, channel).find((c) => shownText(c).includes(id) && /\b\d+ ok, \d+ failed\b/.test(shownText(c)));
}

export interface DeployTiming {
  who: string;
  record: HistoryRecord;
  endedAt: number;
  /** When its summary landed, if it did. */
  summaryAt?: number;
}

export function deployTiming(fake: FakeSlack, channel: string, who: string, record: HistoryRecord): DeployTiming {
  const summary = summaryOf(fake, channel, record.id);
  return { who, record, endedAt: Date.parse(record.finished_at), ...(summary ? { summaryAt: summary.at } : {}) };
}

/** How late each envelope's ack was (ms); one never acked counts until its connection closed, or `until`. */
export function ackDelays(fake: FakeSlack, until: number): Array<{ id: string; echo: boolean; ms: number; acked: boolean }> {
  return fake.socketLog.envelopes.map((e) => ({ id: e.envelope_id, echo: e.echo, ms: (e.ackedAt ?? e.lostAt ?? until) - e.sentAt, acked: e.ackedAt !== undefined }));
}

/** How late each pong was (ms); one never received counts until its connection closed, or `until`. */
export function pongDelays(fake: FakeSlack, until: number): number[] {
  return fake.socketLog.pings.map((p) => (p.pongAt ?? p.lostAt ?? until) - p.sentAt);
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
const oneLine = (s: string, n = 70) => JSON.stringify(s.replace(/\s+/g, ' ').slice(0, n));

/** A readable account of the run, times relative to `t0`. */
export function timelineReport(fake: FakeSlack, t0: number, until: number, deploys: DeployTiming[], channel: string): string {
  const out: string[] = [];
  const methods = [...new Set(fake.calls.map((c) => c.method))];
  out.push(`calls (200/429): ${methods.map((m) => `${m} ${fake.callsOf(m).filter((c) => c.status === 200).length}/${fake.callsOf(m).filter((c) => c.status === 429).length}`).join(', ')}`);
  const byChannel = new Map<string, [number, number]>();
  for (const c of fake.callsOf('chat.postMessage')) {
    const n = byChannel.get(c.params['channel'] ?? '?') ?? [0, 0];
    n[c.status === 200 ? 0 : 1] += 1;
    byChannel.set(c.params['channel'] ?? '?', n);
  }
  out.push(`chat.postMessage per channel (200/429): ${[...byChannel].map(([ch, [ok, limited]]) => `${ch} ${ok}/${limited}`).join(', ')}`);
  const windows = new Map<number, Record<string, number>>();
  for (const c of fake.calls.filter((x) => x.at >= t0 && (x.method === 'chat.postMessage' || x.method === 'chat.update'))) {
    const w = Math.floor((c.at - t0) / 5000);
    const row = windows.get(w) ?? {};
    const key = `${c.method === 'chat.update' ? 'upd' : 'post'}${c.status === 200 ? '' : '429'}`;
    row[key] = (row[key] ?? 0) + 1;
    windows.set(w, row);
  }
  out.push('per 5 s since the first deploy (post / post429 / upd / upd429):');
  for (const [w, r] of [...windows].sort((a, b) => a[0] - b[0])) {
    out.push(`  +${String(w * 5).padStart(3)}s  ${r['post'] ?? 0} / ${r['post429'] ?? 0} / ${r['upd'] ?? 0} / ${r['upd429'] ?? 0}`);
  }
  out.push(`top-level messages in ${channel}:`);
  for (const c of topLevel(fake, channel)) out.push(`  +${secs(c.at - t0)} ${oneLine(c.params['text'] ?? '')}`);
  for (const d of deploys) {
    const r = d.record;
    const late = d.summaryAt === undefined ? `no summary by +${secs(until - t0)}` : `summary at +${secs(d.summaryAt - t0)}, ${secs(d.summaryAt - d.endedAt)} after its end`;
    out.push(`deploy ${r.id} by ${d.who} (${r.repo}, ${r.packs.length} packs, ${r.result}): +${secs(Date.parse(r.started_at) - t0)} → +${secs(d.endedAt - t0)}; ${late}`);
  }
  const acks = ackDelays(fake, until);
  const pongs = pongDelays(fake, until);
  const gaps = fake.socketLog.clientPings.slice(1).map((t, i) => t - (fake.socketLog.clientPings[i] ?? t));
  out.push(`socket: ${fake.socketLog.connections} connection(s), ${fake.callsOf('apps.connections.open').length} apps.connections.open`);
  out.push(`  envelopes ${acks.length} (${acks.filter((a) => a.echo).length} echoes): max ack ${max(acks.map((a) => a.ms))}ms, over 1s ${acks.filter((a) => a.ms > 1000).length}, never acked ${acks.filter((a) => !a.acked).length}`
    + ` (${fake.socketLog.envelopes.filter((e) => e.lostAt !== undefined).length} lost with their connection)`);
  out.push(`  server pings ${pongs.length}: max pong ${max(pongs)}ms (client gives up at ${CLIENT_PING_TIMEOUT_MS}ms), unanswered ${fake.socketLog.pings.filter((p) => p.pongAt === undefined).length}`
    + ` (${fake.socketLog.pings.filter((p) => p.lostAt !== undefined).length} lost with their connection)`);
  out.push(`  client pings ${fake.socketLog.clientPings.length}: longest gap ${max(gaps)}ms (sent every ~${Math.round(CLIENT_PING_TIMEOUT_MS / 3)}ms)`);
  return out.join('\n');
}
