import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import { FakeCrmServer, type FakeAnswer, type FakeErrorCause, type RecordedRequest } from './fake-crm-server.js';
export type { FakeFailure, RecordedRequest } from './fake-crm-server.js';

export interface FakeClioUser {
  id: number;
  name: string;
  email: string;
  time_zone: string;
}

export interface FakeClioContact {
  id: number;
  type: 'Person' | 'Company';
  name: string;
  first_name?: string;
  last_name?: string;
  phone_numbers: { id: number; name: string; number: string; default_number: boolean }[];
  primary_email_address?: string | null;
  created_at: string;
  updated_at: string;
}

export interface FakeClioMatter {
  id: number;
  display_number: string;
  description: string;
  status: 'Open' | 'Pending' | 'Closed';
  client_id: number;
}

export interface FakeClioCommunication {
  id: number;
  type: string;
  subject?: string;
  body?: string;
  received_at?: string;
  created_at: string;
  updated_at: string;
  senders: { id: number; type: string; name: string }[];
  receivers: { id: number; type: string; name: string }[];
  matter: { id: number; display_number: string } | null;
  external_properties: { id: number; name: string; value: string }[];
}

export interface FakeClioTimeEntry {
  id: number;
  type: 'TimeEntry';
  date: string;
  quantity: number;
  note?: string;
  non_billable: boolean;
  communication: { id: number } | null;
  matter: { id: number; display_number: string } | null;
}

type Answer = FakeAnswer;

/** Clio refuses pages larger than this. */
const MAX_LIMIT = 200;

/**
 * An in-memory Clio Manage on 127.0.0.1 speaking the API v4 endpoints the connector
 * uses (users/who_am_i, contacts, matters, relationships, communications) and the OAuth
 * token and deauthorize endpoints. Like Clio it answers only the fields asked for,
 * pages lists through meta.paging.next, validates writes (422), checks bearer tokens
 * (401), sends X-RateLimit-Limit/Remaining/Reset on every answer and a 429 with
 * Retry-After when the per-token window is spent. It records every request and can be
 * told to fail the next ones.
 */
export class FakeClioServer extends FakeCrmServer {
  readonly users = new Map<number, FakeClioUser>();
  readonly contacts = new Map<number, FakeClioContact>();
  readonly matters = new Map<number, FakeClioMatter>();
  /** contact id -> matter ids it is related to (not as the client). */
  readonly relationships: { id: number; contact_id: number; matter_id: number }[] = [];
  readonly communications = new Map<number, FakeClioCommunication>();
  readonly timeEntries = new Map<number, FakeClioTimeEntry>();
  /** OAuth access token -> user id; remove one to make it "expired". */
  readonly accessTokens = new Map<string, number>();
  readonly refreshTokens = new Map<string, number>();
  readonly authorizationCodes = new Map<string, number>();
  readonly clientId = 'fake-clio-client-id';
  readonly clientSecret = 'fake-clio-client-secret';
  tokenLifetimeSeconds = 30 * 24 * 3600;
  /** Largest page the fake hands out, below Clio's 200, to exercise paging. */
  pageSize = MAX_LIMIT;
  /** Requests allowed per token in one window (Clio: 50 a minute at peak). */
  rateLimit = { limit: 1000, windowMs: 60_000 };
  /** How many 429s the window limiter has answered since the last reset. */
  rateLimitedAnswers = 0;

  private readonly windows = new Map<string, { startedAt: number; used: number }>();
  private nextId = 5000;

  // ---- set-up helpers -------------------------------------------------------------

  addUser(user: Partial<FakeClioUser> & { id: number; name: string }): FakeClioUser {
    const full: FakeClioUser = { email: `${user.id}@firm.example`, time_zone: 'America/New_York', ...user };
    this.users.set(full.id, full);
    return full;
  }

