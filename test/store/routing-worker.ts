/**
 * One routing process for the concurrency test: drives a shared Redis ACD with random operator
 * actions, calls and ticks, racing another copy of itself. Bounded in count and time.
 * Usage: tsx routing-worker.ts <redis url> <prefix> <worker id> <max steps> <max ms>
 * Prints one line: RESULT {"events": [...], "races": n, "steps": n}
 */
import { Acd, isAppError, type RoutingEvent } from '../../server/routing';
import { RedisAcdStore } from '../../server/store/redis-store';

const EXPECTED_RACES = new Set(['ERR_ILLEGAL_TRANSITION', 'ERR_STALE_OFFER', 'ERR_UNKNOWN_CALL', 'ERR_QUEUE_FULL']);

async function main(): Promise<void> {
  const [url, prefix, wid, maxSteps, maxMs] = process.argv.slice(2) as [string, string, string, string, string];
  const store = await RedisAcdStore.connect({ url, prefix });
  let n = 0;
  const acd = new Acd({ store, now: () => Date.now(), newId: () => `${wid}-${++n}`, random: Math.random });
  const events: RoutingEvent[] = [];
  acd.on('event', (e) => events.push(e));
  const deadline = Date.now() + Number(maxMs);
  let races = 0;
  let steps = 0;
  const pick = <T>(list: T[]): T | undefined => list[Math.floor(Math.random() * list.length)];
  for (; steps < Number(maxSteps) && Date.now() < deadline; steps++) {
    const r = Math.random();
    try {
      if (r < 0.25) {
        await acd.enqueue({ id: `${wid}-c${steps}`, queueId: pick(['q1', 'q2', 'q3']) as string, priority: Math.random() < 0.2 ? 1 : 0 });
      } else if (r < 0.85) {
        const view = await store.read();
        const op = pick(view.operators);
        if (!op) continue;
        if (op.state === 'offline') await acd.operatorLogin(op.id);
        else if (op.state === 'paused') await acd.setAvailable(op.id);
        else if (op.state === 'available') await (Math.random() < 0.1 ? acd.pause(op.id, 'break') : acd.tick());
        else if (op.state === 'reserved' || op.state === 'ringing') {
          const ref = { callId: op.callId as string, operatorId: op.id, token: op.token as string };
          const x = Math.random();
          await (x < 0.6 ? acd.onAnswered(ref) : x < 0.8 ? acd.onRinging(ref) : acd.onNoAnswer(ref));
        } else if (op.state === 'on-call') await acd.onHangup(op.callId as string);
        else if (op.state === 'wrap-up') await acd.endWrapUp(op.id);
      } else if (r < 0.9) {
        const view = await store.read();
        const waiting = pick(view.calls.filter((c) => c.state !== 'on-call'));
        if (waiting) await acd.onAbandoned(waiting.id);
      } else {
        await acd.tick();
      }
    } catch (err) {
      if (isAppError(err) && EXPECTED_RACES.has(err.code)) races++;
      else throw err;
    }
  }
  await store.close();
  process.stdout.write(`RESULT ${JSON.stringify({ events, races, steps })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
