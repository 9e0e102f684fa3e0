import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { FakeCrmServer, type FakeAnswer, type RecordedRequest } from './fake-crm-server.js';
export type { FakeFailure, RecordedRequest } from './fake-crm-server.js';

export interface FakeNetSuiteEmployee {
  id: string;
  entityId: string;
  firstName: string;
  lastName: string;
  email: string;
  subsidiary?: string;
}

export interface FakeNetSuitePhones {
  phone?: string;
  homePhone?: string;
  mobilePhone?: string;
  officePhone?: string;
  altPhone?: string;
}

export interface FakeNetSuiteContact extends FakeNetSuitePhones {
  id: string;
  firstName?: string;
  middleName?: string;
  lastName: string;
  email?: string;
  company?: string;
  subsidiary?: string;
  isInactive: boolean;
}

export interface FakeNetSuiteCustomer extends FakeNetSuitePhones {
  id: string;
  isPerson: boolean;
  companyName?: string;
  firstName?: string;
  middleName?: string;
  lastName?: string;
  email?: string;
  subsidiary?: string;
  isInactive: boolean;
}

export interface FakeNetSuiteTransaction {
  id: string;
  entity: string;
  type: 'SalesOrd' | 'Opprtnty';
  tranId: string;
  createdAt: number;
}

export interface FakeNetSuitePhoneCall {
  id: string;
  title: string;
  message?: string;
  phone?: string;
  status?: string;
  priority?: string;
  startDate?: string;
  completedDate?: string;
  startTime?: string;
  endTime?: string;
  timedEvent?: boolean;
  contact?: string;
  company?: string;
  transaction?: string;
  externalId?: string;
}

type Answer = FakeAnswer;

const RECORD = '/services/rest/record/v1';

/**
 * An in-memory NetSuite account on 127.0.0.1: the REST record service (employee,
 * subsidiary, contact, customer, phoneCall), the SuiteQL query service and the OAuth 2
 * token and revoke endpoints, in NetSuite's documented shapes. Creates answer 204 with
 * the new record's URL in Location; SuiteQL needs `Prefer: transient` and answers
 * { items, hasMore, count, offset, totalResults } with lower-case column names; errors
 * carry "o:errorDetails". SuiteQL understands the statement shapes the connector sends
 * (phone lookups, transactions of entities, phone calls by external id) and refuses others.
 * It records every request and can be told to fail or hold back the next ones.
 */
export class FakeNetSuiteServer extends FakeCrmServer {
  readonly employees = new Map<string, FakeNetSuiteEmployee>();
  readonly subsidiaries = new Map<string, { id: string; name: string; timeZone: string }>();
  readonly contacts = new Map<string, FakeNetSuiteContact>();
  readonly customers = new Map<string, FakeNetSuiteCustomer>();
  readonly transactions: FakeNetSuiteTransaction[] = [];
  readonly phoneCalls = new Map<string, FakeNetSuitePhoneCall>();
  /** Access token -> employee id; remove one to make it "expired". */
  readonly accessTokens = new Map<string, string>();
  readonly refreshTokens = new Map<string, string>();
  readonly authorizationCodes = new Map<string, { entity: string; redirectUri?: string }>();
  readonly clientId = 'fake-netsuite-client-id';
  readonly clientSecret = 'fake-netsuite-client-secret';
  /** Employees whose role may not read subsidiaries (403, as NetSuite answers a missing permission). */
  readonly noSubsidiaryAccess = new Set<string>();

  private nextId = 1000;

  // ---- set-up helpers -------------------------------------------------------------

  addSubsidiary(name: string, timeZone: string): string {
    const id = this.id();
    this.subsidiaries.set(id, { id, name, timeZone });
    return id;
  }

  addEmployee(employee: Omit<FakeNetSuiteEmployee, 'id' | 'entityId' | 'email'> & { id?: string; email?: string }): FakeNetSuiteEmployee {
    const id = employee.id ?? this.id();
    const full: FakeNetSuiteEmployee = { entityId: `${employee.firstName} ${employee.lastName}`, email: `${id}@company.example`, ...employee, id };
    this.employees.set(id, full);
    return full;
  }

