import { ApiError } from '../api/contract';
import { ReportClient } from './report-client';

type Call = { url: URL; init: RequestInit | undefined };

function client(status: number, body: string, signedIn = true) {
  const token = signedIn ? 'tok' : undefined;
  const calls: Call[] = [];
  const fake = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: new URL(String(input)), init });
    return new Response(body, { status });
  }) as typeof fetch;
  return { calls, reports: new ReportClient({ baseUrl: 'http://127.0.0.1:8080', token: () => token, fetch: fake }) };
}

const FROM = Date.parse('2026-03-01T23:00:00Z');
const TO = FROM + 86_400_000;

describe('ReportClient', () => {
  it('asks for the queue report with the bearer token and parses its rows', async () => {
    const row = {
      bucket: '2026-03-02T08:00:00.000Z', bucketLabel: '2026-03-02 09:00', queue: 'support', offered: 3, answered: 2, abandoned: 1, shortAbandoned: 0,
      otherUnanswered: 0, answeredWithinThreshold: 2, serviceLevelPercent: 66.67, asaSeconds: 10, asaP90Seconds: 15, ahtSeconds: 90, holdSeconds: 0,
      wrapUpSeconds: 20, transfers: 0, longestWaitSeconds: 50,
    };
    const { calls, reports } = client(200, JSON.stringify({ timeZone: 'Europe/Berlin', rows: [row] }));
    const report = await reports.queues({ from: FROM, to: TO, interval: 'hour', queue: 'support' });
    expect(report.timeZone).toBe('Europe/Berlin');
    expect(report.rows[0]).toMatchObject({ bucket: Date.parse(row.bucket), queue: 'support', serviceLevelPercent: 66.67, longestWaitSeconds: 50 });
    const { url, init } = calls[0] as Call;
    expect(url.pathname).toBe('/api/reports/queues');
    expect(Object.fromEntries(url.searchParams)).toEqual({ from: '2026-03-01T23:00:00.000Z', to: '2026-03-02T23:00:00.000Z', interval: 'hour', queue: 'support' });
    expect((init?.headers as Record<string, string>).authorization).toBe('Bearer tok');
  });

  it('answers CSV as text', async () => {
    const { calls, reports } = client(200, 'bucket,queue\r\n');
    expect(await reports.csv('operators', { from: FROM, to: TO, interval: '15m' })).toBe('bucket,queue\r\n');
    expect((calls[0] as Call).url.searchParams.get('format')).toBe('csv');
  });

  it('turns a refusal into an ApiError with the server\'s code and status', async () => {
    const { reports } = client(403, JSON.stringify({ error: { code: 'ERR_FORBIDDEN', message: 'this needs the role supervisor or admin' } }));
    await expect(reports.operators({ from: FROM, to: TO, interval: 'day' })).rejects.toMatchObject({ code: 'ERR_FORBIDDEN', status: 403 });
  });

  it('refuses a malformed report and asks nothing before sign-in', async () => {
    await expect(client(200, JSON.stringify({ timeZone: 'UTC', rows: [{ queue: 1 }] })).reports.queues({ from: FROM, to: TO, interval: 'range' }))
      .rejects.toMatchObject({ code: 'ERR_BAD_RESPONSE' });
    const none = client(200, '{}', false);
    await expect(none.reports.shifts({ from: FROM, to: TO })).rejects.toBeInstanceOf(ApiError);
    expect(none.calls).toHaveLength(0);
  });
});
