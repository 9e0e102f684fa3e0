import { FakeCrmServer, type FakeAnswer, type RecordedRequest } from './fake-crm-server.js';
export type { FakeFailure, RecordedRequest } from './fake-crm-server.js';

export interface FakeInsightlyUser {
  USER_ID: number;
  FIRST_NAME: string;
  LAST_NAME: string;
  EMAIL_ADDRESS: string;
  TIMEZONE_ID: string;
  INSTANCE_ID: number;
}

export type FakePersonType = 'Contact' | 'Lead';

export interface FakeInsightlyPerson {
  type: FakePersonType;
  id: number;
  FIRST_NAME: string | null;
  LAST_NAME: string | null;
  TITLE?: string | null;
  EMAIL_ADDRESS?: string | null;
  PHONE?: string | null;
  /** Contacts only. */
  PHONE_MOBILE?: string | null;
  /** Leads only. */
  MOBILE?: string | null;
  DATE_CREATED_UTC: string;
  DATE_UPDATED_UTC: string;
}

export interface FakeInsightlyEvent {
  EVENT_ID: number;
  TITLE: string;
  DETAILS: string | null;
  START_DATE_UTC: string | null;
  END_DATE_UTC: string | null;
  ALL_DAY: boolean;
  OWNER_USER_ID: number;
  DATE_CREATED_UTC: string;
  DATE_UPDATED_UTC: string;
  LINKS: { LINK_ID: number; LINK_OBJECT_NAME: string; LINK_OBJECT_ID: number }[];
}

type Answer = FakeAnswer;

const ROOT = '/v3.1/';
const PHONE_FIELDS: Record<FakePersonType, string[]> = { Contact: ['PHONE', 'PHONE_MOBILE'], Lead: ['PHONE', 'MOBILE'] };

/** Insightly's "yyyy-MM-dd HH:mm:ss" (UTC). */
const insightlyNow = () => new Date().toISOString().slice(0, 19).replace('T', ' ');

/**
 * An in-memory Insightly v3.1 on 127.0.0.1 (the API root is `${url}/v3.1`): HTTP Basic with
 * the API key as user name, Users/Me, Contacts and Leads (Search by field, create, read),
 * and Events (create, PUT update, read, Search by updated_after_utc, and Links). Like
 * Insightly it treats paths case-insensitively, matches a search's field_value against the
 * field as it was typed, answers records in capitals with LINKS, and refuses a lead without a
 * LAST_NAME and a link to a record that does not exist. It records every request, and can
 * fail or hold back the next matching ones.
 */
export class FakeInsightlyServer extends FakeCrmServer {
  /** API key -> user id; delete one to revoke the key. */
  readonly apiKeys = new Map<string, number>();
  readonly users = new Map<number, FakeInsightlyUser>();
  readonly people = new Map<string, FakeInsightlyPerson>();
  readonly events = new Map<number, FakeInsightlyEvent>();

  private nextId = 3000;

  get apiRoot(): string {
    return `${this.url}/v3.1`;
  }

  // ---- set-up helpers -------------------------------------------------------------

  addUser(user: { USER_ID: number; FIRST_NAME: string; LAST_NAME: string; TIMEZONE_ID?: string }, apiKey: string): FakeInsightlyUser {
    const full: FakeInsightlyUser = {
      TIMEZONE_ID: 'UTC',
      EMAIL_ADDRESS: `${user.FIRST_NAME.toLowerCase()}@firm.example`,
      INSTANCE_ID: 77,
      ...user,
    };
    this.users.set(full.USER_ID, full);
    this.apiKeys.set(apiKey, full.USER_ID);
    return full;
  }

  addPerson(type: FakePersonType, person: Partial<FakeInsightlyPerson> & { FIRST_NAME: string; LAST_NAME: string }): FakeInsightlyPerson {
    const now = insightlyNow();
    const full: FakeInsightlyPerson = { type, id: this.id(), DATE_CREATED_UTC: now, DATE_UPDATED_UTC: now, ...person };
    this.people.set(`${type}:${full.id}`, full);
    return full;
  }

