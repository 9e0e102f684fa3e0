import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FreshdeskContact {
  id: number;
  name: string;
  phone: string | null;
  mobile?: string | null;
  email?: string | null;
  created_at: string;
  updated_at: string;
}

export interface FreshdeskTicket {
  id: number;
  subject: string;
  description: string;
  description_text: string;
  requester_id: number;
  source: number;
  status: number;
  priority: number;
  tags: string[];
}

export interface RecordedFreshdeskRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A canned failure answered instead of the real route, for the next matching request. */
export interface FreshdeskFailure {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  method?: string;
  path?: RegExp;
  /** Carry the request out first, then answer the failure: a write whose answer was lost. */
  afterProcessing?: boolean;
}

const isPositiveInteger = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0;

/**
 * Freshdesk's REST API v2 on 127.0.0.1, as far as the shipped config uses it: Basic auth
 * with the API key and "X", /agents/me, contacts filtered by phone, contact create, tickets
 * (create, update, view) and ticket search by tag. It validates like Freshdesk (integer
 * ids, required fields) and answers 401, 404 and 429 in Freshdesk's shapes.
 */
export class FakeFreshdeskServer {
  readonly requests: RecordedFreshdeskRequest[] = [];
  readonly contacts = new Map<number, FreshdeskContact>();
  readonly tickets = new Map<number, FreshdeskTicket>();
  /** API key -> agent */
  readonly agents = new Map<string, { id: number; name: string; email: string }>();
  /** Answer the next requests with 429 and this Retry-After (seconds). */
  rateLimitNext = 0;
  retryAfterSeconds = 1;
  url = '';
  private readonly failures: FreshdeskFailure[] = [];
  private nextId = 5000;
  private server!: Server;

  static async start(): Promise<FakeFreshdeskServer> {
    const fake = new FakeFreshdeskServer();
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addContact(contact: Omit<FreshdeskContact, 'id' | 'created_at' | 'updated_at'>): FreshdeskContact {
    const now = new Date().toISOString();
    const full = { id: this.nextId++, created_at: now, updated_at: now, ...contact };
    this.contacts.set(full.id, full);
    return full;
  }

  /** The next `times` matching requests get this answer instead of the real one. */
  failNext(failure: FreshdeskFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(failure);
  }

  requestsTo(method: string, path: RegExp): RecordedFreshdeskRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? (JSON.parse(raw) as unknown) : undefined;
    const record = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
    this.requests.push(record);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    if (this.rateLimitNext > 0) {
      this.rateLimitNext -= 1;
      return send(429, { message: 'You have exceeded the limit of requests per minute' }, { 'retry-after': String(this.retryAfterSeconds) });
    }
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [key, password] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    const agent = key && password === 'X' ? this.agents.get(key) : undefined;
    if (!agent) return send(401, { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' });

    const failureIndex = this.failures.findIndex((f) => (!f.method || f.method === record.method) && (!f.path || f.path.test(record.path)));
    if (failureIndex >= 0) {
      const [failure] = this.failures.splice(failureIndex, 1);
      if (failure.afterProcessing) this.route(record, agent);
      return send(failure.status, failure.body ?? { code: 'internal_error', message: `Fake failure ${failure.status}` }, failure.headers);
    }
    const [status, payload] = this.route(record, agent);
    send(status, payload);
  }

  private route(r: RecordedFreshdeskRequest, agent: { id: number; name: string; email: string }): [number, unknown] {
    let match: RegExpMatchArray | null;
    if (r.method === 'GET' && r.path === '/api/v2/agents/me') {
      return [200, { id: agent.id, available: true, contact: { name: agent.name, email: agent.email, time_zone: 'Eastern Time (US & Canada)' } }];
    }
    if (r.method === 'GET' && r.path === '/api/v2/contacts') {
      const phone = r.query.phone;
      const list = [...this.contacts.values()].filter((c) => (phone ? c.phone === phone || c.mobile === phone : true));
      return [200, list];
    }
    if (r.method === 'POST' && r.path === '/api/v2/contacts') {
      const input = r.body as { name?: unknown; phone?: unknown };
      if (typeof input?.name !== 'string' || !input.name) {
        return [400, { description: 'Validation failed', errors: [{ field: 'name', message: 'It should be a/an String', code: 'missing_field' }] }];
      }
      return [201, this.addContact({ name: input.name, phone: typeof input.phone === 'string' ? input.phone : null })];
    }
    if (r.method === 'POST' && r.path === '/api/v2/tickets') {
      const input = r.body as Partial<FreshdeskTicket>;
      const errors = [];
      if (!isPositiveInteger(input.requester_id)) errors.push({ field: 'requester_id', message: 'It should be a/an Positive Integer', code: 'datatype_mismatch' });
      if (typeof input.subject !== 'string' || !input.subject) errors.push({ field: 'subject', message: 'It should be a/an String', code: 'missing_field' });
      if (typeof input.description !== 'string') errors.push({ field: 'description', message: 'It should be a/an String', code: 'missing_field' });
      if (errors.length) return [400, { description: 'Validation failed', errors }];
      const ticket: FreshdeskTicket = {
        id: this.nextId++,
        subject: input.subject!,
        description: input.description!,
        description_text: input.description!.replace(/<[^>]*>/g, ''),
        requester_id: input.requester_id!,
        source: input.source ?? 2,
        status: input.status ?? 2,
        priority: input.priority ?? 1,
        tags: input.tags ?? [],
      };
      this.tickets.set(ticket.id, ticket);
      return [201, ticket];
    }
    if ((match = r.path.match(/^\/api\/v2\/tickets\/(\d+)$/))) {
      const ticket = this.tickets.get(Number(match[1]));
      if (!ticket) return [404, { code: 'access_denied', message: 'Record not found' }];
      if (r.method === 'GET') return [200, ticket];
      if (r.method === 'PUT') {
        const input = r.body as Partial<FreshdeskTicket>;
        if (typeof input.description === 'string') {
          ticket.description = input.description;
          ticket.description_text = input.description.replace(/<[^>]*>/g, '');
        }
        if (typeof input.subject === 'string') ticket.subject = input.subject;
        return [200, ticket];
      }
    }
    if (r.method === 'GET' && r.path === '/api/v2/search/tickets') {
      // Freshdesk's query language, for the one form the config sends: "tag:'<tag>'".
      const tag = /^"tag:'([^']+)'"$/.exec(r.query.query ?? '')?.[1];
      if (!tag) return [400, { description: 'Validation failed', errors: [{ field: 'query', message: 'Invalid query', code: 'invalid_value' }] }];
      const results = [...this.tickets.values()].filter((t) => t.tags.includes(tag));
      return [200, { results, total: results.length }];
    }
    return [404, { code: 'not_found', message: `No route ${r.method} ${r.path}` }];
  }
}