  addContact(contact: Omit<FakeNetSuiteContact, 'id' | 'isInactive'> & { isInactive?: boolean }): FakeNetSuiteContact {
    const full: FakeNetSuiteContact = { isInactive: false, ...contact, id: this.id() };
    this.contacts.set(full.id, full);
    return full;
  }

  addCustomer(customer: Omit<FakeNetSuiteCustomer, 'id' | 'isInactive' | 'isPerson'> & { isPerson?: boolean; isInactive?: boolean }): FakeNetSuiteCustomer {
    const full: FakeNetSuiteCustomer = { isInactive: false, isPerson: !customer.companyName, ...customer, id: this.id() };
    this.customers.set(full.id, full);
    return full;
  }

  addTransaction(entity: string, type: FakeNetSuiteTransaction['type'], tranId: string): FakeNetSuiteTransaction {
    const transaction: FakeNetSuiteTransaction = { id: this.id(), entity, type, tranId, createdAt: Date.now() + this.transactions.length };
    this.transactions.push(transaction);
    return transaction;
  }

  /** An authorization code the OAuth callback can exchange for this employee. */
  issueAuthorizationCode(entity: string): string {
    const code = `ns-code-${randomUUID()}`;
    this.authorizationCodes.set(code, { entity });
    return code;
  }

  /** Makes every issued access token invalid, as if it had expired early. */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** Refresh tokens of this employee stop working (revoked by an admin, or past their 7 days). */
  revokeRefreshTokensOf(entity: string): void {
    for (const [token, owner] of this.refreshTokens) if (owner === entity) this.refreshTokens.delete(token);
  }

  /** The SuiteQL statements received since the last reset. */
  suiteQlQueries(): string[] {
    return this.requestsTo('POST', /\/query\/v1\/suiteql$/).map((r) => String((r.body as { q?: string } | undefined)?.q ?? ''));
  }

  // ---- HTTP -------------------------------------------------------------------

  protected errorBody(status: number, message: string): unknown {
    return error(status, 'UNEXPECTED_ERROR', message);
  }

  protected route(r: RecordedRequest): Answer {
    if (r.method === 'POST' && r.path === '/services/rest/auth/oauth2/v1/token') return this.token(r);
    if (r.method === 'POST' && r.path === '/services/rest/auth/oauth2/v1/revoke') return this.revoke(r);
    const entity = this.authenticate(r.headers);
    if (entity === undefined) {
      return [401, error(401, 'INVALID_LOGIN', 'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI.')];
    }
    if (r.method === 'POST' && r.path === '/services/rest/query/v1/suiteql') return this.suiteQl(r);

    let match: RegExpMatchArray | null;
    if ((match = r.path.match(/^\/services\/rest\/record\/v1\/(\w+)(?:\/(\d+))?$/))) {
      const [, type, id] = match;
      if (r.method === 'GET' && id) return this.read(r, type, id, entity);
      if (r.method === 'POST' && !id) return this.create(r, type);
      if (r.method === 'PATCH' && id && type === 'phoneCall') return this.updatePhoneCall(r, id);
    }
    return [404, error(404, 'INVALID_URL', `The resource ${r.method} ${r.path} does not exist.`)];
  }

  // ---- OAuth ------------------------------------------------------------------

  private clientAuthenticated(headers: IncomingHttpHeaders): boolean {
    const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
    return headers.authorization === expected;
  }