  addContact(contact: { name: string; phones: string[]; type?: 'Person' | 'Company'; email?: string }): FakeClioContact {
    const now = new Date().toISOString();
    const full: FakeClioContact = {
      id: this.id(),
      type: contact.type ?? 'Person',
      name: contact.name,
      phone_numbers: contact.phones.map((number, index) => ({
        id: this.id(),
        name: index === 0 ? 'Work' : 'Mobile',
        number,
        default_number: index === 0,
      })),
      primary_email_address: contact.email ?? null,
      created_at: now,
      updated_at: now,
    };
    this.contacts.set(full.id, full);
    return full;
  }

  addMatter(clientId: number, displayNumber: string, status: FakeClioMatter['status'] = 'Open'): FakeClioMatter {
    const matter: FakeClioMatter = {
      id: this.id(),
      display_number: displayNumber,
      description: `Matter ${displayNumber}`,
      status,
      client_id: clientId,
    };
    this.matters.set(matter.id, matter);
    return matter;
  }

  relate(contactId: number, matterId: number): void {
    this.relationships.push({ id: this.id(), contact_id: contactId, matter_id: matterId });
  }

  /** An authorization code the OAuth callback can exchange for this user. */
  issueAuthorizationCode(userId: number): string {
    const code = `clio-code-${randomUUID()}`;
    this.authorizationCodes.set(code, userId);
    return code;
  }

  /** Makes every issued access token invalid, as if it had expired early. */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  override reset(): void {
    super.reset();
    this.windows.clear();
    this.rateLimitedAnswers = 0;
  }

  // ---- HTTP -------------------------------------------------------------------

  protected errorBody(_status: number, message: string, cause: FakeErrorCause): unknown {
    return { error: { type: cause === 'crash' ? 'InternalServerError' : 'FakeFailure', message } };
  }

  /** Clio's per-token window: every request not failed on purpose counts, and every answer says what is left. */
  protected override admit(r: RecordedRequest): { refuse?: Answer; headers?: Record<string, string> } {
    const limit = this.countAgainstWindow(r.headers.authorization ?? 'anonymous');
    if (!limit.exceeded) return { headers: limit.headers };
    this.rateLimitedAnswers++;
    return { refuse: [429, { message: 'Too Many Requests' }, limit.headers] };
  }

