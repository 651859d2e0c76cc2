/**
 * Waits for `work` at most `timeoutMs`: past it, rejects with an Error saying so (the work itself is
 * not cancelled: a Redis command already sent may still run). Used for every store call, so that a
 * stuck Redis cannot hold a request, a call or a REGISTER.
 */
export async function bounded<T>(work: Promise<T>, timeoutMs: number, what = 'the store'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  work.catch(() => undefined); // when given up on, its own failure no longer matters: the race reports the timeout
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
