import { FakeCrmServer, type FakeAnswer, type RecordedRequest } from './fake-crm-server.js';
export type { RecordedRequest as RecordedFreshdeskRequest } from './fake-crm-server.js';
export type { FakeFailure as FreshdeskFailure } from './fake-crm-server.js';

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

const isPositiveInteger = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0;

/**
 * Freshdesk's REST API v2 on 127.0.0.1, as far as the shipped config uses it: Basic auth
 * with the API key and "X", /agents/me, contacts filtered by phone, contact create, tickets
 * (create, update, view) and ticket search by tag. It validates like Freshdesk (integer
 * ids, required fields) and answers 401, 404 and 429 in Freshdesk's shapes.
 */
export class FakeFreshdeskServer extends FakeCrmServer {
  readonly contacts = new Map<number, FreshdeskContact>();
  readonly tickets = new Map<number, FreshdeskTicket>();
  /** API key -> agent */
  readonly agents = new Map<string, { id: number; name: string; email: string }>();
  /** Answer the next requests with 429 and this Retry-After (seconds). */
  rateLimitNext = 0;
  retryAfterSeconds = 1;
  private nextId = 5000;

  addContact(contact: Omit<FreshdeskContact, 'id' | 'created_at' | 'updated_at'>): FreshdeskContact {
    const now = new Date().toISOString();
    const full = { id: this.nextId++, created_at: now, updated_at: now, ...contact };
    this.contacts.set(full.id, full);
    return full;
  }

  protected errorBody(_status: number, message: string): unknown {
    return { code: 'internal_error', message };
  }

  /** Freshdesk answers its rate limit and a bad API key before anything else, injected failures included. */
  protected override preempt(r: RecordedRequest): FakeAnswer | undefined {
    if (this.rateLimitNext > 0) {
      this.rateLimitNext -= 1;
      return [429, { message: 'You have exceeded the limit of requests per minute' }, { 'retry-after': String(this.retryAfterSeconds) }];
    }
    if (!this.agentOf(r)) return [401, { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' }];
    return undefined;
  }

  private agentOf(r: RecordedRequest): { id: number; name: string; email: string } | undefined {
    const basic = /^Basic (.+)$/.exec(r.headers.authorization ?? '')?.[1];
    const [key, password] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    return key && password === 'X' ? this.agents.get(key) : undefined;
  }

  protected route(r: RecordedRequest): FakeAnswer {
    const agent = this.agentOf(r)!;
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
