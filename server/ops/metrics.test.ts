import type { AcdSnapshot, OperatorSnapshot, QueueSnapshot } from '../routing';
import { MemoryCallRecordStore } from '../calls/call-record';
import type { CallSegment } from '../records/model';
import { meteredRecords, RECOVERY_KINDS, ServerMetrics } from './metrics';

/** The value of one series in the exposition text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const queue = (id: string, waiting: number) => ({ id, waiting: Array.from({ length: waiting }, () => ({})) }) as unknown as QueueSnapshot;
const op = (id: string, state: OperatorSnapshot['state']) => ({ id, state }) as OperatorSnapshot;

describe('ServerMetrics', () => {
  let snapshot: AcdSnapshot;
  const metrics = () => new ServerMetrics({ snapshot: async () => snapshot, queues: ['support', 'sales'], defaultMetrics: false });
  beforeEach(() => {
    snapshot = { at: 0, queues: [queue('support', 2), queue('sales', 0)], operators: [op('a', 'available'), op('b', 'on-call'), op('c', 'available')] };
  });

  it('reads calls waiting per queue and operators by state from the snapshot at scrape time', async () => {
    const m = metrics();
    let text = await m.render();
    expect(sample(text, 'switchboard_calls_waiting{queue="support"}')).toBe(2);
    expect(sample(text, 'switchboard_calls_waiting{queue="sales"}')).toBe(0);
    expect(sample(text, 'switchboard_operators{state="available"}')).toBe(2);
    expect(sample(text, 'switchboard_operators{state="on-call"}')).toBe(1);
    expect(sample(text, 'switchboard_operators{state="offline"}')).toBe(0);
    snapshot = { ...snapshot, queues: [queue('support', 0), queue('sales', 1)] };
    text = await m.render();
    expect(sample(text, 'switchboard_calls_waiting{queue="support"}')).toBe(0);
    expect(sample(text, 'switchboard_calls_waiting{queue="sales"}')).toBe(1);
  });

  it('counts finished call records (once each) by outcome and observes their wait', async () => {
    const m = metrics();
    const records = meteredRecords(new MemoryCallRecordStore(), m);
    const base = { trunkId: 't', caller: 'x', number: '100', arrivedAt: 0, endedAt: 1, talkSeconds: 0, direction: 'inbound', instanceId: 'i', holdSeconds: 0, segments: [] as CallSegment[] } as const;
    await records.saveCall({ ...base, callId: 'c1', queue: 'support', outcome: 'answered', waitSeconds: 4 });
    await records.saveCall({ ...base, callId: 'c1', queue: 'support', outcome: 'answered', waitSeconds: 4 }); // saved twice, counted once
    await records.saveCall({ ...base, callId: 'live', queue: 'support', waitSeconds: 0, outcome: undefined, endedAt: undefined }); // live: not counted
    await records.saveCall({ ...base, callId: 'c2', queue: 'support', outcome: 'abandoned', waitSeconds: 25 });
    await records.saveCall({ ...base, callId: 'c3', queue: 'support', outcome: 'abandoned', waitSeconds: 2 });
    const text = await m.render();
    expect(sample(text, 'switchboard_calls_total{queue="support",outcome="answered"}')).toBe(1);
    expect(sample(text, 'switchboard_calls_total{queue="support",outcome="abandoned"}')).toBe(2);
    expect(sample(text, 'switchboard_calls_total{queue="sales",outcome="answered"}')).toBe(0);
    expect(sample(text, 'switchboard_call_wait_seconds_count{queue="support",outcome="abandoned"}')).toBe(2);
    expect(sample(text, 'switchboard_call_wait_seconds_bucket{le="5",queue="support",outcome="abandoned"}')).toBe(1);
    expect(sample(text, 'switchboard_call_wait_seconds_sum{queue="support",outcome="abandoned"}')).toBe(27);
    await expect(records.query({})).resolves.toHaveLength(3);
  });

  it('counts recoveries by kind, every kind present from the start; a moved or media-lost call counts there too', async () => {
    const m = metrics();
    let text = await m.render();
    for (const kind of RECOVERY_KINDS) expect(sample(text, `switchboard_recoveries_total{kind="${kind}"}`)).toBe(0);
    m.mediaRecovery('restored');
    m.mediaRecovery('restored');
    m.mediaRecovery('lost');
    m.recovered('operator-released', 3);
    m.recovered('routing-report-retried');
    m.recovered('call-interrupted', 0);
    text = await m.render();
    expect(sample(text, 'switchboard_recoveries_total{kind="call-moved"}')).toBe(2);
    expect(sample(text, 'switchboard_recoveries_total{kind="call-media-lost"}')).toBe(1);
    expect(sample(text, 'switchboard_recoveries_total{kind="operator-released"}')).toBe(3);
    expect(sample(text, 'switchboard_recoveries_total{kind="routing-report-retried"}')).toBe(1);
    expect(sample(text, 'switchboard_recoveries_total{kind="call-interrupted"}')).toBe(0);
  });

  it('counts media relay errors', async () => {
    const m = metrics();
    m.relayError();
    m.relayError();
    expect(sample(await m.render(), 'switchboard_media_relay_errors_total')).toBe(2);
  });

  it('counts tripped input limits by name, every limit present from the start', async () => {
    const m = metrics();
    const trip = m.limitTripped; // passed around unbound, as signalling's onLimit
    trip('media-lines');
    trip('media-lines');
    trip('trunk-calls-per-second');
    const text = await m.render();
    expect(sample(text, 'switchboard_limit_trips_total{limit="media-lines"}')).toBe(2);
    expect(sample(text, 'switchboard_limit_trips_total{limit="trunk-calls-per-second"}')).toBe(1);
    expect(sample(text, 'switchboard_limit_trips_total{limit="contacts-per-register"}')).toBe(0);
  });

  it('adds the SIP engine\'s per-source trips to the limit counter (its totals, read at each scrape) and shows the sources blocked now', async () => {
    let engine = { trips: { 'source-request-rate': 0, 'connections-per-source': 0, 'incomplete-message': 0 }, blockedSources: 0 };
    const m = new ServerMetrics({ snapshot: async () => snapshot, defaultMetrics: false, engineLimits: async () => engine });
    let text = await m.render();
    expect(sample(text, 'switchboard_limit_trips_total{limit="source-request-rate"}')).toBe(0);
    expect(sample(text, 'switchboard_sip_blocked_sources')).toBe(0);
    engine = { trips: { 'source-request-rate': 4000, 'connections-per-source': 2, 'incomplete-message': 1 }, blockedSources: 1 };
    m.limitTripped('media-lines');
    text = await m.render();
    expect(sample(text, 'switchboard_limit_trips_total{limit="source-request-rate"}')).toBe(4000);
    expect(sample(text, 'switchboard_limit_trips_total{limit="incomplete-message"}')).toBe(1);
    expect(sample(text, 'switchboard_limit_trips_total{limit="media-lines"}')).toBe(1);
    expect(sample(text, 'switchboard_sip_blocked_sources')).toBe(1);
    engine = { ...engine, trips: { ...engine.trips, 'source-request-rate': 4500 }, blockedSources: 0 };
    text = await m.render();
    expect(sample(text, 'switchboard_limit_trips_total{limit="source-request-rate"}')).toBe(4500);
    expect(sample(text, 'switchboard_sip_blocked_sources')).toBe(0);
  });
});
