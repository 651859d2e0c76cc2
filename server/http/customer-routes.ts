/**
 * Customers: the card lookup by phone with the last calls (the screen-pop), create and edit
 * (operators do it during calls and wrap-up), read by id — an operator only for the callers of
 * calls offered to them (customer-access.ts); search, CSV export and import (supervisors, admins),
 * delete (admins).
 */
import express, { type Express } from 'express';
import { exportCustomersCsv, importCustomersCsv } from '../records/customer-csv';
import { CSV_IMPORT_LIMITS } from '../records/customer-csv';
import { tryNormalisePhone } from '../records/phone';
import { AppError } from '../routing';
import { requireRole, viewerOf } from './access';
import { requireSession } from './auth-routes';
import type { AppContext } from './context';
import { CustomerAccess } from './customer-access';
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
  const access = new CustomerAccess(ctx.deps.calls, store);
  /** The customer's calls: linked to them, or (recorded before calls were linked) unlinked from their numbers. */
  const historyOf = (customerId: string | undefined, phones: readonly string[]) =>
    store.queryCalls({ customerHistory: { ...(customerId !== undefined ? { customerId } : {}), phones }, limit: CARD_CALLS });

  app.get('/api/customers/lookup', auth, async (req, res) => {
    const { phone } = parse(PhoneQuery, req.query, 'query');
    await access.assertNumber(viewerOf(ctx, res), phone);
    const customer = await store.findCustomerByPhone(phone);
    const calls = await historyOf(customer?.id, [...new Set([phone, ...(customer?.phones ?? [])])]);
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
    await access.assertNewNumbers(viewerOf(ctx, res), body.phones ?? []);
    res.status(201).json(customerJson(await store.createCustomer(body, now())));
  });

  app.get('/api/customers/:id', auth, async (req, res) => {
    const viewer = viewerOf(ctx, res);
    const id = String(req.params.id);
    const customer = await store.getCustomer(id);
    if (!customer) throw new AppError('ERR_UNKNOWN_CUSTOMER', `no customer ${id}`);
    await access.assertCustomer(viewer, customer);
    const calls = await historyOf(id, customer.phones);
    res.json({ ...customerJson(customer), lastCalls: calls.map(cardCallJson) });
  });

  app.patch('/api/customers/:id', auth, async (req, res) => {
    const viewer = viewerOf(ctx, res);
    const body = parse(CustomerBody, req.body, 'body');
    const id = String(req.params.id);
    if (viewer.role === 'operator') {
      const customer = await store.getCustomer(id);
      if (!customer) throw new AppError('ERR_UNKNOWN_CUSTOMER', `no customer ${id}`);
      await access.assertCustomer(viewer, customer);
      await access.assertNewNumbers(viewer, (body.phones ?? []).filter((p) => !customer.phones.includes(tryNormalisePhone(p) ?? p)));
    }
    res.json(customerJson(await store.updateCustomer(id, body, now())));
  });

  app.delete('/api/customers/:id', auth, async (req, res) => {
    requireRole(viewerOf(ctx, res), 'admin');
    const id = String(req.params.id);
    if (!(await store.deleteCustomer(id))) throw new AppError('ERR_UNKNOWN_CUSTOMER', `no customer ${id}`);
    res.status(204).end();
  });
}
