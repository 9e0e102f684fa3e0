import { randomUUID } from 'node:crypto';
import { FakeCrmServer, type FakeAnswer, type RecordedRequest } from './fake-crm-server.js';
export type { FakeFailure, RecordedRequest } from './fake-crm-server.js';

export interface FakeRedtailUser {
  id: number;
  database_id: number;
  username: string;
  password: string;
  first_name: string;
  last_name: string;
}

export interface FakeRedtailContact {
  id: number;
  type: string;
  first_name: string;
  middle_name?: string;
  last_name: string;
  job_title?: string;
  /** Numbers as they were typed, with their country code when one was given. */
  phones: { number: string; country_code?: number; phone_type: number }[];
  created_at: string;
  updated_at: string;
}

export interface FakeRedtailActivity {
  id: number;
  subject: string;
  description: string | null;
  start_date: string;
  end_date: string;
  activity_code_id: number;
  category_id: number | null;
  repeats: string;
  completed: boolean;
  linked_contacts: { contact_id: number }[];
  created_at: string;
  updated_at: string;
}

type Answer = FakeAnswer;

export const REDTAIL_ROOT = '/api/public/v1';
const PAGE_SIZE = 25;

/**
 * An in-memory Redtail public API on 127.0.0.1 (root `${url}/api/public/v1`). Like Redtail
 * it signs a user in at GET /authentication with Basic base64(<API key>:<user>:<password>)
 * and answers their user key; every other call must carry Userkeyauth
 * base64(<API key>:<user key>) with the integration's own API key. It searches contacts by
 * the digits of their numbers however they were typed (search_basic), lists categories,
 * creates contacts, and creates, updates, reads and lists activities (25 a page), refusing a
 * category the database does not have or a link to a missing contact. It records every
 * request, and can fail or hold back the next matching ones.
 */
export class FakeRedtailServer extends FakeCrmServer {
  readonly apiKey = 'fake-redtail-partner-key';
  readonly users = new Map<number, FakeRedtailUser>();
  /** user key -> user id; delete one to revoke it. */
  readonly userKeys = new Map<string, number>();
  readonly contacts = new Map<number, FakeRedtailContact>();
  readonly activities = new Map<number, FakeRedtailActivity>();
  categories = [
    { id: 1, name: 'Client Service', deleted: false },
    { id: 2, name: 'Prospecting', deleted: false },
    { id: 3, name: 'Old Category', deleted: true },
    { id: 4, name: 'Compliance', deleted: false },
  ];

  private nextId = 9000;

  get apiRoot(): string {
    return `${this.url}${REDTAIL_ROOT}`;
  }

  // ---- set-up helpers -------------------------------------------------------------

  addUser(user: Omit<FakeRedtailUser, 'database_id'> & { database_id?: number }): FakeRedtailUser {
    const full = { database_id: 42, ...user };
    this.users.set(full.id, full);
    return full;
  }

  addContact(contact: Partial<FakeRedtailContact> & { first_name: string; last_name: string; phones: FakeRedtailContact['phones'] }): FakeRedtailContact {
    const now = new Date().toISOString();
    const full: FakeRedtailContact = { id: this.id(), type: 'Crm::Contact::Individual', created_at: now, updated_at: now, ...contact };
    this.contacts.set(full.id, full);
    return full;
  }

  /** Revokes every user key of a user, as a password change in Redtail does. */
  revokeKeysOf(userId: number): void {
    for (const [key, owner] of this.userKeys) if (owner === userId) this.userKeys.delete(key);
  }

  // ---- HTTP -------------------------------------------------------------------

  protected errorBody(_status: number, message: string): unknown {
    return { message };
  }

  protected route(r: RecordedRequest): Answer {
    if (!r.path.startsWith(`${REDTAIL_ROOT}/`)) return [404, { message: 'Not found' }];
    const path = r.path.slice(REDTAIL_ROOT.length + 1);
    if (r.method === 'GET' && path === 'authentication') return this.authenticate(r.headers.authorization);

    const userId = this.userOf(r.headers.authorization);
    if (userId === undefined) return [401, { message: 'Invalid user key or API key' }];
    let match: RegExpMatchArray | null;

    if (r.method === 'GET' && path === 'contacts/search_basic') return this.searchBasic(r.query);
    if (r.method === 'GET' && path === 'lists/categories') return [200, { categories: this.categories }];
    if (r.method === 'POST' && path === 'contacts') return this.createContact(r.body);
    if (r.method === 'POST' && path === 'activities') return this.createActivity(r.body);
    if ((match = path.match(/^activities\/(\d+)$/))) {
      const activity = this.activities.get(Number(match[1]));
      if (!activity) return [404, { message: 'Activity not found' }];
      if (r.method === 'GET') return [200, { activity: this.view(activity, r.query.include === 'linked_contacts') }];
      if (r.method === 'PUT') return this.updateActivity(activity, r.body);
    }
    if (r.method === 'GET' && (match = path.match(/^contacts\/(\d+)\/activities$/))) {
      const contactId = Number(match[1]);
      if (!this.contacts.has(contactId)) return [404, { message: 'Contact not found' }];
      const all = [...this.activities.values()].filter((a) => a.linked_contacts.some((l) => l.contact_id === contactId));
      const page = Math.max(1, Number(r.query.page ?? 1));
      const totalPages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
      return [
        200,
        {
          activities: all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((a) => this.view(a, false)),
          meta: { total_records: all.length, total_pages: totalPages, current_page: page },
        },
      ];
    }
    return [404, { message: `Unknown route ${r.method} ${r.path}` }];
  }