  private token(r: RecordedRequest): Answer {
    if (!this.clientAuthenticated(r.headers)) return [401, { error: 'invalid_client' }];
    const form = (r.body ?? {}) as Record<string, string>;
    let entity: string | undefined;
    let refreshToken: string | undefined;
    if (form.grant_type === 'authorization_code') {
      const grant = this.authorizationCodes.get(form.code);
      if (!grant || !form.redirect_uri) return [400, { error: 'invalid_grant' }];
      this.authorizationCodes.delete(form.code);
      entity = grant.entity;
      refreshToken = `ns-rt-${randomUUID()}`;
      this.refreshTokens.set(refreshToken, entity);
    } else if (form.grant_type === 'refresh_token') {
      entity = this.refreshTokens.get(form.refresh_token);
      if (!entity) return [400, { error: 'invalid_grant' }];
    } else {
      return [400, { error: 'unsupported_grant_type' }];
    }
    const accessToken = `ns-at-${randomUUID()}`;
    this.accessTokens.set(accessToken, entity);
    // NetSuite sends expires_in as a string, and no new refresh token on a refresh.
    return [200, { access_token: accessToken, ...(refreshToken ? { refresh_token: refreshToken } : {}), expires_in: '3600', token_type: 'bearer' }];
  }

  private revoke(r: RecordedRequest): Answer {
    if (!this.clientAuthenticated(r.headers)) return [401, { error: 'invalid_client' }];
    const token = (r.body as Record<string, string> | undefined)?.token ?? '';
    const owner = this.accessTokens.get(token) ?? this.refreshTokens.get(token);
    if (!owner) return [400, { error: 'invalid_request' }];
    this.accessTokens.delete(token);
    this.revokeRefreshTokensOf(owner);
    return [200, {}];
  }

  private authenticate(headers: IncomingHttpHeaders): string | undefined {
    const value = headers.authorization;
    if (!value?.startsWith('Bearer ')) return undefined;
    return this.accessTokens.get(value.slice('Bearer '.length));
  }

  // ---- REST records -------------------------------------------------------------

  private read(r: RecordedRequest, type: string, id: string, entity: string): Answer {
    const ref = (refId: string | undefined, name: (id: string) => string | undefined) =>
      refId ? { id: refId, refName: name(refId) ?? refId, links: [] } : undefined;
    let record: Record<string, unknown> | undefined;
    if (type === 'employee') {
      const employee = this.employees.get(id);
      if (employee) record = { ...employee, subsidiary: ref(employee.subsidiary, (s) => this.subsidiaries.get(s)?.name) };
    } else if (type === 'subsidiary') {
      if (this.noSubsidiaryAccess.has(entity)) {
        return [403, error(403, 'INSUFFICIENT_PERMISSION', 'Permission Violation: You need the Lists -> Subsidiaries permission to access this page.')];
      }
      const subsidiary = this.subsidiaries.get(id);
      if (subsidiary) record = { ...subsidiary, timeZone: { id: subsidiary.timeZone, refName: `(GMT) ${subsidiary.timeZone}` } };
    } else if (type === 'contact') {
      const contact = this.contacts.get(id);
      if (contact) record = { ...contact, company: ref(contact.company, (c) => this.customers.get(c)?.companyName) };
    } else if (type === 'phoneCall') {
      const call = this.phoneCalls.get(id);
      if (call) {
        record = {
          ...call,
          contact: ref(call.contact, (c) => this.contactName(c)),
          company: ref(call.company, (c) => this.customerName(c)),
          transaction: ref(call.transaction, (t) => this.transactions.find((x) => x.id === t)?.tranId),
        };
      }
    } else {
      return [404, error(404, 'INVALID_URL', `Record type ${type} is not available here.`)];
    }
    if (!record) return [404, error(404, 'NONEXISTENT_ID', `The record instance does not exist. Provide a valid record instance ID.`)];
    return [200, { links: [], ...pick(record, r.query.fields) }];
  }

