/** Desk phones register over UDP with digest: SIPp as the phone, the registrar on the engine. */
import { assertSippPassed, runSipp } from '../support/sipp';
import { stopAll } from '../support/processes';
import { REALM, startRegistrar } from './operator-fixture';

describe('UDP registration with digest (SIPp as a desk phone)', () => {
  let server: Awaited<ReturnType<typeof startRegistrar>>;
  beforeEach(async () => {
    server = await startRegistrar();
  });
  afterEach(async () => {
    await stopAll();
    await server.close();
  });

  it('registers with the right password (401, then 200) and the binding remembers the UDP flow', async () => {
    const run = await runSipp({
      scenario: 'register-auth', remote: `127.0.0.1:${server.port}`, transport: 'u1', service: 'op1',
      auth: { user: 'op1', password: 'right-password' }, keys: { domain: REALM, expires: 600 },
    });
    assertSippPassed(await run.done(), 1);
    const [b] = await server.registrar.lookup('op1');
    expect(b).toMatchObject({ aor: 'op1', flow: { protocol: 'udp', address: '127.0.0.1', port: run.port } });
    expect(server.seen.registers).toBe(2);
  });

  it('gives a wrong password 401 again and no binding', async () => {
    const run = await runSipp({
      scenario: 'register-auth', remote: `127.0.0.1:${server.port}`, transport: 'u1', service: 'op1',
      auth: { user: 'op1', password: 'wrong' }, keys: { domain: REALM, expires: 600 },
    });
    const result = await run.done();
    expect(result.failedCalls).toBe(1);
    expect(result.errorLog).toMatch(/401|403/);
    expect(await server.registrar.lookup('op1')).toEqual([]);
    expect(server.seen.failures.map((f) => f.reason)).toContain('wrong password');
  });
});