  person(type: FakePersonType, id: number | string): FakeInsightlyPerson | undefined {
    return this.people.get(`${type}:${Number(id)}`);
  }

  // ---- HTTP -------------------------------------------------------------------

  /** Insightly (ASP.NET Web API) names its error text Message. */
  protected errorBody(_status: number, message: string): unknown {
    return { Message: message };
  }

  protected route(r: RecordedRequest): Answer {
    if (!r.path.toLowerCase().startsWith(ROOT)) return [404, { Message: `No HTTP resource was found that matches ${r.path}` }];
    const userId = this.authenticate(r.headers.authorization);
    if (userId === undefined) return [401, { Message: 'Authorization has been denied for this request.' }];
    const path = r.path.slice(ROOT.length).toLowerCase();
    let match: RegExpMatchArray | null;

    if (r.method === 'GET' && path === 'users/me') return [200, this.users.get(userId)];
    if (r.method === 'GET' && (match = path.match(/^(contacts|leads)\/search$/))) return this.searchPeople(typeOf(match[1]), r.query);
    if (r.method === 'POST' && (match = path.match(/^(contacts|leads)$/))) return this.createPerson(typeOf(match[1]), r.body);
    if (r.method === 'GET' && (match = path.match(/^(contacts|leads)\/(\d+)$/))) {
      const person = this.person(typeOf(match[1]), match[2]);
      return person ? [200, view(person)] : [404, { Message: `${typeOf(match[1])} not found` }];
    }
    if (r.method === 'POST' && path === 'events') return this.createEvent(userId, r.body);
    if (r.method === 'PUT' && path === 'events') return this.updateEvent(r.body);
    if (r.method === 'GET' && path === 'events/search') return this.searchEvents(r.query);
    if (r.method === 'GET' && (match = path.match(/^events\/(\d+)$/))) {
      const event = this.events.get(Number(match[1]));
      return event ? [200, event] : [404, { Message: 'Event not found' }];
    }
    if (r.method === 'POST' && (match = path.match(/^events\/(\d+)\/links$/))) return this.addLink(Number(match[1]), r.body);
    return [404, { Message: `No HTTP resource was found that matches ${r.method} ${r.path}` }];
  }

  private authenticate(header: string | string[] | undefined): number | undefined {
    if (typeof header !== 'string' || !header.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator < 0) return undefined;
    return this.apiKeys.get(decoded.slice(0, separator));
  }

  /** Insightly compares field_value with the field's text as typed (case aside): no digit matching. */
  private searchPeople(type: FakePersonType, query: Record<string, string>): Answer {
    const field = (query.field_name ?? '').toUpperCase();
    const value = (query.field_value ?? '').toLowerCase();
    if (!field || !value) return [400, { Message: 'field_name and field_value are required' }];
    const known = [...PHONE_FIELDS[type], 'FIRST_NAME', 'LAST_NAME', 'EMAIL_ADDRESS'];
    if (!known.includes(field)) return [400, { Message: `Invalid field_name ${field}` }];
    const found = [...this.people.values()].filter((p) => {
      const stored = p[field as keyof FakeInsightlyPerson];
      return p.type === type && typeof stored === 'string' && stored.toLowerCase() === value;
    });
    const top = Number(query.top ?? 500);
    return [200, found.slice(0, top).map(view)];
  }

  private createPerson(type: FakePersonType, body: unknown): Answer {
    const input = (body ?? {}) as Record<string, unknown>;
    if (type === 'Lead' && (typeof input.LAST_NAME !== 'string' || !input.LAST_NAME)) {
      return [400, { Message: 'LAST_NAME is required' }];
    }
    const person = this.addPerson(type, {
      FIRST_NAME: typeof input.FIRST_NAME === 'string' ? input.FIRST_NAME : '',
      LAST_NAME: typeof input.LAST_NAME === 'string' ? input.LAST_NAME : '',
      ...(typeof input.PHONE === 'string' ? { PHONE: input.PHONE } : {}),
    });
    return [200, view(person)];
  }