  private create(r: RecordedRequest, type: string): Answer {
    const body = (r.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) return [400, error(400, 'INVALID_CONTENT', 'The request body must be a JSON object.')];
    const refId = (value: unknown): string | undefined =>
      value && typeof value === 'object' && 'id' in value ? String((value as { id: unknown }).id) : undefined;
    const subsidiary = refId(body.subsidiary);
    if (subsidiary && !this.subsidiaries.has(subsidiary)) {
      return [400, error(400, 'INVALID_CONTENT', `Invalid value for the resource or sub-resource field 'subsidiary'. Provide a valid value.`, 'subsidiary')];
    }
    const phones = {
      ...(typeof body.phone === 'string' && body.phone ? { phone: body.phone } : {}),
    };
    const id = this.id();
    if (type === 'contact') {
      if (typeof body.lastName !== 'string' || !body.lastName) return [400, error(400, 'USER_ERROR', 'Please enter value(s) for: Last Name', 'lastName')];
      this.contacts.set(id, {
        id,
        isInactive: false,
        lastName: body.lastName,
        ...(typeof body.firstName === 'string' ? { firstName: body.firstName } : {}),
        ...(typeof body.middleName === 'string' ? { middleName: body.middleName } : {}),
        ...phones,
        ...(subsidiary ? { subsidiary } : {}),
      });
    } else if (type === 'customer') {
      if (body.isPerson === true && (typeof body.lastName !== 'string' || !body.lastName)) {
        return [400, error(400, 'USER_ERROR', 'Please enter value(s) for: Last Name', 'lastName')];
      }
      this.customers.set(id, {
        id,
        isInactive: false,
        isPerson: body.isPerson === true,
        ...(typeof body.firstName === 'string' ? { firstName: body.firstName } : {}),
        ...(typeof body.middleName === 'string' ? { middleName: body.middleName } : {}),
        ...(typeof body.lastName === 'string' ? { lastName: body.lastName } : {}),
        ...(typeof body.companyName === 'string' ? { companyName: body.companyName } : {}),
        ...phones,
        ...(subsidiary ? { subsidiary } : {}),
      });
    } else if (type === 'phoneCall') {
      const problem = this.checkPhoneCall(body, true);
      if (problem) return problem;
      const externalId = typeof body.externalId === 'string' ? body.externalId : undefined;
      if (externalId && [...this.phoneCalls.values()].some((call) => call.externalId === externalId)) {
        return [400, error(400, 'DUPLICATE_RCRD', 'This record already exists: a phone call with this external ID exists.', 'externalId')];
      }
      this.phoneCalls.set(id, { id, ...(phoneCallFields(body) as Omit<FakeNetSuitePhoneCall, 'id'>), ...(externalId ? { externalId } : {}) });
    } else {
      return [404, error(404, 'INVALID_URL', `Record type ${type} cannot be created here.`)];
    }
    return [204, undefined, { location: `${this.url}${RECORD}/${type}/${id}` }];
  }

  private updatePhoneCall(r: RecordedRequest, id: string): Answer {
    const call = this.phoneCalls.get(id);
    if (!call) return [404, error(404, 'NONEXISTENT_ID', 'The record instance does not exist. Provide a valid record instance ID.')];
    const body = (r.body ?? {}) as Record<string, unknown>;
    const problem = this.checkPhoneCall({ ...call, ...body, contact: body.contact ?? refOf(call.contact), company: body.company ?? refOf(call.company), transaction: body.transaction ?? refOf(call.transaction) }, false);
    if (problem) return problem;
    Object.assign(call, phoneCallFields(body));
    return [204, undefined];
  }

  /** What NetSuite checks on a phone call: a title, references that exist, an end after the start. */
  private checkPhoneCall(body: Record<string, unknown>, creating: boolean): Answer | undefined {
    if (creating && (typeof body.title !== 'string' || !body.title)) return [400, error(400, 'USER_ERROR', 'Please enter value(s) for: Subject', 'title')];
    const refId = (value: unknown): string | undefined =>
      value && typeof value === 'object' && 'id' in value ? String((value as { id: unknown }).id) : undefined;
    const contact = refId(body.contact);
    if (contact && !this.contacts.has(contact)) {
      return [400, error(400, 'INVALID_CONTENT', `Invalid value for the resource or sub-resource field 'contact'. Provide a valid value.`, 'contact')];
    }
    const company = refId(body.company);
    if (company && !this.customers.has(company)) {
      return [400, error(400, 'INVALID_CONTENT', `Invalid value for the resource or sub-resource field 'company'. Provide a valid value.`, 'company')];
    }
    const transaction = refId(body.transaction);
    if (transaction && !this.transactions.some((t) => t.id === transaction)) {
      return [400, error(400, 'INVALID_CONTENT', `Invalid value for the resource or sub-resource field 'transaction'. Provide a valid value.`, 'transaction')];
    }
    for (const field of ['startTime', 'endTime'] as const) {
      const value = body[field];
      if (value !== undefined && (typeof value !== 'string' || !/^\d{2}:\d{2}$/.test(value))) {
        return [400, error(400, 'INVALID_CONTENT', `Invalid value for the field '${field}'.`, field)];
      }
    }
    if (body.timedEvent === true && typeof body.startTime === 'string' && typeof body.endTime === 'string' && body.startDate === body.completedDate && body.endTime <= body.startTime) {
      return [400, error(400, 'USER_ERROR', 'The end time must be later than the start time.', 'endTime')];
    }
    return undefined;
  }

