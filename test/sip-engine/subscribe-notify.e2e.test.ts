/**
 * SUBSCRIBE/NOTIFY dialogs (RFC 6665) through the engine with unmodified drachtio-srf and SIPp: the
 * app as subscriber and as notifier, each to the NOTIFY that terminates the subscription, after which
 * neither the app nor the engine keeps the dialog.
 */
import type Srf from 'drachtio-srf';
import { assertSippPassed, runSipp } from '../support/sipp';
import { engineForEachTest } from './fixture';

describe('SUBSCRIBE/NOTIFY to termination', () => {
  const engine = engineForEachTest();

  it('the app subscribes: 202, an active NOTIFY, then the terminating NOTIFY ends the dialog', async () => {
    const notifier = await runSipp({ scenario: 'uas-notifier', calls: 1 });
    await notifier.ready();
    // drachtio-srf ends a subscriber's dialog when the terminating NOTIFY's To (our From) names the
    // subscribed entity (user@host of the SUBSCRIBE's To): a watcher of its own presence, here
    const dlg = await engine().srf.createUAC(`sip:presence@127.0.0.1:${notifier.port}`, {
      method: 'SUBSCRIBE', headers: { Event: 'presence', Expires: '60', From: '<sip:presence@127.0.0.1>' },
    } as Srf.CreateUACOptions);
    const states: string[] = [];
    dlg.on('notify', (req: Srf.SrfRequest, res: Srf.SrfResponse) => {
      states.push(req.get('Subscription-State').split(';')[0]!);
      res.send(200);
    });
    await new Promise<void>((resolve) => dlg.on('destroy', () => resolve()));
    assertSippPassed(await notifier.done(), 1);
    expect(states[states.length - 1]).toBe('terminated');
    expect((await engine().stats()).dialogs).toBe(0);
  });

  it('the app is the notifier: 202, NOTIFY active, then destroy() sends the terminating NOTIFY', async () => {
    const ended = new Promise<void>((resolve, reject) => {
      // drachtio-srf's typings omit subscribe() and a UAS without SDP
      const srf = engine().srf as unknown as { subscribe(h: (req: Srf.SrfRequest, res: Srf.SrfResponse) => void): void; createUAS(req: Srf.SrfRequest, res: Srf.SrfResponse, o: object): Promise<Srf.Dialog> };
      srf.subscribe(async (req, res) => {
        try {
          const dlg = await srf.createUAS(req, res, { headers: { Expires: '60' } });
          const notify = { method: 'NOTIFY', headers: { Event: 'presence', 'Subscription-State': 'active;expires=60' } };
          await dlg.request(notify as unknown as Srf.SrfRequest);
          await dlg.destroy(); // sends the terminating NOTIFY and waits for its answer
          resolve();
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    const subscriber = await runSipp({ scenario: 'uac-subscribe', remote: engine().target, service: 'presence', calls: 1 });
    await ended;
    assertSippPassed(await subscriber.done(), 1);
    expect((await engine().stats()).dialogs).toBe(0);
  });
});
