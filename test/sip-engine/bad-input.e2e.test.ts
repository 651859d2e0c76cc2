/**
 * Bad input: truncated, oversized, binary and broken messages over UDP and TCP get 400 where a
 * response can be built and are dropped otherwise; then a good call still goes through.
 */
import { badMessages, outcome, sendRaw } from '../support/raw-sip';
import { freeSipPort } from '../support/ports';
import { assertSippPassed, runSipp } from '../support/sipp';
import { stopAll } from '../support/processes';
import { SDP, startEngine, type EngineFixture } from './fixture';

describe('bad input to the engine', () => {
  let fx: EngineFixture;
  beforeAll(async () => {
    fx = await startEngine();
    fx.srf.use('options', (_req, res) => res.send(200));
    fx.srf.invite((req, res) => void fx.srf.createUAS(req, res, { localSdp: SDP() }));
  });
  afterAll(async () => {
    await stopAll();
    await fx.close();
  });

  it('answers or drops each bad message as the catalogue says, then serves a good call', async () => {
    const localPort = await freeSipPort();
    const cases = badMessages({ localPort, target: fx.target });
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const wrong: string[] = [];
    for (const c of cases) {
      const reply = await sendRaw({
        port: fx.sipPort, transport: c.transport, data: c.bytes, localPort: c.transport === 'udp' ? localPort : undefined,
        windowMs: c.expect === 'drop' ? 300 : 1500,
        until: (r) => r.statuses.some((s) => s >= 200),
      });
      const got = outcome(reply);
      const ok = c.expect === 'drop'
        ? got === 'drop' || (Array.isArray(got) && got.length === 0)
        : Array.isArray(got) && got.some((s) => c.acceptStatuses.includes(s));
      if (!ok) wrong.push(`${c.transport} ${c.name}: expected ${c.expect}, got ${JSON.stringify(got)}`);
    }
    expect(wrong).toEqual([]);
    expect((await fx.stats()).badMessages).toBeGreaterThan(0);

    const uac = await runSipp({ scenario: 'uac-basic', remote: fx.target, transport: 'u1', calls: 3, keys: { hold_ms: 100 } });
    assertSippPassed(await uac.done(), 3);
    const tcp = await runSipp({ scenario: 'uac-basic', remote: fx.target, transport: 't1', calls: 1, keys: { hold_ms: 100 } });
    assertSippPassed(await tcp.done(), 1);
  });
});
