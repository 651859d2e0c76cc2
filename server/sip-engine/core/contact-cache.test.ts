import { ContactCache } from './contact-cache';
import type { Endpoint } from '../transport/types';

const flowA: Endpoint = { protocol: 'ws', address: '127.0.0.1', port: 40001, connectionId: 'a' };
const flowB: Endpoint = { protocol: 'ws', address: '127.0.0.1', port: 40002, connectionId: 'b' };
const stale = 'sip:stale@x.invalid;transport=ws';
const live = 'sip:live@y.invalid;transport=ws';

describe('ContactCache', () => {
  it.each([
    // mode, 200's contacts (the live one registering over flowB), where the live contact routes, where the stale one does
    ['registered' as const, [{ uri: stale, expires: 38 }, { uri: live, expires: 600 }], flowB, flowA],
    ['first-contact' as const, [{ uri: live, expires: 600 }, { uri: stale, expires: 38 }], flowB, flowA],
  ])('%s: a REGISTER 200 over a flow routes its contact over it', (mode, contacts, liveRoute, staleRoute) => {
    let now = 0;
    const cache = new ContactCache(mode, () => now);
    cache.registered([stale], { contacts: [{ uri: stale, expires: 600 }] }, flowA);
    cache.registered([live], { contacts }, flowB);
    expect(cache.route(`${live.replace(';transport=ws', '')};transport=ws;ob`)).toEqual(liveRoute);
    expect(cache.route(stale)).toEqual(staleRoute);
    now = 601_000;
    expect(cache.route(live)).toBeUndefined();
  });

  it('first-contact: takes its lifetime from the first Contact of the 200, whoever it is', () => {
    let now = 0;
    const cache = new ContactCache('first-contact', () => now);
    cache.registered([live], { contacts: [{ uri: stale, expires: 38 }, { uri: live, expires: 600 }] }, flowB);
    expect(cache.route(live)).toBeUndefined(); // the live contact was not cached: what made a reloaded tab unreachable
    expect(cache.route(stale)).toEqual(flowB);
    now = 39_000;
    expect(cache.route(stale)).toBeUndefined();
  });

  it('registered: an un-REGISTER (contact not in the 200) leaves the cache; Expires header as default', () => {
    const cache = new ContactCache('registered', () => 0);
    cache.registered([live], { contacts: [{ uri: live }], expires: 300 }, flowB);
    expect(cache.route(live)).toEqual(flowB);
    cache.registered([live], { contacts: [] }, flowB);
    expect(cache.route(live)).toBeUndefined();
  });
});