  /** Clio's headers: the window's size, what is left of it, and its end as a Unix time. */
  private countAgainstWindow(key: string): { exceeded: boolean; headers: Record<string, string> } {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.rateLimit.windowMs) {
      window = { startedAt: now, used: 0 };
      this.windows.set(key, window);
    }
    window.used++;
    const endsAt = window.startedAt + this.rateLimit.windowMs;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(this.rateLimit.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.rateLimit.limit - window.used)),
      'x-ratelimit-reset': String(Math.ceil(endsAt / 1000)),
    };
    if (window.used <= this.rateLimit.limit) return { exceeded: false, headers };
    return { exceeded: true, headers: { ...headers, 'retry-after': String(Math.max(1, Math.ceil((endsAt - now) / 1000))) } };
  }

  protected route(r: RecordedRequest): Answer {
    if (r.method === 'POST' && r.path === '/oauth/token') return this.token(r);
    const userId = this.authenticate(r.headers);
    if (userId === undefined) return [401, { error: { type: 'UnauthorizedError', message: 'The access token is invalid or has expired' } }];
    if (r.method === 'POST' && r.path === '/oauth/deauthorize') {
      const token = (r.body as Record<string, string> | undefined)?.token;
      if (!token || !this.accessTokens.has(token)) return [400, { error: 'invalid_request', error_description: 'Unknown token' }];
      this.accessTokens.delete(token);
      return [200, {}];
    }
    const limit = Number(r.query.limit ?? MAX_LIMIT);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return [400, { error: { type: 'BadRequestError', message: `limit must be between 1 and ${MAX_LIMIT}` } }];
    }
    const one = (value: object | undefined, what: string): Answer =>
      value ? [200, { data: pick(value, r.query.fields) }] : [404, { error: { type: 'NotFoundError', message: `${what} not found` } }];
    let match: RegExpMatchArray | null;

    if (r.method === 'GET' && r.path === '/api/v4/users/who_am_i.json') return one(this.users.get(userId), 'User');

    if (r.method === 'GET' && r.path === '/api/v4/contacts.json') {
      const query = (r.query.query ?? '').toLowerCase();
      const found = [...this.contacts.values()].filter(
        (c) =>
          !query ||
          c.name.toLowerCase().includes(query) ||
          (c.primary_email_address ?? '').toLowerCase().includes(query) ||
          c.phone_numbers.some((phone) => phone.number.toLowerCase().includes(query)),
      );
      return this.page(r, found);
    }
    if (r.method === 'POST' && r.path === '/api/v4/contacts.json') return this.createContact(r);
    if (r.method === 'GET' && (match = r.path.match(/^\/api\/v4\/contacts\/(\d+)\.json$/))) {
      return one(this.contacts.get(Number(match[1])), 'Contact');
    }

    if (r.method === 'GET' && r.path === '/api/v4/matters.json') {
      const clientId = r.query.client_id ? Number(r.query.client_id) : undefined;
      return this.page(r, [...this.matters.values()].filter((m) => clientId === undefined || m.client_id === clientId));
    }
    if (r.method === 'GET' && r.path === '/api/v4/relationships.json') {
      const contactId = Number(r.query.contact_id);
      const found = this.relationships
        .filter((rel) => rel.contact_id === contactId)
        .map((rel) => ({ id: rel.id, matter: this.matters.get(rel.matter_id) ?? null }));
      return this.page(r, found);
    }

    if (r.method === 'POST' && r.path === '/api/v4/communications.json') return this.createCommunication(r);
    if (r.method === 'GET' && r.path === '/api/v4/communications.json') {
      const contactId = r.query.contact_id ? Number(r.query.contact_id) : undefined;
      const createdSince = r.query.created_since ? Date.parse(r.query.created_since) : undefined;
      if (createdSince !== undefined && Number.isNaN(createdSince)) {
        return [400, { error: { type: 'BadRequestError', message: 'created_since must be an ISO-8601 timestamp' } }];
      }
      const found = [...this.communications.values()].filter(
        (c) =>
          (contactId === undefined || [...c.senders, ...c.receivers].some((p) => p.type !== 'User' && p.id === contactId)) &&
          (createdSince === undefined || Date.parse(c.created_at) >= createdSince),
      );
      return this.page(r, found);
    }
    if ((match = r.path.match(/^\/api\/v4\/communications\/(\d+)\.json$/))) {
      const communication = this.communications.get(Number(match[1]));
      if (!communication) return [404, { error: { type: 'NotFoundError', message: 'Communication not found' } }];
      if (r.method === 'GET') return one(communication, 'Communication');
      if (r.method === 'PATCH') return this.updateCommunication(r, communication);
    }

    if (r.method === 'POST' && r.path === '/api/v4/activities.json') return this.createTimeEntry(r);
    if (r.method === 'GET' && r.path === '/api/v4/activities.json') {
      const communicationId = r.query.communication_id ? Number(r.query.communication_id) : undefined;
      const found = [...this.timeEntries.values()].filter(
        (e) => (!r.query.type || e.type === r.query.type) && (communicationId === undefined || e.communication?.id === communicationId),
      );
      return this.page(r, found);
    }
    if (r.method === 'PATCH' && (match = r.path.match(/^\/api\/v4\/activities\/(\d+)\.json$/))) {
      const entry = this.timeEntries.get(Number(match[1]));
      if (!entry) return [404, { error: { type: 'NotFoundError', message: 'Activity not found' } }];
      const input = (r.body as { data?: Record<string, unknown> } | undefined)?.data ?? {};
      const invalid = timeEntryProblem(input, false);
      if (invalid) return unprocessable(invalid);
      if ('matter' in input) {
        const matter = this.matterOf(input.matter);
        if (matter === 'missing') return unprocessable('Matter does not exist');
        entry.matter = matter;
      }
      for (const field of ['date', 'quantity', 'note', 'non_billable'] as const) {
        if (field in input) (entry as unknown as Record<string, unknown>)[field] = input[field];
      }
      return [200, { data: pick(entry, r.query.fields) }];
    }
    return [404, { error: { type: 'NotFoundError', message: `Unknown route ${r.method} ${r.path}` } }];
  }

  private createTimeEntry(r: RecordedRequest): Answer {
    const input = (r.body as { data?: Record<string, unknown> } | undefined)?.data;
    if (!input) return [400, { error: { type: 'BadRequestError', message: 'data is missing' } }];
    if (input.type !== 'TimeEntry' && input.type !== 'ExpenseEntry') return unprocessable('Type must be TimeEntry or ExpenseEntry');
    const invalid = timeEntryProblem(input, true);
    if (invalid) return unprocessable(invalid);
    const matter = this.matterOf(input.matter);
    if (matter === 'missing') return unprocessable('Matter does not exist');
    const communicationId = (input.communication as { id?: unknown } | undefined)?.id;
    if (communicationId !== undefined && !this.communications.has(Number(communicationId))) {
      return unprocessable('Communication does not exist');
    }
    const entry: FakeClioTimeEntry = {
      id: this.id(),
      type: 'TimeEntry',
      date: (input.date as string | undefined) ?? new Date().toISOString().slice(0, 10),
      quantity: input.quantity as number,
      note: input.note as string | undefined,
      non_billable: input.non_billable === true,
      communication: communicationId !== undefined ? { id: Number(communicationId) } : null,
      matter,
    };
    this.timeEntries.set(entry.id, entry);
    return [201, { data: pick(entry, r.query.fields) }];
  }

  /** One page of a list; the next link carries the query and an offset token, as Clio's does. */
  private page(r: RecordedRequest, items: object[]): Answer {
    const size = Math.min(Number(r.query.limit ?? MAX_LIMIT), this.pageSize);
    const offset = Number(r.query.page_token ?? 0);
    const slice = items.slice(offset, offset + size);
    const meta: { records: number; paging: { next?: string } } = { records: items.length, paging: {} };
    if (offset + size < items.length) {
      const next = new URLSearchParams({ ...r.query, page_token: String(offset + size) });
      meta.paging.next = `${this.url}${r.path}?${next.toString()}`;
    }
    return [200, { data: slice.map((item) => pick(item, r.query.fields)), meta }];
  }

  private createContact(r: RecordedRequest): Answer {
    const input = (r.body as { data?: Record<string, unknown> } | undefined)?.data;
    if (!input) return [400, { error: { type: 'BadRequestError', message: 'data is missing' } }];
    const type = input.type;
    if (type !== 'Person' && type !== 'Company') return unprocessable('Type must be Person or Company');
    const first = typeof input.first_name === 'string' ? input.first_name.trim() : '';
    const last = typeof input.last_name === 'string' ? input.last_name.trim() : '';
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (type === 'Person' && !first && !last) return unprocessable("First name or last name can't be blank");
    if (type === 'Company' && !name) return unprocessable("Name can't be blank");
    const phones = Array.isArray(input.phone_numbers) ? (input.phone_numbers as { number?: string; name?: string }[]) : [];
    if (phones.some((phone) => !phone.number)) return unprocessable("Phone number can't be blank");
    const contact = this.addContact({
      name: type === 'Person' ? [first, last].filter(Boolean).join(' ') : name,
      phones: phones.map((phone) => phone.number!),
      type,
    });
    if (type === 'Person') Object.assign(contact, { first_name: first, last_name: last });
    contact.phone_numbers.forEach((phone, index) => (phone.name = phones[index].name ?? phone.name));
    return [201, { data: pick(contact, r.query.fields) }];
  }

  private createCommunication(r: RecordedRequest): Answer {
    const input = (r.body as { data?: Record<string, unknown> } | undefined)?.data;
    if (!input) return [400, { error: { type: 'BadRequestError', message: 'data is missing' } }];
    if (input.type !== 'PhoneCommunication' && input.type !== 'EmailCommunication') {
      return unprocessable('Type must be PhoneCommunication or EmailCommunication');
    }
    const parties = this.parties(input);
    if (typeof parties === 'string') return unprocessable(parties);
    const matter = this.matterOf(input.matter);
    if (matter === 'missing') return unprocessable('Matter does not exist');
    const properties = this.externalProperties(input.external_properties);
    if (typeof properties === 'string') return unprocessable(properties);
    const now = new Date().toISOString();
    const communication: FakeClioCommunication = {
      id: this.id(),
      type: input.type,
      subject: input.subject as string | undefined,
      body: input.body as string | undefined,
      received_at: (input.received_at as string | undefined) ?? now,
      created_at: now,
      updated_at: now,
      ...parties,
      matter,
      external_properties: properties,
    };
    this.communications.set(communication.id, communication);
    return [201, { data: pick(communication, r.query.fields) }];
  }

  private updateCommunication(r: RecordedRequest, communication: FakeClioCommunication): Answer {
    const input = (r.body as { data?: Record<string, unknown> } | undefined)?.data;
    if (!input) return [400, { error: { type: 'BadRequestError', message: 'data is missing' } }];
    for (const field of ['subject', 'body', 'received_at'] as const) {
      if (typeof input[field] === 'string') communication[field] = input[field] as string;
    }
    if ('matter' in input) {
      const matter = this.matterOf(input.matter);
      if (matter === 'missing') return unprocessable('Matter does not exist');
      communication.matter = matter;
    }
    communication.updated_at = new Date().toISOString();
    return [200, { data: pick(communication, r.query.fields) }];
  }

  private parties(input: Record<string, unknown>): Pick<FakeClioCommunication, 'senders' | 'receivers'> | string {
    const resolve = (list: unknown, role: string) => {
      if (!Array.isArray(list) || list.length === 0) return `${role} can't be blank`;
      const resolved: { id: number; type: string; name: string }[] = [];
      for (const party of list as { id?: number; type?: string }[]) {
        if (party.type === 'User') {
          const user = this.users.get(Number(party.id));
          if (!user) return `${role}: user ${party.id} does not exist`;
          resolved.push({ id: user.id, type: 'User', name: user.name });
        } else if (party.type === 'Contact') {
          const contact = this.contacts.get(Number(party.id));
          if (!contact) return `${role}: contact ${party.id} does not exist`;
          resolved.push({ id: contact.id, type: contact.type, name: contact.name });
        } else {
          return `${role}: type must be User or Contact`;
        }
      }
      return resolved;
    };
    const senders = resolve(input.senders, 'Senders');
    if (typeof senders === 'string') return senders;
    const receivers = resolve(input.receivers, 'Receivers');
    if (typeof receivers === 'string') return receivers;
    return { senders, receivers };
  }

  private matterOf(value: unknown): { id: number; display_number: string } | null | 'missing' {
    if (value === undefined || value === null) return null;
    const matter = this.matters.get(Number((value as { id?: unknown }).id));
    return matter ? { id: matter.id, display_number: matter.display_number } : 'missing';
  }

  private externalProperties(value: unknown): FakeClioCommunication['external_properties'] | string {
    if (value === undefined) return [];
    if (!Array.isArray(value)) return 'External properties must be a list';
    const properties: FakeClioCommunication['external_properties'] = [];
    for (const property of value as { name?: unknown; value?: unknown }[]) {
      if (typeof property.name !== 'string' || !property.name || typeof property.value !== 'string') {
        return 'External property name and value must be strings';
      }
      properties.push({ id: this.id(), name: property.name, value: property.value });
    }
    return properties;
  }

  private authenticate(headers: IncomingHttpHeaders): number | undefined {
    const authorization = headers.authorization;
    if (!authorization?.startsWith('Bearer ')) return undefined;
    return this.accessTokens.get(authorization.slice('Bearer '.length));
  }

  private token(r: RecordedRequest): Answer {
    const form = (r.body ?? {}) as Record<string, string>;
    if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret) {
      return [401, { error: 'invalid_client', error_description: 'Client authentication failed' }];
    }
    let userId: number | undefined;
    let rotateRefreshToken = false;
    if (form.grant_type === 'authorization_code') {
      if (!form.redirect_uri) return [400, { error: 'invalid_request', error_description: 'redirect_uri is missing' }];
      userId = this.authorizationCodes.get(form.code);
      this.authorizationCodes.delete(form.code);
      rotateRefreshToken = true;
    } else if (form.grant_type === 'refresh_token') {
      userId = this.refreshTokens.get(form.refresh_token);
    } else {
      return [400, { error: 'unsupported_grant_type', error_description: 'The grant type is not supported' }];
    }
    if (userId === undefined) {
      return [400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired or revoked' }];
    }
    const accessToken = `clio-at-${randomUUID()}`;
    this.accessTokens.set(accessToken, userId);
    // Clio issues the refresh token with the code; a refresh answers a new access token only.
    const answer: Record<string, unknown> = { access_token: accessToken, token_type: 'bearer', expires_in: this.tokenLifetimeSeconds };
    if (rotateRefreshToken) {
      const refreshToken = `clio-rt-${randomUUID()}`;
      this.refreshTokens.set(refreshToken, userId);
      answer.refresh_token = refreshToken;
    }
    return [200, answer];
  }

  private id(): number {
    return this.nextId++;
  }
}

