import { Inviter, UserAgent } from 'sip.js';
import { dialBindings } from '../../server/signalling/operator-dialer';
import { waitFor } from '../support/processes';
import { ENGINE_MODES, SDP, startRegistrar, startSoftphone } from './operator-fixture';

type Server = Awaited<ReturnType<typeof startRegistrar>>;

describe.each(ENGINE_MODES)('operators register over WebSocket with sip.js and receive calls ($mode engine)', ({ compat }) => {
  let server: Server;
  beforeEach(async () => {
    server = await startRegistrar(compat ? { compat } : {});
  });
  afterEach(() => server?.close());

  it('challenges with 401, accepts the right password with 200, and the server can call the softphone', async () => {
    const phone = await startSoftphone('op1', 'right-password', server.wsPort);
    expect(await phone.register()).toBe(200);
    expect(server.seen.registers).toBe(2); // the first REGISTER got 401, the retry with credentials 200
    const bindings = await server.registrar.lookup('op1');
    expect(bindings).toHaveLength(1);
    expect(bindings[0]!.flow.protocol).toBe('ws'); // from the Via, whatever the engine reports:
    expect(server.seen.protocols[0]).toBe(compat ? 'tcp' : 'ws');

    try {
      const result = await dialBindings(server.srf, bindings, { localSdp: SDP, ringTimeoutMs: 5000 });
      if (result.kind !== 'dialog') throw new Error('expected a dialog');
      const { dialog } = result;
      expect(phone.invitations).toHaveLength(1);
      expect(dialog.remote.sdp).toContain('m=audio');
      const ended = new Promise((r) => phone.invitations[0]!.stateChange.addListener((s) => s === 'Terminated' && r(s)));
      dialog.destroy();
      await ended;
    } finally {
      await phone.stop();
    }
  });

  it('challenges an INVITE from an operator and accepts it with credentials', async () => {
    const invites: Array<string | undefined> = [];
    server.srf.invite(async (req, res) => {
      invites.push(req.get('Authorization'));
      const user = server.auth.check(req, res);
      if (user) await server.srf.createUAS(req, res, { localSdp: SDP });
    });
    const phone = await startSoftphone('op1', 'right-password', server.wsPort);
    try {
      const inviter = new Inviter(phone.ua, UserAgent.makeURI('sip:200@switchboard.test')!);
      const established = new Promise<void>((resolve) => inviter.stateChange.addListener((s) => s === 'Established' && resolve()));
      await inviter.invite();
      await established;
      expect(invites).toHaveLength(2);
      expect(invites[0]).toBeUndefined();
      expect(invites[1]).toMatch(/^Digest .*username="op1"/);
      await inviter.bye();
    } finally {
      await phone.stop();
    }
  });

  it('gives no binding for a wrong password', async () => {
    const phone = await startSoftphone('op1', 'wrong-password', server.wsPort);
    expect([401, 403]).toContain(await phone.register());
    expect(await server.registrar.lookup('op1')).toEqual([]);
    expect(server.seen.failures[0]).toMatchObject({ reason: 'wrong password' });
    await phone.stop();
  });

  it('lets a registration expire', async () => {
    const phone = await startSoftphone('op2', 'other-password', server.wsPort);
    expect(await phone.register()).toBe(200);
    expect(await server.registrar.lookup('op2')).toHaveLength(1);
    server.advanceClock(301_000);
    expect(await server.registrar.lookup('op2')).toEqual([]);
    await phone.stop();
  });

  it('makes a softphone unreachable at once when its WebSocket closes', async () => {
    const phone = await startSoftphone('op1', 'right-password', server.wsPort);
    expect(await phone.register()).toBe(200);
    const [binding] = await server.registrar.lookup('op1');
    // a live device answers the keep-alive probe and keeps its binding
    expect(await server.keepAlive.check(binding!)).toBe('alive');
    expect(await server.registrar.lookup('op1')).toHaveLength(1);
    await phone.ua.transport.disconnect();
    // the embedded engine says the flow closed; drachtio-server does not: the keep-alive probe finds out
    await waitFor(async () => {
      if (compat) await server.keepAlive.probeAll();
      return (await server.registrar.lookup('op1')).length === 0;
    }, 'the binding to go', 30_000);
    expect(server.removed).toEqual([[compat ? 'keepalive' : 'flow-closed', 1]]);
    // a stale binding fails fast: there is no flow to send over
    const stale: unknown[] = [];
    await expect(dialBindings(server.srf, [binding!], {
      localSdp: SDP, ringTimeoutMs: 5000,
      onUnreachable: (b) => { stale.push(b); void server.registrar.unreachable(b); },
    })).rejects.toMatchObject({ reason: 'unreachable' });
    expect(stale).toEqual([binding]);
    expect(await server.registrar.lookup('op1')).toEqual([]);
    await phone.stop();
  });

  it('replaces the binding of a reloaded tab of the same device (+sip.instance)', async () => {
    const instanceId = '5f1a0c2e-8d4b-4e6a-9c3d-2b7e1f0a9d11';
    const killed = await startSoftphone('op1', 'right-password', server.wsPort, { instanceId });
    expect(await killed.register()).toBe(200);
    await killed.ua.transport.disconnect(); // the tab is gone without un-REGISTER
    await killed.registerer.dispose().catch(() => undefined);
    const other = await startSoftphone('op1', 'right-password', server.wsPort, { instanceId: '0e9d3b41-7a2c-4f18-8b5e-c6d4a3f2e190' });
    const reloaded = await startSoftphone('op1', 'right-password', server.wsPort, { instanceId });
    try {
      expect(await other.register()).toBe(200);
      expect(await reloaded.register()).toBe(200);
      // the reloaded tab's REGISTER replaced the killed tab's binding at once; the other device keeps its own
      const bindings = await server.registrar.lookup('op1');
      expect(bindings.map((b) => b.contact).sort()).toEqual([other.ua.contact.uri.toString(), reloaded.ua.contact.uri.toString()].sort());
      // (the embedded engine's flow notice may remove it first; drachtio-server sends none)
      expect(server.removed).toEqual([[compat ? 'replaced' : expect.stringMatching(/^(replaced|flow-closed)$/), 1]]);
      const result = await dialBindings(server.srf, bindings.filter((b) => b.contact === reloaded.ua.contact.uri.toString()), { localSdp: SDP, ringTimeoutMs: 5000 });
      if (result.kind !== 'dialog') throw new Error('expected a dialog');
      expect(reloaded.invitations).toHaveLength(1);
      expect(killed.invitations).toHaveLength(0);
      result.dialog.destroy();
    } finally {
      await reloaded.stop();
      await other.stop();
      await killed.ua.stop().catch(() => undefined);
    }
  });

  it('keeps an operator reachable when a killed tab is followed by a new one', async () => {
    const killed = await startSoftphone('op1', 'right-password', server.wsPort);
    expect(await killed.register()).toBe(200);
    await killed.ua.transport.disconnect(); // the tab is gone without un-REGISTER
    await killed.registerer.dispose().catch(() => undefined);
    const fresh = await startSoftphone('op1', 'right-password', server.wsPort);
    try {
      expect(await fresh.register()).toBe(200);
      const bindings = await server.registrar.lookup('op1');
      expect(bindings.length).toBe(compat ? 2 : 1); // without flow notices the stale binding is still there
      const result = await dialBindings(server.srf, bindings, { localSdp: SDP, ringTimeoutMs: 5000, onUnreachable: (b) => void server.registrar.unreachable(b) });
      if (result.kind !== 'dialog') throw new Error('expected a dialog');
      expect(fresh.invitations).toHaveLength(1);
      expect(killed.invitations).toHaveLength(0);
      result.dialog.destroy();
      await waitFor(async () => (await server.registrar.lookup('op1')).length === 1, 'only the live binding to stay');
      // and again: the engine's route follows the live contact
      const again = await dialBindings(server.srf, await server.registrar.lookup('op1'), { localSdp: SDP, ringTimeoutMs: 5000 });
      if (again.kind !== 'dialog') throw new Error('expected a dialog');
      expect(fresh.invitations).toHaveLength(2);
      again.dialog.destroy();
    } finally {
      await fresh.stop();
      await killed.ua.stop().catch(() => undefined);
    }
  });
});
