import type Srf from 'drachtio-srf';
import { MemoryBindingStore } from '../store/bindings/memory-binding-store';
import type { Binding } from '../store/bindings/binding-store';
import { BindingKeepAlive } from './binding-keepalive';
import { Registrar, type BindingRemovalReason } from './registrar';
import type { OperatorAuth } from './operator-auth';

type Answer = { status: number } | 'no-route' | 'silence';

/** drachtio-srf's request(uri, opts, cb) as the keep-alive uses it: answers per contact. */
function fakeSrf(answers: Map<string, Answer>, sent: Array<{ uri: string; opts: Record<string, unknown> }>) {
  return {
    use: () => undefined,
    request: (uri: string, opts: Record<string, unknown>, cb: (err: unknown, req?: unknown) => void) => {
      sent.push({ uri, opts });
      const a = answers.get(uri) ?? { status: 200 };
      if (a === 'no-route') return cb(new Error('no route'));
      cb(null, { on: (_ev: string, l: (res: { status: number }) => void) => { if (a !== 'silence') queueMicrotask(() => l(a)); } });
    },
  } as unknown as Srf;
}

const NOW = 1_000_000;
const binding = (contact: string, protocol: string, port: number): Binding => ({
  aor: 'op1', contact, expiresAt: NOW + 600_000, callId: `c-${contact}`, cseq: 1, flow: { protocol, address: '127.0.0.1', port },
});

async function setUp(answers: Map<string, Answer>, o: { maxInFlight?: number; timeoutMs?: number } = {}) {
  const store = new MemoryBindingStore();
  const sent: Array<{ uri: string; opts: Record<string, unknown> }> = [];
  const removed: Array<[BindingRemovalReason, number]> = [];
  const limits: string[] = [];
  const srf = fakeSrf(answers, sent);
  const registrar = new Registrar({ srf, bindings: store, auth: {} as OperatorAuth, now: () => NOW, onRemoved: (r, n) => removed.push([r, n]) });
  const all = [
    binding('sip:a@x.invalid;transport=ws', 'ws', 1001), binding('sip:b@x.invalid;transport=ws', 'ws', 1002),
    binding('sip:c@10.0.0.3:5060', 'tcp', 1003), binding('sip:d@10.0.0.4:5060', 'udp', 1004),
  ];
  for (const b of all) await store.update('op1', { callId: b.callId, cseq: 1, upsert: [b], remove: [] }, NOW);
  const ka = new BindingKeepAlive({ srf, registrar, aors: () => ['op1', 'nobody'], onLimit: (l) => limits.push(l), timeoutMs: o.timeoutMs ?? 1000, ...(o.maxInFlight ? { maxInFlight: o.maxInFlight } : {}) });
  const contacts = async () => (await registrar.lookup('op1')).map((b) => b.contact).sort();
  return { ka, sent, removed, limits, contacts };
}

describe('keep-alive probes of connection bindings', () => {
  it.each<[string, Answer, boolean]>([
    ['200', { status: 200 }, true], ['405 (any answer proves the device is there)', { status: 405 }, true], ['481', { status: 481 }, true],
    ['no route (the engine refused to send)', 'no-route', false], ['410 Gone (drachtio-server, closed WebSocket)', { status: 410 }, false],
    ['503 (broken pipe)', { status: 503 }, false], ['408', { status: 408 }, false],
  ])('a probe answered %s: binding kept %p', async (_what, answer, kept) => {
    const { ka, removed, contacts } = await setUp(new Map([['sip:a@x.invalid;transport=ws', answer]]));
    await ka.probeAll();
    expect((await contacts()).includes('sip:a@x.invalid;transport=ws')).toBe(kept);
    expect(removed).toEqual(kept ? [] : [['keepalive', 1]]);
  });

  it('probes WS, WSS, TCP and TLS bindings only (UDP has no connection to lose); TCP ones over their flow', async () => {
    const { ka, sent } = await setUp(new Map());
    await ka.probeAll();
    expect(sent.map((s) => s.uri).sort()).toEqual(['sip:a@x.invalid;transport=ws', 'sip:b@x.invalid;transport=ws', 'sip:c@10.0.0.3:5060']);
    expect(sent.every((s) => s.opts.method === 'OPTIONS')).toBe(true);
    expect(sent.find((s) => s.uri === 'sip:c@10.0.0.3:5060')?.opts.proxy).toBe('sip:127.0.0.1:1003;transport=tcp');
    expect(sent.find((s) => s.uri.startsWith('sip:a@'))?.opts.proxy).toBeUndefined(); // the engine's contact cache routes WebSocket contacts
  });

  it('counts a probe unanswered within timeoutMs as failed', async () => {
    const { ka, removed } = await setUp(new Map([['sip:b@x.invalid;transport=ws', 'silence']]), { timeoutMs: 50 });
    await ka.probeAll();
    expect(removed).toEqual([['keepalive', 1]]);
  });

  it('keeps at most maxInFlight probes outstanding; the rest wait for the next round (limit tripped)', async () => {
    const silent = new Map<string, Answer>([['sip:a@x.invalid;transport=ws', 'silence'], ['sip:b@x.invalid;transport=ws', 'silence'], ['sip:c@10.0.0.3:5060', 'silence']]);
    const { ka, sent, limits } = await setUp(silent, { maxInFlight: 2, timeoutMs: 50 });
    await ka.probeAll();
    expect(sent).toHaveLength(2);
    expect(limits).toEqual(['keepalive-probes']);
  });

  it('leaves a binding refreshed by a REGISTER while its probe was out', async () => {
    const { ka, removed, contacts } = await setUp(new Map([['sip:a@x.invalid;transport=ws', { status: 410 }]]));
    const [stale] = (await (ka as unknown as { options: { registrar: Registrar } }).options.registrar.lookup('op1')).filter((b) => b.contact.startsWith('sip:a@'));
    expect(await ka.check({ ...stale!, cseq: 0 })).toBe('gone'); // an older copy of the binding than the store's
    expect(await contacts()).toContain('sip:a@x.invalid;transport=ws');
    expect(removed).toEqual([]);
  });
});
