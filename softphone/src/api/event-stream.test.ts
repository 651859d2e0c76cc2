import { EventStream, type EventSourceLike } from './event-stream';

/** The browser's EventSource, reduced to what a test drives: it implements the same members. */
class FakeEventSource extends EventTarget implements EventSourceLike {
  readyState = 0;
  closed = false;
  constructor(readonly url: string) {
    super();
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data: unknown): void {
    this.dispatchEvent(Object.assign(new Event(type), { data: typeof data === 'string' ? data : JSON.stringify(data) }));
  }
}

describe('EventStream', () => {
  function open() {
    let source!: FakeEventSource;
    const delegate = { onOperatorState: jest.fn(), onCall: jest.fn(), onOpen: jest.fn(), onError: jest.fn() };
    const stream = new EventStream('http://127.0.0.1/api/events?token=t', delegate, (url) => (source = new FakeEventSource(url)));
    return { stream, source, delegate };
  }

  it('delivers operator-state and call events, parsed', () => {
    const { source, delegate } = open();
    expect(source.url).toBe('http://127.0.0.1/api/events?token=t');
    source.emit('open', '');
    source.emit('operator-state', { status: 'paused', reason: 'Lunch', since: '2025-01-01T12:00:00Z' });
    source.emit('call', { callId: 'c1', phase: 'offered', queue: 'sales', caller: '+441234', waitSeconds: 12 });
    expect(delegate.onOpen).toHaveBeenCalledTimes(1);
    expect(delegate.onOperatorState).toHaveBeenCalledWith({ status: 'paused', reason: 'Lunch', since: '2025-01-01T12:00:00Z' });
    expect(delegate.onCall).toHaveBeenCalledWith({ callId: 'c1', phase: 'offered', queue: 'sales', caller: '+441234', waitSeconds: 12 });
  });

  it('reports events that do not parse and keeps going', () => {
    const { source, delegate } = open();
    source.emit('operator-state', '{nope');
    source.emit('call', { callId: 'c1', phase: 'exploded' });
    source.emit('operator-state', { status: 'available', since: 1 });
    expect(delegate.onError).toHaveBeenCalledTimes(2);
    expect(delegate.onError.mock.calls[0][1]).toBe(false);
    expect(delegate.onOperatorState).toHaveBeenCalledWith({ status: 'available', since: 1 });
  });

  it('says whether a connection error is final', () => {
    const { source, delegate } = open();
    source.emit('error', '');
    source.readyState = 2;
    source.emit('error', '');
    expect(delegate.onError.mock.calls.map((c) => c[1])).toEqual([false, true]);
  });

  it('closes the source once', () => {
    const { stream, source } = open();
    stream.close();
    stream.close();
    expect(source.closed).toBe(true);
    expect(stream.closed).toBe(true);
  });
});