  private authenticate(header: string | string[] | undefined): Answer {
    const decoded = typeof header === 'string' && header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    const [apiKey, username, ...rest] = decoded.split(':');
    if (apiKey !== this.apiKey) return [401, { message: 'Invalid API key' }];
    const user = [...this.users.values()].find((u) => u.username === username && u.password === rest.join(':'));
    if (!user) return [401, { message: 'Invalid username or password' }];
    const userKey = `rt-uk-${randomUUID()}`;
    this.userKeys.set(userKey, user.id);
    return [200, { authenticated_user: { id: user.id, user_key: userKey, database_id: user.database_id, first_name: user.first_name, last_name: user.last_name } }];
  }

  private userOf(header: string | string[] | undefined): number | undefined {
    if (typeof header !== 'string' || !header.startsWith('Userkeyauth ')) return undefined;
    const [apiKey, userKey] = Buffer.from(header.slice('Userkeyauth '.length), 'base64').toString('utf8').split(':');
    return apiKey === this.apiKey ? this.userKeys.get(userKey ?? '') : undefined;
  }

  /** Redtail compares digits: a number typed as "(415) 555-0100" or "+1 415.555.0100" matches 4155550100. */
  private searchBasic(query: Record<string, string>): Answer {
    const wanted = (query.phone_number ?? '').replace(/\D/g, '');
    if (!wanted) return [400, { message: 'A search parameter is required' }];
    const contacts = [...this.contacts.values()].filter((c) =>
      c.phones.some((p) => {
        const digits = `${p.country_code ?? ''}${p.number.replace(/\D/g, '')}`;
        return digits === wanted || digits.endsWith(wanted);
      }),
    );
    return [200, { contacts: contacts.map(({ phones: _phones, ...contact }) => contact), meta: { total_records: contacts.length, total_pages: 1 } }];
  }

  private createContact(body: unknown): Answer {
    const input = (body ?? {}) as Record<string, unknown>;
    if (input.type !== 'Crm::Contact::Individual') return [422, { errors: ['type is not a known contact type'] }];
    if (typeof input.last_name !== 'string' || !input.last_name) return [422, { errors: ["last_name can't be blank"] }];
    const phones = Array.isArray(input.phones) ? (input.phones as FakeRedtailContact['phones']) : [];
    const contact = this.addContact({ first_name: String(input.first_name ?? ''), last_name: input.last_name, phones });
    const { phones: _phones, ...view } = contact;
    return [201, { contact: view }];
  }

  private createActivity(body: unknown): Answer {
    const input = (body ?? {}) as Record<string, unknown>;
    if (typeof input.subject !== 'string' || !input.subject) return [422, { errors: ["subject can't be blank"] }];
    if (typeof input.activity_code_id !== 'number') return [422, { errors: ["activity_code_id can't be blank"] }];
    const categoryError = this.categoryError(input.category_id);
    if (categoryError) return [422, { errors: [categoryError] }];
    const linked = Array.isArray(input.linked_contacts) ? (input.linked_contacts as { contact_id: number }[]) : [];
    if (linked.some((l) => !this.contacts.has(Number(l.contact_id)))) return [422, { errors: ['linked contact does not exist'] }];
    const now = new Date().toISOString();
    const activity: FakeRedtailActivity = {
      id: this.id(),
      subject: input.subject,
      description: typeof input.description === 'string' ? input.description : null,
      start_date: String(input.start_date ?? now),
      end_date: String(input.end_date ?? now),
      activity_code_id: input.activity_code_id,
      category_id: typeof input.category_id === 'number' ? input.category_id : null,
      repeats: String(input.repeats ?? 'never'),
      completed: input.completed === true,
      linked_contacts: linked.map((l) => ({ contact_id: Number(l.contact_id) })),
      created_at: now,
      updated_at: now,
    };
    this.activities.set(activity.id, activity);
    return [201, { activity: this.view(activity, false) }];
  }

  private updateActivity(activity: FakeRedtailActivity, body: unknown): Answer {
    const input = (body ?? {}) as Record<string, unknown>;
    if (input.category_id !== undefined) {
      const categoryError = this.categoryError(input.category_id);
      if (categoryError) return [422, { errors: [categoryError] }];
      activity.category_id = Number(input.category_id);
    }
    for (const field of ['subject', 'description', 'start_date', 'end_date'] as const) {
      if (typeof input[field] === 'string') activity[field] = input[field] as string;
    }
    if (typeof input.completed === 'boolean') activity.completed = input.completed;
    activity.updated_at = new Date().toISOString();
    return [200, { activity: this.view(activity, false) }];
  }

  private categoryError(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    const category = this.categories.find((c) => c.id === Number(value));
    return category && !category.deleted ? undefined : `category ${String(value)} does not exist`;
  }

  private view(activity: FakeRedtailActivity, withContacts: boolean): Record<string, unknown> {
    return {
      ...activity,
      linked_contacts: activity.linked_contacts.map((l) => {
        const contact = this.contacts.get(l.contact_id);
        return withContacts && contact ? { contact_id: l.contact_id, first_name: contact.first_name, last_name: contact.last_name } : { contact_id: l.contact_id };
      }),
    };
  }

  private id(): number {
    return this.nextId++;
  }
}