/** Clio's checks on a time entry: seconds as a non-negative number, an ISO date, a boolean flag. */
function timeEntryProblem(input: Record<string, unknown>, creating: boolean): string | undefined {
  if ((creating || 'quantity' in input) && (typeof input.quantity !== 'number' || input.quantity < 0)) {
    return 'Quantity must be a number of seconds';
  }
  if ('date' in input && (typeof input.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(input.date))) {
    return 'Date must be an ISO-8601 date';
  }
  if ('non_billable' in input && typeof input.non_billable !== 'boolean') return 'Non billable must be true or false';
  return undefined;
}

function unprocessable(message: string): Answer {
  return [422, { error: { type: 'UnprocessableEntityError', message } }];
}

/**
 * Only the fields asked for, as Clio answers (id and etag when none are named). Nested
 * selections such as `matter{id,display_number}` keep the named sub-fields.
 */
function pick(value: object, fields: string | undefined): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = { id: source.id, etag: `"${String(source.id)}"` };
  for (const [name, nested] of topLevelFields(fields ?? 'id')) {
    const field = source[name];
    if (field === undefined) continue;
    if (!nested || field === null) out[name] = field;
    else if (Array.isArray(field)) out[name] = field.map((item) => pick(item as object, nested));
    else out[name] = pick(field as object, nested);
  }
  return out;
}

function topLevelFields(fields: string): [string, string | undefined][] {
  const result: [string, string | undefined][] = [];
  let depth = 0;
  let current = '';
  for (const char of `${fields},`) {
    if (char === ',' && depth === 0) {
      const brace = current.indexOf('{');
      if (current) result.push(brace < 0 ? [current.trim(), undefined] : [current.slice(0, brace).trim(), current.slice(brace + 1, -1)]);
      current = '';
      continue;
    }
    if (char === '{') depth++;
    if (char === '}') depth--;
    current += char;
  }
  return result;
}
