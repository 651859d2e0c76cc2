/**
 * An attended transfer (REFER with Replaces, RFC 3515 + RFC 3891) between drachtio-srf apps on three
 * engines: alice (engine 1) talks to bob (engine 2) and to carol (engine 3), then REFERs bob to carol
 * replacing her own call with carol. Bob's INVITE carries `Replaces` (and `Require: replaces`, as some
 * phones send), carol's app swaps the calls, bob reports the outcome by NOTIFY, alice leaves.
 */
import type Srf from 'drachtio-srf';
import { stopAll } from '../support/processes';
import { SDP, startEngine, type EngineFixture } from './fixture';

type Dialog = Srf.Dialog & { sip: { callId: string; localTag: string; remoteTag: string } };
const ended = (d: Srf.Dialog) => new Promise<void>((resolve) => d.on('destroy', () => resolve()));

describe('attended transfer between apps on two engines (REFER with Replaces)', () => {
  let alice: EngineFixture;
  let bob: EngineFixture;
  let carol: EngineFixture;
  beforeEach(async () => {
    [alice, bob, carol] = await Promise.all([startEngine(), startEngine(), startEngine()]);
  });
  afterEach(async () => {
    await stopAll();
    await Promise.all([alice, bob, carol].map((fx) => fx.close()));
  });

  it('bob is joined to carol, replacing alice\'s call with carol; alice gets NOTIFY 200 and hangs up', async () => {
    // carol: answers calls; an INVITE with Replaces takes over the call it names
    const carolCalls = new Map<string, Dialog>();
    const carolJoined = new Promise<Dialog>((resolve, reject) => {
      carol.srf.invite(async (req: Srf.SrfRequest, res: Srf.SrfResponse) => {
        try {
          const replaces = req.get('Replaces') as string | undefined;
          const dlg = (await carol.srf.createUAS(req, res, { localSdp: SDP(7000) })) as Dialog;
          carolCalls.set(dlg.sip.callId, dlg);
          if (!replaces) return;
          const old = carolCalls.get(replaces.split(';')[0]!.trim());
          if (!old) throw new Error(`nothing to replace for ${replaces}`);
          old.destroy();
          resolve(dlg);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    // bob: answers, and on REFER calls the Refer-To target with its Replaces, then NOTIFYs the outcome
    const bobCalled = new Promise<Dialog>((resolve) => {
      bob.srf.invite(async (req: Srf.SrfRequest, res: Srf.SrfResponse) => {
        const dlg = (await bob.srf.createUAS(req, res, { localSdp: SDP(6000) })) as Dialog;
        dlg.on('refer', async (refer: Srf.SrfRequest, referRes: Srf.SrfResponse) => {
          referRes.send(202);
          const referTo = /<([^>]+)>/.exec(refer.get('Refer-To') as string)![1]!;
          const [target, query = ''] = referTo.split('?');
          const replaces = decodeURIComponent(/(?:^|&)Replaces=([^&]+)/i.exec(query)![1]!);
          let frag = 'SIP/2.0 200 OK';
          try {
            resolve((await bob.srf.createUAC(target!, { localSdp: SDP(6000), headers: { Replaces: replaces, Require: 'replaces' } })) as Dialog);
          } catch (err) {
            frag = `SIP/2.0 ${(err as { status?: number }).status ?? 500} Failed`;
          }
          const notify = { method: 'NOTIFY', headers: { Event: 'refer', 'Subscription-State': 'terminated;reason=noresource', 'Content-Type': 'message/sipfrag' }, body: frag };
          await dlg.request(notify as unknown as Srf.SrfRequest); // drachtio-srf's typings want a request object; it takes options
        });
      });
    });

    const toBob = (await alice.srf.createUAC(`sip:bob@${bob.target}`, { localSdp: SDP(5000) })) as Dialog;
    const toCarol = (await alice.srf.createUAC(`sip:carol@${carol.target}`, { localSdp: SDP(5002) })) as Dialog;
    const aliceCarolEnded = ended(toCarol);
    const notified = new Promise<string>((resolve) => {
      toBob.on('notify', (req: Srf.SrfRequest, res: Srf.SrfResponse) => {
        res.send(200);
        resolve(req.body as string);
      });
    });
    const replaces = `${toCarol.sip.callId};to-tag=${toCarol.sip.remoteTag};from-tag=${toCarol.sip.localTag}`;
    const referRes = await new Promise<Srf.SrfResponse>((resolve, reject) => {
      const refer = {
        method: 'REFER',
        headers: { 'Refer-To': `<sip:carol@${carol.target}?Replaces=${encodeURIComponent(replaces)}>`, 'Referred-By': `<sip:alice@${alice.target}>` },
      };
      toBob.request(refer as unknown as Srf.SrfRequest, (err: Error | null, res: Srf.SrfResponse) => (err ? reject(err) : resolve(res)));
    });
    expect(referRes.status).toBe(202);

    await bobCalled;
    const joined = await carolJoined;
    await aliceCarolEnded; // carol hung up the replaced call with alice
    expect(await notified).toMatch(/^SIP\/2\.0 200/);
    await toBob.destroy(); // answered: both ends have let the dialog go
    expect(joined.sip.callId).not.toBe(toCarol.sip.callId);
    // bob and carol are connected: one dialog each side, none left at alice
    expect((await alice.stats()).dialogs).toBe(0);
    expect((await bob.stats()).dialogs).toBe(1);
    expect((await carol.stats()).dialogs).toBe(1);
  });
});
