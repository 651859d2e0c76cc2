/**
 * The RecordStore conformance suite: the same tests on every engine (PGlite, PostgreSQL server).
 * Each `create()` gives a fresh, empty, migrated store.
 */
import { isAppError } from '../../server/routing';
import { exportCustomersCsv, importCustomersCsv } from '../../server/records/customer-csv';
import { parseCsv } from '../../server/records/csv';
import { LATEST_SCHEMA_VERSION, migrate, MIGRATIONS } from '../../server/records/migrations';
import type { CallRecord } from '../../server/records/model';
import type { SqlRecordStore } from '../../server/records/sql-record-store';
import { answeredCall, liveCall, T0 } from './fixtures';

export interface RecordStoreFactory {
  create(): Promise<SqlRecordStore>;
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
}

export function describeRecordStoreConformance(name: string, factory: RecordStoreFactory): void {
  describe(`RecordStore conformance: ${name}`, () => {
    let store: SqlRecordStore;
    beforeAll(async () => {
      store = await factory.create();
    });
    afterAll(async () => store?.close());

    describe('migrations', () => {
      it('are at the latest version, and applying them again changes nothing', async () => {
        expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
        expect(await migrate(store.client)).toEqual([]);
      });

      it('refuse a database newer than the code (typed error), and apply a new one in order', async () => {
        const own = await factory.create();
        try {
          const next = [...MIGRATIONS, { version: LATEST_SCHEMA_VERSION + 1, name: 'test', sql: 'create table extra (x integer)' }];
          expect(await migrate(own.client, next)).toEqual([LATEST_SCHEMA_VERSION + 1]);
          expect(await codeOf(migrate(own.client))).toBe('ERR_RECORDS_SCHEMA_NEWER');
          const broken = [...next, { version: LATEST_SCHEMA_VERSION + 2, name: 'broken', sql: 'create table extra2 (x integer); select nonsense from nowhere' }];
          expect(await codeOf(migrate(own.client, broken))).toBe('ERR_RECORDS_MIGRATION');
          // rolled back as one: no half-applied migration
          expect(await own.schemaVersion()).toBe(LATEST_SCHEMA_VERSION + 1);
          expect(await own.client.query("select to_regclass('extra2') as t")).toEqual([{ t: null }]);
        } finally {
          await own.close();
        }
      });
    });

    describe('call records', () => {
      it('upserts a call as it progresses: live, then answered, then ended; segments replaced each time', async () => {
        const live = liveCall();
        await store.saveCall(live);
        expect(await store.getCall(live.callId)).toEqual(live);
        const done = answeredCall({ callId: live.callId, arrivedAt: live.arrivedAt });
        await store.saveCall(done);
        await store.saveCall(done); // idempotent
        expect(await store.getCall(live.callId)).toEqual(done);
        const fewer = { ...done, segments: done.segments.slice(0, 2) };
        await store.saveCall(fewer);
        expect((await store.getCall(live.callId))?.segments).toEqual(fewer.segments);
      });

      it('never reopens an ended call with a late live snapshot', async () => {
        const done = answeredCall();
        await store.saveCall(done);
        await store.saveCall({ ...liveCall({ callId: done.callId }), arrivedAt: done.arrivedAt });
        expect(await store.getCall(done.callId)).toEqual(done);
      });

      it('keeps every optional field', async () => {
        const full = answeredCall({ customerId: 'cust-1', setupMs: 12.5, disposition: 'sale', notes: 'wants a callback', holdSeconds: 7.25, direction: 'outbound' });
        full.segments.push({ seq: 5, kind: 'transferred', startedAt: T0 + 30_000, endedAt: T0 + 31_000, operatorId: 'alice', target: 'queue:sales', result: 'completed' });
        await store.saveCall(full);
        expect(await store.getCall(full.callId)).toEqual(full);
      });

      it('saves a batch in one go, the last snapshot of a call winning', async () => {
        const a = liveCall();
        const b = answeredCall();
        await store.saveCalls([a, b, { ...a, waitSeconds: 3 }]);
        expect((await store.getCall(a.callId))?.waitSeconds).toBe(3);
        expect(await store.getCall(b.callId)).toEqual(b);
      });

      it('dispose: only an operator who handled the call; the disposition survives later snapshots', async () => {
        const c = answeredCall();
        await store.saveCall(c);
        expect(await store.dispose(c.callId, 'bob', 'sale')).toBe(false);
        expect(await store.dispose('no-such-call', 'alice', 'sale')).toBe(false);
        expect(await store.dispose(c.callId, 'alice', 'sale', 'call back Friday')).toBe(true);
        await store.saveCall(c);
        expect(await store.getCall(c.callId)).toMatchObject({ disposition: 'sale', notes: 'call back Friday' });
        // an operator who answered before a transfer may dispose too
        const t = answeredCall({ operatorId: 'bob' });
        await store.saveCall(t);
        expect(await store.dispose(t.callId, 'alice', 'transferred')).toBe(true);
      });

      it('queries newest first with filters and a limit', async () => {
        const base = T0 + 86_400_000 * 30;
        const recs: CallRecord[] = [
          answeredCall({ arrivedAt: base + 1_000, queue: 'q-x' }),
          answeredCall({ arrivedAt: base + 2_000, queue: 'q-x', operatorId: 'bob' }),
          answeredCall({ arrivedAt: base + 3_000, queue: 'q-x', outcome: 'abandoned', operatorId: undefined, answeredAt: undefined, caller: '+4940999' }),
          answeredCall({ arrivedAt: base + 4_000, queue: 'q-y', customerId: 'cust-q' }),
        ];
        await store.saveCalls(recs);
        const ids = async (f: Parameters<SqlRecordStore['queryCalls']>[0]) => (await store.queryCalls({ from: base, to: base + 10_000, ...f })).map((r) => r.callId);
        const [a, b, c, d] = recs.map((r) => r.callId);
        expect(await ids({})).toEqual([d, c, b, a]);
        expect(await ids({ queue: 'q-x' })).toEqual([c, b, a]);
        expect(await ids({ operatorId: 'bob' })).toEqual([b]);
        expect(await ids({ outcome: 'abandoned' })).toEqual([c]);
        expect(await ids({ caller: '+4940999' })).toEqual([c]);
        expect(await ids({ customerId: 'cust-q' })).toEqual([d]);
        expect(await ids({ limit: 2 })).toEqual([d, c]);
        expect(await ids({ queues: ['q-x', 'q-z'] })).toEqual([c, b, a]);
        expect(await ids({ queues: [] })).toEqual([]);
        // handled by: the call's operator or any segment's (every fixture's segments name alice)
        expect(await ids({ handledBy: 'bob' })).toEqual([b]);
        expect(await ids({ handledBy: 'alice' })).toEqual([d, c, b, a]);
        expect(await ids({ handledBy: 'carol' })).toEqual([]);
        expect(await ids({ from: base + 2_000, to: base + 4_000 })).toEqual([c, b]);
        expect((await store.queryCalls({ from: base, to: base + 10_000, queue: 'q-x', limit: 1 }))[0]).toEqual(recs[2]);
      });

      it('closes the live calls of a dead instance as interrupted, and only those', async () => {
        const mine = liveCall({ instanceId: 'dead-1', arrivedAt: T0 });
        const answered = { ...liveCall({ instanceId: 'dead-1', arrivedAt: T0, answeredAt: T0 + 5_000, waitSeconds: 5, operatorId: 'alice' }) };
        const other = liveCall({ instanceId: 'alive-1' });
        const ended = answeredCall({ instanceId: 'dead-1' });
        await store.saveCalls([mine, answered, other, ended]);
        expect(await store.closeInterrupted('dead-1', T0 + 60_000)).toBe(2);
        expect(await store.getCall(mine.callId)).toMatchObject({ outcome: 'interrupted', endedAt: T0 + 60_000, waitSeconds: 60, segments: [{ seq: 1, endedAt: T0 + 60_000 }] });
        expect(await store.getCall(answered.callId)).toMatchObject({ outcome: 'interrupted', waitSeconds: 5 });
        expect((await store.getCall(other.callId))?.endedAt).toBeUndefined();
        expect(await store.getCall(ended.callId)).toEqual(ended);
        expect(await store.closeInterrupted('dead-1', T0 + 90_000)).toBe(0);
      });

      it('deletes records older than a cutoff, with their segments, but not live ones', async () => {
        const old = answeredCall({ arrivedAt: T0 - 400 * 86_400_000 });
        const oldLive = liveCall({ arrivedAt: T0 - 400 * 86_400_000, instanceId: 'retention' });
        const recent = answeredCall({ arrivedAt: T0 - 86_400_000 });
        await store.saveCalls([old, oldLive, recent]);
        const deleted = await store.deleteOlderThan(T0 - 365 * 86_400_000);
        expect(deleted.calls).toBeGreaterThanOrEqual(1);
        expect(await store.getCall(old.callId)).toBeUndefined();
        expect(await store.getCall(oldLive.callId)).toBeDefined();
        expect(await store.getCall(recent.callId)).toEqual(recent);
        expect(await store.client.query('select count(*)::int as n from call_segments where call_id = $1', [old.callId])).toEqual([{ n: 0 }]);
      });
    });

    describe('operator activity', () => {
      it('records state intervals with reasons; a repeated event changes nothing', async () => {
        const op = `op-${Date.now()}`;
        const at = (s: number) => T0 + s * 1000;
        await store.recordActivity({ operatorId: op, state: 'paused', reason: 'login', at: at(0), instanceId: 'i1' });
        await store.recordActivity({ operatorId: op, state: 'available', at: at(10), instanceId: 'i1' });
        await store.recordActivity({ operatorId: op, state: 'available', at: at(11), instanceId: 'i1' });
        await store.recordActivity({ operatorId: op, state: 'paused', reason: 'break', at: at(100), instanceId: 'i1' });
        expect(await store.queryActivity({ operatorId: op })).toEqual([
          { operatorId: op, state: 'paused', reason: 'login', startedAt: at(0), endedAt: at(10), instanceId: 'i1' },
          { operatorId: op, state: 'available', startedAt: at(10), endedAt: at(100), instanceId: 'i1' },
          { operatorId: op, state: 'paused', reason: 'break', startedAt: at(100), instanceId: 'i1' },
        ]);
        expect((await store.queryActivity({ operatorId: op, from: at(50), to: at(60) })).map((i) => i.state)).toEqual(['available']);
        // a dead instance's open interval is closed with its calls
        await store.closeInterrupted('i1', at(200));
        expect((await store.queryActivity({ operatorId: op })).at(-1)?.endedAt).toBe(at(200));
      });
    });

    describe('supervisor actions', () => {
      it('keeps each action with who took it, newest first, filtered by author, queues and time; retention removes old ones', async () => {
        const by = `sup-${Date.now()}`;
        const at = (s: number) => T0 + s * 1000;
        await store.recordSupervisorAction({ at: at(1), by, action: 'move-call', callId: 'c1', queue: 'support', details: { to: 'sales' } });
        await store.recordSupervisorAction({ at: at(2), by, action: 'operator-status', operatorId: 'bob', details: { from: 'available', status: 'paused', reason: 'coaching' } });
        await store.recordSupervisorAction({ at: at(3), by: `${by}-other`, action: 'set-priority', callId: 'c2', queue: 'sales', details: { priority: 7, from: 0 } });
        expect(await store.querySupervisorActions({ by })).toEqual([
          { at: at(2), by, action: 'operator-status', operatorId: 'bob', details: { from: 'available', status: 'paused', reason: 'coaching' } },
          { at: at(1), by, action: 'move-call', callId: 'c1', queue: 'support', details: { to: 'sales' } },
        ]);
        expect((await store.querySupervisorActions({ queues: ['sales'], from: at(0), to: at(10) })).map((a) => a.action)).toEqual(['set-priority']);
        expect(await store.querySupervisorActions({ by, limit: 1 })).toHaveLength(1);
        await store.deleteOlderThan(at(2));
        expect((await store.querySupervisorActions({ by })).map((a) => a.at)).toEqual([at(2)]);
      });
    });

    describe('customers', () => {
      it('creates, finds by any notation of a phone, updates, searches and deletes', async () => {
        const c = await store.createCustomer({ name: 'Ada Lovelace', company: 'Engines Ltd', phones: ['+44 20 7946 0001', '0044 20 7946 0002'], tags: ['vip'], fields: { account: 'A-1' } }, T0);
        expect(c).toMatchObject({ name: 'Ada Lovelace', phones: ['+442079460001', '+442079460002'], tags: ['vip'], fields: { account: 'A-1' }, createdAt: T0 });
        expect((await store.findCustomerByPhone('+44 (20) 7946-0002'))?.id).toBe(c.id);
        expect((await store.findCustomerByPhone('sip:+442079460001@pbx.example'))?.id).toBe(c.id);
        expect(await store.findCustomerByPhone('+15550000000')).toBeUndefined();
        expect(await store.findCustomerByPhone('anonymous')).toBeUndefined();
        expect(await codeOf(store.createCustomer({ name: 'Other', phones: ['+442079460001'] }, T0))).toBe('ERR_PHONE_TAKEN');
        expect(await codeOf(store.createCustomer({ phones: ['12'] }, T0))).toBe('ERR_BAD_PHONE');
        expect(await codeOf(store.createCustomer({ tags: ['x'.repeat(65)] }, T0))).toBe('ERR_INVALID_INPUT');
        const u = await store.updateCustomer(c.id, { notes: 'prefers email', phones: ['+442079460003'] }, T0 + 1);
        expect(u).toMatchObject({ name: 'Ada Lovelace', notes: 'prefers email', phones: ['+442079460003'], updatedAt: T0 + 1, createdAt: T0 });
        expect(await store.findCustomerByPhone('+442079460001')).toBeUndefined();
        expect(await codeOf(store.updateCustomer('nobody', { name: 'x' }, T0))).toBe('ERR_UNKNOWN_CUSTOMER');
        expect((await store.searchCustomers({ text: 'lovel' })).map((x) => x.id)).toEqual([c.id]);
        expect((await store.searchCustomers({ text: '7946' })).map((x) => x.id)).toEqual([c.id]);
        expect((await store.searchCustomers({ tag: 'vip' })).map((x) => x.id)).toContain(c.id);
        expect(await store.searchCustomers({ text: '100%' })).toEqual([]);
        expect(await store.deleteCustomer(c.id)).toBe(true);
        expect(await store.deleteCustomer(c.id)).toBe(false);
        expect(await store.findCustomerByPhone('+442079460003')).toBeUndefined();
        // the number is free again
        await store.createCustomer({ phones: ['+442079460003'] }, T0);
      });

      it('links a call to the customer owning the caller\'s number as it is written; a call that arrived unknown is linked by a later snapshot', async () => {
        const own = await factory.create();
        try {
          const known = await own.createCustomer({ name: 'Known', phones: ['+4930700001'] }, T0);
          const a = liveCall({ caller: '+4930700001' });
          await own.saveCall(a);
          expect((await own.getCall(a.callId))?.customerId).toBe(known.id);
          // a caller in another notation, and one nobody owns
          const b = liveCall({ caller: 'sip:+4930700001@trunk.example' });
          const c = liveCall({ caller: '+4930700002' });
          const anon = liveCall({ caller: 'anonymous' });
          await own.saveCalls([b, c, anon]);
          expect((await own.getCall(b.callId))?.customerId).toBe(known.id);
          expect((await own.getCall(c.callId))?.customerId).toBeUndefined();
          expect((await own.getCall(anon.callId))?.customerId).toBeUndefined();
          // the number gets an owner behind the store's back (no claim): the next snapshot links the call
          await own.client.query("insert into customers (id, created_at, updated_at) values ('later', 0, 0)");
          await own.client.query("insert into customer_phones (phone, customer_id) values ('+4930700002', 'later')");
          await own.saveCall(answeredCall({ callId: c.callId, caller: '+4930700002' }));
          expect((await own.getCall(c.callId))?.customerId).toBe('later');
          // a link once stored is kept, also when the number changes hands
          await own.updateCustomer(known.id, { phones: [] }, T0);
          await own.updateCustomer('later', { phones: ['+4930700001'] }, T0);
          await own.saveCall(answeredCall({ callId: a.callId, caller: '+4930700001' }));
          expect((await own.getCall(a.callId))?.customerId).toBe(known.id);
        } finally {
          await own.close();
        }
      });

      it('a customer created during a call or its wrap-up claims the unlinked recent calls from its numbers, not older ones', async () => {
        const own = await factory.create();
        try {
          const live = liveCall({ caller: '+4930800001', arrivedAt: T0 });
          const wrapUp = answeredCall({ caller: '+4930800001', arrivedAt: T0 - 300_000 }); // ended 3m50s before T0
          const old = answeredCall({ caller: '+4930800001', arrivedAt: T0 - 86_400_000 });
          const other = liveCall({ caller: '+4930800009' });
          await own.saveCalls([live, wrapUp, old, other]);
          const created = await own.createCustomer({ name: 'New', phones: ['+49 30 800001'] }, T0);
          expect((await own.getCall(live.callId))?.customerId).toBe(created.id);
          expect((await own.getCall(wrapUp.callId))?.customerId).toBe(created.id);
          expect((await own.getCall(old.callId))?.customerId).toBeUndefined();
          expect((await own.getCall(other.callId))?.customerId).toBeUndefined();
          // a number added later claims that number's live call too
          await own.updateCustomer(created.id, { phones: ['+4930800001', '+4930800009'] }, T0);
          expect((await own.getCall(other.callId))?.customerId).toBe(created.id);
          // the history: linked calls, and unlinked ones from the numbers (recorded before linking)
          const linkedElsewhere = answeredCall({ caller: '+4930800001', customerId: 'someone-else', arrivedAt: T0 - 1000 });
          await own.saveCall(linkedElsewhere);
          const history = await own.queryCalls({ customerHistory: { customerId: created.id, phones: created.phones } });
          expect(history.map((r) => r.callId).sort()).toEqual([live.callId, wrapUp.callId, old.callId, other.callId].sort());
          const byNumber = await own.queryCalls({ customerHistory: { phones: ['+49 30 800001'] } });
          expect(byNumber.map((r) => r.callId)).toEqual([old.callId]);
        } finally {
          await own.close();
        }
      });

      it('imports CSV (matching by id, then by phone), reports bad rows by line, and exports what it imported', async () => {
        const own = await factory.create();
        try {
          const known = await own.createCustomer({ name: 'Known', phones: ['+4930555001'] }, T0, 'known-1');
          const csv = [
            'id,name,company,phones,tags,notes,field.account',
            ',Grace Hopper,Navy,+1 202 555 0101;+1 202 555 0102,vip;tech,"likes ""bugs"", nanoseconds",N-7',
            ',Known Again,,0049 30 555001,,,',
            'known-1,,ACME,,,,',
            ',Bad Number,,12345,,,',
            'new-id,Ada,,+44 20 7946 0009,,"=2+2",',
          ].join('\n');
          const result = await importCustomersCsv(own, csv, T0 + 5);
          expect(result).toEqual({ created: 2, updated: 2, errors: [{ line: 5, code: 'ERR_BAD_PHONE', message: expect.stringContaining('12345') }] });
          expect(await own.getCustomer(known.id)).toMatchObject({ name: 'Known Again', company: 'ACME', phones: ['+4930555001'] });
          const grace = await own.findCustomerByPhone('+12025550102');
          expect(grace).toMatchObject({ name: 'Grace Hopper', company: 'Navy', tags: ['vip', 'tech'], notes: 'likes "bugs", nanoseconds', fields: { account: 'N-7' } });
          expect(await own.getCustomer('new-id')).toMatchObject({ name: 'Ada', notes: '=2+2' });
          const out = parseCsv(await exportCustomersCsv(own));
          expect(out[0]).toEqual(['id', 'name', 'company', 'phones', 'tags', 'notes', 'field.account']);
          expect(out).toHaveLength(4);
          expect(out.find((r) => r[1] === 'Grace Hopper')?.slice(3)).toEqual(['+12025550101;+12025550102', 'vip;tech', 'likes "bugs", nanoseconds', 'N-7']);
          expect(out.find((r) => r[0] === 'new-id')?.[5]).toBe("'=2+2");
          // exporting and importing again changes nothing but updates
          expect(await importCustomersCsv(own, await exportCustomersCsv(own), T0 + 6)).toEqual({ created: 0, updated: 3, errors: [] });
          expect(await own.findCustomerByPhone('+12025550101')).toMatchObject({ notes: 'likes "bugs", nanoseconds', tags: ['vip', 'tech'] });
          await expect(importCustomersCsv(own, 'who,what\n1,2', T0)).rejects.toMatchObject({ code: 'ERR_BAD_CSV' });
        } finally {
          await own.close();
        }
      });
    });
  });
}
