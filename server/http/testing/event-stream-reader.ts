/** A test reader of an event stream (Server-Sent Events) over fetch. */
export interface SseMessage {
  event?: string;
  data?: unknown;
  comment?: string;
}

/** Reads an event stream with fetch; `next` waits for the first message matching. */
export async function openEvents(url: string) {
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