  private createEvent(userId: number, body: unknown): Answer {
    const input = (body ?? {}) as Record<string, unknown>;
    if (typeof input.TITLE !== 'string' || !input.TITLE) return [400, { Message: 'TITLE is required' }];
    if (input.EVENT_ID !== undefined && input.EVENT_ID !== 0) return [400, { Message: 'EVENT_ID must not be set on a new event' }];
    const now = insightlyNow();
    const event: FakeInsightlyEvent = {
      EVENT_ID: this.id(),
      TITLE: input.TITLE,
      DETAILS: typeof input.DETAILS === 'string' ? input.DETAILS : null,
      START_DATE_UTC: typeof input.START_DATE_UTC === 'string' ? input.START_DATE_UTC : null,
      END_DATE_UTC: typeof input.END_DATE_UTC === 'string' ? input.END_DATE_UTC : null,
      ALL_DAY: input.ALL_DAY === true,
      OWNER_USER_ID: userId,
      DATE_CREATED_UTC: now,
      DATE_UPDATED_UTC: now,
      LINKS: [],
    };
    this.events.set(event.EVENT_ID, event);
    return [200, event];
  }

  private updateEvent(body: unknown): Answer {
    const input = (body ?? {}) as Record<string, unknown>;
    const event = this.events.get(Number(input.EVENT_ID));
    if (!event) return [404, { Message: 'Event not found' }];
    for (const field of ['TITLE', 'DETAILS', 'START_DATE_UTC', 'END_DATE_UTC'] as const) {
      if (typeof input[field] === 'string') event[field] = input[field] as string;
    }
    event.DATE_UPDATED_UTC = insightlyNow();
    return [200, event];
  }

  private searchEvents(query: Record<string, string>): Answer {
    const given = query.updated_after_utc;
    if (given !== undefined && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(given)) return [400, { Message: 'updated_after_utc is not a UTC date-time' }];
    const after = given ? Date.parse(given) : 0;
    const skip = Number(query.skip ?? 0);
    const top = Number(query.top ?? 500);
    const found = [...this.events.values()].filter((e) => Date.parse(`${e.DATE_UPDATED_UTC.replace(' ', 'T')}Z`) >= after - 1000);
    return [200, found.slice(skip, skip + top)];
  }

  private addLink(eventId: number, body: unknown): Answer {
    const event = this.events.get(eventId);
    if (!event) return [404, { Message: 'Event not found' }];
    const input = (body ?? {}) as Record<string, unknown>;
    const name = String(input.LINK_OBJECT_NAME ?? '');
    const type = /^contact$/i.test(name) ? 'Contact' : /^lead$/i.test(name) ? 'Lead' : undefined;
    if (!type || !this.person(type, Number(input.LINK_OBJECT_ID))) {
      return [400, { Message: `The linked ${name} ${String(input.LINK_OBJECT_ID)} does not exist` }];
    }
    const link = { LINK_ID: this.id(), LINK_OBJECT_NAME: type, LINK_OBJECT_ID: Number(input.LINK_OBJECT_ID) };
    event.LINKS.push(link);
    return [200, link];
  }

  private id(): number {
    return this.nextId++;
  }
}

function typeOf(collection: string): FakePersonType {
  return collection === 'contacts' ? 'Contact' : 'Lead';
}

/** A record as Insightly answers it: its id under CONTACT_ID or LEAD_ID, no type field. */
function view(person: FakeInsightlyPerson): Record<string, unknown> {
  const { type, id, ...fields } = person;
  return { [type === 'Contact' ? 'CONTACT_ID' : 'LEAD_ID']: id, ...fields, LINKS: [] };
}
