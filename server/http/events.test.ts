import { call, login, startTestServer, type TestServer } from './testing/harness';

interface SseMessage {
  event?: string;
  data?: unknown;
  comment?: string;
}

/** Reads an event stream with fetch; `next` waits for the first message matching. */
async function openEvents(url: string) {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  const messages: SseMessage[] = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  const pump = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) messages.push({ comment: line.slice(1).trim() });
          }
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) messages.push({ event, data: data === undefined ? undefined : JSON.parse(data) });
        }
        waiters.splice(0).forEach((w) => w());
      }
    } catch {
      // aborted
    }
    waiters.splice(0).forEach((w) => w());
  })();
  let seen = 0;
  return {
    res,
    messages,
    /** The next message (after those already taken) that matches; fails after 5 s. */
    async next(match: (m: SseMessage) => boolean): Promise<SseMessage> {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const i = messages.findIndex((m, k) => k >= seen && match(m));
        if (i >= 0) {
          seen = i + 1;
          return messages[i];
        }
        if (Date.now() > deadline) throw new Error(`no matching event; got ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    ended: pump,
    close: async () => {
      abort.abort();
      await pump;
    },
  };
}

const isEvent = (name: string) => (m: SseMessage) => m.event === name;

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('GET /api/events', () => {
  let t: TestServer;
  let token: string;
  beforeEach(async () => {
    t = await startTestServer({ heartbeatMs: 50 });
    token = await login(t);
  });
  afterEach(async () => t.close());

  it('streams the state now and an operator-state event after a status change', async () => {
    const events = await openEvents(`${t.url}/api/events?token=${token}`);
    expect(events.res.status).toBe(200);
    expect(events.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect((await events.next(isEvent('operator-state'))).data).toMatchObject({ status: 'paused', reason: 'login' });
    t.clock.now += 2_000;
    await call(`${t.url}/api/operators/me/status`, 'PUT', token, { status: 'available' });
    expect((await events.next(isEvent('operator-state'))).data).toEqual({ status: 'available', since: new Date(t.clock.now).toISOString() });
    await events.close();
  });

  it('delivers only the events of the operator owning the token', async () => {
    const bobToken = await login(t, '1002', 'bob-pw');
    const alice = await openEvents(`${t.url}/api/events?token=${token}`);
    const bob = await openEvents(`${t.url}/api/events?token=${bobToken}`);
    await alice.next(isEvent('operator-state'));
    await bob.next(isEvent('operator-state'));
    t.bus.emit('call', { callId: 'c7', operatorId: 'bob', phase: 'offered', queue: 'support', caller: '+4930123', waitSeconds: 12 });
    t.bus.emit('call', { callId: 'c8', operatorId: 'alice', phase: 'offered', queue: 'support', caller: '+4930999', waitSeconds: 3 });
    await t.acd.setAvailable('bob');
    expect((await bob.next(isEvent('call'))).data).toEqual({ callId: 'c7', phase: 'offered', queue: 'support', caller: '+4930123', waitSeconds: 12 });
    expect((await bob.next(isEvent('operator-state'))).data).toMatchObject({ status: 'available' });
    expect((await alice.next(isEvent('call'))).data).toMatchObject({ callId: 'c8' });
    t.bus.emit('operator-state', { operatorId: 'alice', status: 'paused', reason: 'elsewhere', since: t.clock.now + 1 });
    expect((await alice.next(isEvent('operator-state'))).data).toMatchObject({ reason: 'elsewhere' });
    expect(alice.messages.filter((m) => m.event === 'call')).toHaveLength(1);
    expect(alice.messages.filter((m) => m.event === 'operator-state')).toHaveLength(2);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('sends a change once when it arrives both from the acd and from the bus', async () => {
    const events = await openEvents(`${t.url}/api/events?token=${token}`);
    await events.next(isEvent('operator-state'));
    await t.acd.setAvailable('alice');
    t.bus.emit('operator-state', { operatorId: 'alice', status: 'available', since: t.clock.now });
    await events.next((m) => m.comment === 'heartbeat');
    await events.next((m) => m.comment === 'heartbeat');
    expect(events.messages.filter((m) => m.event === 'operator-state').map((m) => (m.data as { status: string }).status)).toEqual(['paused', 'available']);
    await events.close();
  });

  it('writes heartbeat comments and drops the stream when the client goes away', async () => {
    const events = await openEvents(`${t.url}/api/events`.concat(`?token=${token}`));
    await events.next((m) => m.comment === 'heartbeat');
    expect(t.http.eventStreams()).toBe(1);
    await events.close();
    await until(() => t.http.eventStreams() === 0);
  });

  it('ends the stream when the session signs out', async () => {
    const events = await openEvents(`${t.url}/api/events?token=${token}`);
    await events.next(isEvent('operator-state'));
    await call(`${t.url}/api/logout`, 'POST', token);
    await events.ended;
    expect(t.http.eventStreams()).toBe(0);
  });

  it('close() ends every stream and is idempotent', async () => {
    const events = await openEvents(`${t.url}/api/events?token=${token}`);
    await events.next(isEvent('operator-state'));
    t.http.close();
    t.http.close();
    await events.ended;
    expect(t.http.eventStreams()).toBe(0);
  });

  it('requires a live token', async () => {
    const res = await fetch(`${t.url}/api/events?token=nope`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_UNAUTHORIZED');
    expect((await fetch(`${t.url}/api/events`)).status).toBe(401);
  });
});
