import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, METRIC_SOURCES, STAGE_DURATION_BUCKETS, type Metrics, type MetricsSources } from '../../src/interfaces/server/metrics.js';
import { parseFamilies, parsePrometheus, sample, type PromSample } from '../helpers/prometheus.js';

type Failure = Error | 'sync' | 'hang' | 'late' | 'garbage';
type SourceState = { waiting: number; running: number; locks: number; calls: number; fail?: Failure; lateRejections: Array<Promise<void>> };

/** Sources whose answers a test can change (or break) between scrapes. */
function fakeSources(): MetricsSources & { state: SourceState } {
  const state: SourceState = { waiting: 0, running: 0, locks: 0, calls: 0, lateRejections: [] };
  function answer<T>(v: T, garbage: unknown): Promise<T> {
    state.calls++;
    const { fail } = state;
    if (fail === 'sync') throw new Error('store unreachable (sync)');
    if (fail === 'hang') return new Promise<T>(() => {});
    // Rejects only after the scrape gave up on it: must not surface as an unhandled rejection.
    // lateRejections resolve once each rejection has happened (without handling it themselves).
    if (fail === 'late') {
      return new Promise<T>((_, reject) => {
        state.lateRejections.push(new Promise<void>((landed) => setTimeout(() => (reject(new Error('late')), landed()), 60)));
      });
    }
    if (fail === 'garbage') return Promise.resolve(garbage as T);
    return fail ? Promise.reject(fail) : Promise.resolve(v);
  }
  return {
    state,
    queueDepth: () => answer({ waiting: state.waiting, running: state.running }, { waiting: NaN, running: -1 }),
    locksHeld: () => answer(state.locks, Infinity),
  };
}

async function scrape(m: Metrics): Promise<PromSample[]> {
  return parsePrometheus((await m.render()).body);
}

const PACKBOT_FAMILIES: Record<string, string> = {
  packbot_deploys_total: 'counter',
  packbot_deploy_stage_duration_seconds: 'histogram',
  packbot_commands_total: 'counter',
  packbot_webhook_deliveries_total: 'counter',
  packbot_queue_entries: 'gauge',
  packbot_locks_held: 'gauge',
  packbot_metrics_collect_errors_total: 'counter',
};

describe('prometheus text parser (test helper)', () => {
  const text = [
    '# A free comment line, ignored.',
    '# HELP http_requests_total Requests, with a backslash \\\\ and a\\nsecond line.',
    '# TYPE http_requests_total counter',
    'http_requests_total{method="post",code="200"} 1027 1395066363000',
    'http_requests_total{method="post",code="400",} 3',
    '',
    '# TYPE msdos_file_access_time_seconds gauge',
    'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
    'odd{v="a,b}c=\\"d"} -Inf',
    '# TYPE rpc_duration_seconds histogram',
    'rpc_duration_seconds_bucket{le="0.05"} 24054',
    'rpc_duration_seconds_bucket{le="+Inf"} 144320',
    'rpc_duration_seconds_sum 53423',
    'rpc_duration_seconds_count 144320',
    'weird_values{k="nan"} Nan',
    'weird_values{k="inf"} +Inf',
    'weird_values{k="small"} -1.5e-3',
  ].join('\n');

  it('parses samples, labels and special values', () => {
    const samples = parsePrometheus(text);
    expect(samples).toHaveLength(11);
    expect(samples[0]).toEqual({ name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027 });
    expect(sample(samples, 'http_requests_total', { code: '400' })).toBe(3);
    expect(sample(samples, 'rpc_duration_seconds_bucket', { le: '+Inf' })).toBe(144320);
    expect(sample(samples, 'rpc_duration_seconds_count')).toBe(144320);
    expect(sample(samples, 'weird_values', { k: 'nan' })).toBeNaN();
    expect(sample(samples, 'weird_values', { k: 'inf' })).toBe(Infinity);
    expect(sample(samples, 'weird_values', { k: 'small' })).toBe(-0.0015);
    expect(sample(samples, 'odd')).toBe(-Infinity);
  });

  it('unescapes \\\\, \\" and \\n in label values and \\\\, \\n in HELP', () => {
    const samples = parsePrometheus(text);
    expect(samples.find((s) => s.name === 'msdos_file_access_time_seconds')?.labels).toEqual({
      path: 'C:\\DIR\\FILE.TXT',
      error: 'Cannot find file:\n"FILE.TXT"',
    });
    expect(samples.find((s) => s.name === 'odd')?.labels).toEqual({ v: 'a,b}c="d' });
    const families = parseFamilies(text);
    expect(families.get('http_requests_total')).toEqual({ help: 'Requests, with a backslash \\ and a\nsecond line.', type: 'counter' });
    expect(families.get('msdos_file_access_time_seconds')).toEqual({ type: 'gauge' });
  });

  it('sample() is undefined for no match and throws when the labels are ambiguous', () => {
    const samples = parsePrometheus(text);
    expect(sample(samples, 'http_requests_total', { code: '500' })).toBeUndefined();
    expect(sample(samples, 'nope')).toBeUndefined();
    expect(() => sample(samples, 'http_requests_total')).toThrow(/2 samples match/);
  });

  it.each([
    ['x{a="1} 2', /unterminated/],
    ['x{a="\\t"} 2', /bad escape/],
    ['x{a=1} 2', /expected ="/],
    ['x{a="1" b="2"} 2', /expected , or \}/],
    ['x{a="1",a="2"} 2', /duplicate label/],
    ['x', /expected value/],
    ['x{a="1"}2', /expected value/],
    ['x 1 2 3', /expected value/],
    ['x one', /bad value/],
    ['1x 1', /bad metric name/],
    ['# TYPE x countr', /unknown TYPE/],
  ])('rejects %s', (line, why) => {
    expect(() => parsePrometheus(`ok 1\n${line}\n`)).toThrow(why);
    expect(() => parsePrometheus(`ok 1\n${line}\n`)).toThrow(/line 2/);
  });
});