  // ---- SuiteQL --------------------------------------------------------------------

  private suiteQl(r: RecordedRequest): Answer {
    if (!/\btransient\b/i.test(String(r.headers.prefer ?? ''))) {
      return [400, error(400, 'INVALID_HEADER', 'The request header Prefer: transient is required for SuiteQL queries.')];
    }
    const q = String((r.body as { q?: unknown } | undefined)?.q ?? '').trim();
    const limit = Number(r.query.limit ?? 1000);
    const offset = Number(r.query.offset ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return [400, error(400, 'INVALID_PARAMETER', 'The limit must be between 1 and 1000.')];
    const rows = this.evaluate(q);
    if (!rows) return [400, error(400, 'INVALID_PARAMETER', `Invalid search query. Detailed unprocessed description follows. Search error occurred: ${q.slice(0, 80)}`)];
    const items = rows.slice(offset, offset + limit).map((row) => ({ links: [], ...row }));
    return [200, { links: [], count: items.length, hasMore: offset + limit < rows.length, items, offset, totalResults: rows.length }];
  }

  /** Rows of the statement shapes the connector sends; undefined for anything else. */
  private evaluate(q: string): Record<string, unknown>[] | undefined {
    let match: RegExpMatchArray | null;
    if ((match = q.match(/^SELECT id FROM phonecall WHERE externalid = '([^']*)'$/i))) {
      const key = match[1];
      return [...this.phoneCalls.values()].filter((call) => call.externalId === key).map((call) => ({ id: call.id }));
    }
    if ((match = q.match(/^SELECT (.+?) FROM transaction WHERE type IN \(((?:'\w+'(?:, )?)+)\) AND entity IN \(([\d, ]+)\) ORDER BY createddate DESC$/i))) {
      const columns = columnList(match[1]);
      const types = match[2].split(',').map((type) => type.trim().replace(/'/g, ''));
      const entities = match[3].split(',').map((id) => id.trim());
      return this.transactions
        .filter((t) => types.includes(t.type) && entities.includes(t.entity))
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((t) => select({ id: t.id, entity: t.entity, type: t.type, tranid: t.tranId, trandisplayname: `${t.type === 'SalesOrd' ? 'Sales Order' : 'Opportunity'} #${t.tranId}` }, columns));
    }
    if ((match = q.match(/^SELECT (.+?) FROM (contact|customer) WHERE isinactive = 'F' AND \((.+)\)$/i))) {
      const columns = columnList(match[1]);
      const conditions = match[3].split(' OR ').map((condition) => condition.match(/^REGEXP_REPLACE\((\w+), '\[\^0-9\]', ''\) LIKE '%(\d+)'$/i));
      if (conditions.some((condition) => !condition)) return undefined;
      const table = match[2].toLowerCase() === 'contact' ? [...this.contacts.values()].map((c) => this.contactRow(c)) : [...this.customers.values()].map((c) => this.customerRow(c));
      const known = new Set<string>(match[2].toLowerCase() === 'contact' ? ['phone', 'homephone', 'mobilephone', 'officephone'] : ['phone', 'homephone', 'mobilephone', 'altphone']);
      if (conditions.some((condition) => !known.has(condition![1].toLowerCase()))) return undefined;
      return table
        .filter((row) => row.isinactive === 'F')
        .filter((row) => conditions.some((condition) => String(row[condition![1].toLowerCase()] ?? '').replace(/[^0-9]/g, '').endsWith(condition![2])))
        .map((row) => select(row, columns));
    }
    return undefined;
  }

  private contactRow(c: FakeNetSuiteContact): Record<string, unknown> {
    return {
      id: c.id,
      firstname: c.firstName ?? null,
      middlename: c.middleName ?? null,
      lastname: c.lastName,
      entitytitle: this.contactName(c.id),
      email: c.email ?? null,
      company: c.company ?? null,
      isinactive: c.isInactive ? 'T' : 'F',
      datecreated: '12/1/2026',
      lastmodifieddate: '12/1/2026',
      ...phoneRow(c),
    };
  }

  private customerRow(c: FakeNetSuiteCustomer): Record<string, unknown> {
    return {
      id: c.id,
      firstname: c.firstName ?? null,
      middlename: c.middleName ?? null,
      lastname: c.lastName ?? null,
      companyname: c.companyName ?? null,
      entitytitle: this.customerName(c.id),
      email: c.email ?? null,
      isinactive: c.isInactive ? 'T' : 'F',
      datecreated: '12/1/2026',
      lastmodifieddate: '12/1/2026',
      ...phoneRow(c),
    };
  }

  private contactName(id: string): string | undefined {
    const c = this.contacts.get(id);
    return c ? [c.firstName, c.middleName, c.lastName].filter(Boolean).join(' ') : undefined;
  }

  private customerName(id: string): string | undefined {
    const c = this.customers.get(id);
    return c ? (c.companyName ?? [c.firstName, c.middleName, c.lastName].filter(Boolean).join(' ')) : undefined;
  }

  private id(): string {
    return String(this.nextId++);
  }
}

/** NetSuite's error body. */
function error(status: number, code: string, detail: string, path?: string): Record<string, unknown> {
  return {
    type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15',
    title: status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : status === 403 ? 'Forbidden' : 'Bad Request',
    status,
    'o:errorDetails': [{ detail, 'o:errorCode': code, ...(path ? { 'o:errorPath': path } : {}) }],
  };
}

const PHONE_CALL_FIELDS = ['title', 'message', 'phone', 'status', 'priority', 'startDate', 'completedDate', 'startTime', 'endTime', 'timedEvent'] as const;

function phoneCallFields(body: Record<string, unknown>): Partial<FakeNetSuitePhoneCall> {
  const out: Record<string, unknown> = {};
  for (const field of PHONE_CALL_FIELDS) if (body[field] !== undefined) out[field] = body[field];
  for (const ref of ['contact', 'company', 'transaction'] as const) {
    const value = body[ref];
    if (value && typeof value === 'object' && 'id' in value) out[ref] = String((value as { id: unknown }).id);
  }
  return out as Partial<FakeNetSuitePhoneCall>;
}

function refOf(id: string | undefined): { id: string } | undefined {
  return id ? { id } : undefined;
}

function phoneRow(record: FakeNetSuitePhones): Record<string, string | null> {
  return {
    phone: record.phone ?? null,
    homephone: record.homePhone ?? null,
    mobilephone: record.mobilePhone ?? null,
    officephone: record.officePhone ?? null,
    altphone: record.altPhone ?? null,
  };
}

function columnList(list: string): string[] {
  return list.split(',').map((column) => column.trim().toLowerCase());
}

function select(row: Record<string, unknown>, columns: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // NetSuite leaves empty columns out of SuiteQL rows.
  for (const column of columns) if (row[column] !== null && row[column] !== undefined) out[column] = row[column];
  return out;
}

/** The record with only the asked `fields` (and its id), as NetSuite's `fields` parameter does. */
function pick(record: Record<string, unknown>, fields: string | undefined): Record<string, unknown> {
  const present = Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
  if (!fields) return present;
  const wanted = new Set(['id', ...fields.split(',').map((field) => field.trim())]);
  return Object.fromEntries(Object.entries(present).filter(([key]) => wanted.has(key)));
}

