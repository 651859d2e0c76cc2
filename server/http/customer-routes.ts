/**
 * Customers: the card lookup by phone with the last calls (every role: the screen-pop), create and
 * edit (every role: operators do it during calls and wrap-up), read by id (an operator only for
 * customers of calls they handled), search, CSV export and import (supervisors, admins), delete (admins).
 */
import express, { type Express } from 'express';
import { exportCustomersCsv, importCustomersCsv } from '../records/customer-csv';
import { CSV_IMPORT_LIMITS } from '../records/customer-csv';
import { AppError } from '../routing';
import { forbidden, requireRole, viewerOf } from './access';
import { requireSession } from './auth-routes';
import type { AppContext } from './context';
import type { RecordsHttpDeps } from './deps';
import { cardCallJson, customerJson } from './record-present';
import { CustomerBody, CustomerSearchQuery, PhoneQuery } from './record-validation';
import { parse } from './validation';

/** Past calls shown on a customer card. */
export const CARD_CALLS = 10;

export function registerCustomerRoutes(app: Express, ctx: AppContext, records: RecordsHttpDeps): void {
  const auth = requireSession(ctx);
  const { store } = records;
  const now = () => ctx.deps.now();

  app.get('/api/customers/lookup', auth, async (req, res) => {
    const { phone } = parse(PhoneQuery, req.query, 'query');
    const customer = await store.findCustomerByPhone(phone);
    // calls are not linked to a customer when they are recorded: a known customer's card also
    // lists the calls from the number asked for and from each of the customer's numbers
    const callers = [...new Set([phone, ...(customer?.phones ?? [])])];
    const found = await Promise.all([
      ...(customer ? [store.queryCalls({ customerId: customer.id, limit: CARD_CALLS })] : []),
      ...callers.map((caller) => store.queryCalls({ caller, limit: CARD_CALLS })),
    ]);
    const byId = new Map(found.flat().map((r) => [r.callId, r]));
    const calls = [...byId.values()].sort((a, b) => b.arrivedAt - a.arrivedAt || (a.callId < b.callId ? 1 : -1)).slice(0, CARD_CALLS);
    res.json({ customer: customer ? customerJson(customer) : null, lastCalls: calls.map(cardCallJson) });
  });

  app.get('/api/customers/export.csv', auth, async (_req, res) => {
    requireRole(viewerOf(ctx, res), 'supervisor', 'admin');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="customers.csv"');
    res.send(await exportCustomersCsv(store));
  });

  app.post('/api/customers/import', auth, express.text({ type: ['text/csv', 'text/plain'], limit: CSV_IMPORT_LIMITS.bytes }), async (req, res) => {
    requireRole(viewerOf(ctx, res), 'supervisor', 'admin');
    if (typeof req.body !== 'string') throw new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', 'send the CSV as text/csv');
    res.json(await importCustomersCsv(store, req.body, now()));
  });

  app.get('/api/customers', auth, async (req, res) => {
    requireRole(viewerOf(ctx, res), 'supervisor', 'admin');
    const q = parse(CustomerSearchQuery, req.query, 'query');
    const found = await store.searchCustomers({ ...(q.q ? { text: q.q } : {}), ...(q.tag ? { tag: q.tag } : {}), limit: q.limit });
    res.json({ customers: found.map(customerJson) });
  });

  app.post('/api/customers', auth, async (req, res) => {
    const body = parse(CustomerBody, req.body, 'body');
    res.status(201).json(customerJson(await store.createCustomer(body, now())));
  });

  app.get('/api/customers/:id', auth, async (req, res) => {
    const viewer = viewerOf(ctx, res);
    const id = String(req.params.id);
    const customer = await store.getCustomer(id);
    if (!customer) throw new AppError('ERR_UNKNOWN_CUSTOMER', `no customer ${id}`);
    if (viewer.role === 'operator' && (await store.queryCalls({ customerId: id, handledBy: viewer.operatorId, limit: 1 })).length === 0) {
      throw forbidden('not a customer of your calls');
    }
    const calls = await store.queryCalls({ customerId: id, limit: CARD_CALLS });
    res.json({ ...customerJson(customer), lastCalls: calls.map(cardCallJson) });
  });

  app.patch('/api/customers/:id', auth, async (req, res) => {
    const body = parse(CustomerBody, req.body, 'body');
    res.json(customerJson(await store.updateCustomer(String(req.params.id), body, now())));
  });

  app.delete('/api/customers/:id', auth, async (req, res) => {
    requireRole(viewerOf(ctx, res), 'admin');
    const id = String(req.params.id);
    if (!(await store.deleteCustomer(id))) throw new AppError('ERR_UNKNOWN_CUSTOMER', `no customer ${id}`);
    res.status(204).end();
  });
}