describe('createMetrics', () => {
  it('renders every packbot family with HELP and TYPE, in the Prometheus content type', async () => {
    const m = createMetrics(fakeSources(), { defaultMetrics: false });
    const { contentType, body } = await m.render();
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parseFamilies(body);
    for (const [name, type] of Object.entries(PACKBOT_FAMILIES)) {
      expect(families.get(name)?.type, name).toBe(type);
      expect(families.get(name)?.help, name).toMatch(/\S/);
    }
    expect([...families.keys()].filter((n) => !n.startsWith('packbot_'))).toEqual([]);
  });

  it('includes the default process metrics unless turned off, prefixed when asked', async () => {
    const m = createMetrics(fakeSources());
    const withDefaults = parseFamilies((await m.render()).body);
    m.close();
    expect(withDefaults.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(withDefaults.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    expect(withDefaults.get('packbot_deploys_total')?.type).toBe('counter');

    const p = createMetrics(fakeSources(), { prefix: 'packbot_' });
    const prefixed = parseFamilies((await p.render()).body);
    p.close();
    expect(prefixed.get('packbot_process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(prefixed.has('process_cpu_user_seconds_total')).toBe(false);
    // packbot's own names do not take the prefix.
    expect(prefixed.get('packbot_event_loop_delay_max_seconds')?.type).toBe('gauge');
  });

  it('reports how late the event loop ran since the previous scrape, max and p99', async () => {
    const m = createMetrics(fakeSources());
    try {
      const families = parseFamilies((await m.render()).body);
      expect(families.get('packbot_event_loop_delay_max_seconds')?.type).toBe('gauge');
      expect(families.get('packbot_event_loop_delay_p99_seconds')?.type).toBe('gauge');
      // A stall right after a scrape: the window monitorEventLoopDelay loses at its reset.
      const stalled = performance.now();
      while (performance.now() - stalled < 500);
      const after = await scrape(m);
      const max = sample(after, 'packbot_event_loop_delay_max_seconds') ?? 0;
      expect(max).toBeGreaterThanOrEqual(0.45);
      expect(sample(after, 'packbot_event_loop_delay_p99_seconds')).toBeGreaterThan(0);
      // The window starts again at each scrape: the stall is not reported twice.
      expect(sample(await scrape(m), 'packbot_event_loop_delay_max_seconds')).toBeLessThan(max);
    } finally {
      m.close();
    }
  });

  it('has no event-loop timer without the process metrics', async () => {
    const m = createMetrics(fakeSources(), { defaultMetrics: false });
    expect(parseFamilies((await m.render()).body).has('packbot_event_loop_delay_max_seconds')).toBe(false);
    m.close();
  });

  it('counts deploys, commands and webhook deliveries by their labels', async () => {
    const m = createMetrics(fakeSources(), { defaultMetrics: false });
    m.deployFinished('success', 'org/packs');
    m.deployFinished('success', 'org/packs');
    m.deployFinished('failure', 'org/packs');
    m.deployFinished('partial', 'org/other');
    m.commandRun('deploy', 'ok');
    m.commandRun('deploy', 'denied');
    m.commandRun('lock', 'error');
    m.webhookDelivery('github', 'accepted');
    m.webhookDelivery('github', 'deduplicated');
    m.webhookDelivery('gitlab', 'unauthorized');
    m.webhookDelivery('gitlab', 'unauthorized');
    const s = await scrape(m);
    expect(sample(s, 'packbot_deploys_total', { result: 'success', repo: 'org/packs' })).toBe(2);
    expect(sample(s, 'packbot_deploys_total', { result: 'failure', repo: 'org/packs' })).toBe(1);
    expect(sample(s, 'packbot_deploys_total', { result: 'partial', repo: 'org/other' })).toBe(1);
    expect(sample(s, 'packbot_deploys_total', { result: 'success', repo: 'org/other' })).toBeUndefined();
    expect(sample(s, 'packbot_commands_total', { command: 'deploy', outcome: 'ok' })).toBe(1);
    expect(sample(s, 'packbot_commands_total', { command: 'deploy', outcome: 'denied' })).toBe(1);
    expect(sample(s, 'packbot_commands_total', { command: 'lock', outcome: 'error' })).toBe(1);
    expect(sample(s, 'packbot_webhook_deliveries_total', { provider: 'github', result: 'accepted' })).toBe(1);
    expect(sample(s, 'packbot_webhook_deliveries_total', { provider: 'github', result: 'deduplicated' })).toBe(1);
    expect(sample(s, 'packbot_webhook_deliveries_total', { provider: 'gitlab', result: 'unauthorized' })).toBe(2);
  });

  it('escapes label values so they round-trip', async () => {
    const m = createMetrics(fakeSources(), { defaultMetrics: false });
    const alias = 'say "hi" \\ now\nplease';
    m.commandRun(alias, 'ok');
    expect(sample(await scrape(m), 'packbot_commands_total', { command: alias })).toBe(1);
  });

  it('observes stage durations into buckets from 5 ms to 15 min, with count and sum', async () => {
    const m = createMetrics(fakeSources(), { defaultMetrics: false });
    m.stageDuration('clone', 0.003);
    m.stageDuration('clone', 42);
    m.stageDuration('install', 899);
    const s = await scrape(m);
    const buckets = s.filter((x) => x.name === 'packbot_deploy_stage_duration_seconds_bucket' && x.labels['stage'] === 'clone');
    expect(buckets.map((b) => b.labels['le'])).toEqual([...STAGE_DURATION_BUCKETS.map(String), '+Inf']);
    expect(STAGE_DURATION_BUCKETS[0]).toBe(0.005);
    expect(STAGE_DURATION_BUCKETS.at(-1)).toBe(900);
    const bucket = (stage: string, le: string) => sample(s, 'packbot_deploy_stage_duration_seconds_bucket', { stage, le });
    expect(bucket('clone', '0.005')).toBe(1);
    expect(bucket('clone', '30')).toBe(1);
    expect(bucket('clone', '60')).toBe(2);
    expect(bucket('clone', '+Inf')).toBe(2);
    expect(bucket('install', '600')).toBe(0);
    expect(bucket('install', '900')).toBe(1);
    expect(sample(s, 'packbot_deploy_stage_duration_seconds_count', { stage: 'clone' })).toBe(2);
    expect(sample(s, 'packbot_deploy_stage_duration_seconds_sum', { stage: 'clone' })).toBeCloseTo(42.003, 9);
  });

  it('drops non-finite durations and counts negative ones as 0 instead of throwing', async () => {
    const m = createMetrics(fakeSources(), { defaultMetrics: false });
    expect(() => m.stageDuration('test', NaN)).not.toThrow();
    expect(() => m.stageDuration('test', Infinity)).not.toThrow();
    m.stageDuration('test', -0.2);
    const s = await scrape(m);
    expect(sample(s, 'packbot_deploy_stage_duration_seconds_count', { stage: 'test' })).toBe(1);
    expect(sample(s, 'packbot_deploy_stage_duration_seconds_sum', { stage: 'test' })).toBe(0);
  });

  it('reads the gauges from their sources at scrape time', async () => {
    const sources = fakeSources();
    const m = createMetrics(sources, { defaultMetrics: false });
    Object.assign(sources.state, { waiting: 3, running: 1, locks: 2 });
    let s = await scrape(m);
    expect(sample(s, 'packbot_queue_entries', { state: 'waiting' })).toBe(3);
    expect(sample(s, 'packbot_queue_entries', { state: 'running' })).toBe(1);
    expect(sample(s, 'packbot_locks_held')).toBe(2);

    Object.assign(sources.state, { waiting: 0, running: 2, locks: 5 });
    s = await scrape(m);
    expect(sample(s, 'packbot_queue_entries', { state: 'waiting' })).toBe(0);
    expect(sample(s, 'packbot_queue_entries', { state: 'running' })).toBe(2);
    expect(sample(s, 'packbot_locks_held')).toBe(5);
  });

  it('reads each source once per scrape, and overlapping scrapes share the read', async () => {
    const sources = fakeSources();
    const m = createMetrics(sources, { defaultMetrics: false });
    await m.render();
    expect(sources.state.calls).toBe(2);
    sources.state.locks = 3;
    const [a, b] = await Promise.all([scrape(m), m.registry.metrics().then(parsePrometheus)]);
    expect(sources.state.calls).toBe(4);
    expect(sample(a, 'packbot_locks_held')).toBe(3);
    expect(sample(b, 'packbot_locks_held')).toBe(3);
  });

  it('starts the collect error counter at 0 for every source', async () => {
    const s = await scrape(createMetrics(fakeSources(), { defaultMetrics: false }));
    for (const source of METRIC_SOURCES) expect(sample(s, 'packbot_metrics_collect_errors_total', { source })).toBe(0);
  });

  it.each([
    ['rejects', new Error('ECONNREFUSED')],
    ['throws synchronously', 'sync' as const],
    ['hangs past the timeout', 'hang' as const],
    ['rejects after the timeout', 'late' as const],
    ['returns nonsense', 'garbage' as const],
  ])('a source that %s does not fail the scrape: the gauge keeps its last value and the error is counted', async (_, fail) => {
    const sources = fakeSources();
    const m = createMetrics(sources, { defaultMetrics: false, collectTimeoutMs: 25 });
    Object.assign(sources.state, { waiting: 4, running: 1, locks: 2 });
    await scrape(m);

    Object.assign(sources.state, { waiting: 9, running: 9, locks: 9, fail });
    m.deployFinished('success', 'org/packs');
    let s = await scrape(m);
    expect(sample(s, 'packbot_queue_entries', { state: 'waiting' })).toBe(4);
    expect(sample(s, 'packbot_queue_entries', { state: 'running' })).toBe(1);
    expect(sample(s, 'packbot_locks_held')).toBe(2);
    expect(sample(s, 'packbot_deploys_total', { result: 'success', repo: 'org/packs' })).toBe(1);
    expect(sample(s, 'packbot_metrics_collect_errors_total', { source: 'queue_depth' })).toBe(1);
    expect(sample(s, 'packbot_metrics_collect_errors_total', { source: 'locks_held' })).toBe(1);

    s = await scrape(m);
    expect(sample(s, 'packbot_metrics_collect_errors_total', { source: 'queue_depth' })).toBe(2);

    // Once the store is back the gauges catch up and the error count stays where it was.
    delete sources.state.fail;
    // Let a 'late' source's rejections land (then a macrotask, past Node's unhandled-rejection
    // check); the test fails if one goes unhandled.
    await Promise.all(sources.state.lateRejections);
    await new Promise((r) => setImmediate(r));
    s = await scrape(m);
    expect(sample(s, 'packbot_queue_entries', { state: 'waiting' })).toBe(9);
    expect(sample(s, 'packbot_locks_held')).toBe(9);
    expect(sample(s, 'packbot_metrics_collect_errors_total', { source: 'queue_depth' })).toBe(2);
  });

  it('a failing first read leaves the gauges without a series rather than a made-up 0', async () => {
    const sources = fakeSources();
    sources.state.fail = new Error('down');
    const s = await scrape(createMetrics(sources, { defaultMetrics: false }));
    expect(sample(s, 'packbot_queue_entries', { state: 'waiting' })).toBeUndefined();
    expect(sample(s, 'packbot_locks_held')).toBeUndefined();
    expect(sample(s, 'packbot_metrics_collect_errors_total', { source: 'locks_held' })).toBe(1);
  });

  it('keeps two instances in one process apart, and off the global registry', async () => {
    // Default metrics on for both: the second set must not clash with the first.
    const aSources = fakeSources();
    const bSources = fakeSources();
    const a = createMetrics(aSources);
    const b = createMetrics(bSources);
    expect(a.registry).not.toBe(b.registry);
    a.deployFinished('success', 'org/packs');
    a.commandRun('deploy', 'ok');
    b.stageDuration('clone', 1);
    aSources.state.locks = 1;
    bSources.state.locks = 7;
    const [sa, sb] = await Promise.all([scrape(a), scrape(b)]);
    expect(sample(sa, 'packbot_deploys_total', { repo: 'org/packs' })).toBe(1);
    expect(sample(sb, 'packbot_deploys_total', { repo: 'org/packs' })).toBeUndefined();
    expect(sample(sb, 'packbot_commands_total', { command: 'deploy' })).toBeUndefined();
    expect(sample(sa, 'packbot_deploy_stage_duration_seconds_count', { stage: 'clone' })).toBeUndefined();
    expect(sample(sb, 'packbot_deploy_stage_duration_seconds_count', { stage: 'clone' })).toBe(1);
    expect(sample(sa, 'packbot_locks_held')).toBe(1);
    expect(sample(sb, 'packbot_locks_held')).toBe(7);
    expect(globalRegistry.getMetricsAsArray()).toEqual([]);
  });
});
