import { randomUUID } from 'node:crypto';
import { FakeCrmServer, type FakeAnswer, type RecordedRequest } from './fake-crm-server.js';
export type { FakeFailure, RecordedRequest } from './fake-crm-server.js';

export type FakePersonEntity = 'ClientContact' | 'Candidate' | 'Lead';

export interface FakeBullhornPerson {
  id: number;
  entity: FakePersonEntity;
  name: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  mobile?: string;
  phone2?: string;
  phone3?: string;
  workPhone?: string;
  isDeleted: boolean;
  dateAdded: number;
  dateLastModified: number;
}

export interface FakeBullhornNote {
  id: number;
  comments: string;
  action?: string;
  personReference: { id: number; firstName?: string; lastName?: string; _subtype: string };
  commentingPerson?: { id: number };
  dateAdded: number;
  dateLastModified: number;
}

export interface FakeCorporateUser {
  id: number;
  username: string;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  timeZoneOffsetEST: number;
  isDeleted: boolean;
}

type Answer = FakeAnswer;

const REST_PREFIX = '/rest-services/corp7/';
const PHONE_FIELDS: Record<FakePersonEntity, string[]> = {
  ClientContact: ['phone', 'mobile', 'phone2', 'phone3'],
  Candidate: ['phone', 'mobile', 'phone2', 'phone3', 'workPhone'],
  Lead: ['phone', 'mobile', 'phone2', 'phone3', 'workPhone'],
};

/**
 * An in-memory Bullhorn on 127.0.0.1: the data-centre lookup (loginInfo), the OAuth token
 * endpoint (refresh tokens rotate, as Bullhorn's do), the REST login that opens a
 * BhRestToken session, and the REST calls the connector uses (ping, settings, CorporateUser,
 * search and entity calls for ClientContact, Candidate, Lead and Note). Like Bullhorn it
 * answers only the fields asked for, refuses a Note action the account does not list and a
 * ClientContact without a company, and answers 401 to an expired BhRestToken. It records
 * every request and can be told to fail the next ones.
 */
export class FakeBullhornServer extends FakeCrmServer {
  readonly users = new Map<number, FakeCorporateUser>();
  readonly persons = new Map<number, FakeBullhornPerson>();
  readonly notes = new Map<number, FakeBullhornNote>();
  commentActionList = ['Call', 'Left Message', 'SMS', 'Email'];
  /** OAuth access token -> user id. */
  readonly accessTokens = new Map<string, number>();
  readonly refreshTokens = new Map<string, number>();
  readonly authorizationCodes = new Map<string, number>();
  /** BhRestToken -> user id and session end (epoch ms); delete one, or expire it, to end a session. */
  readonly sessions = new Map<string, { userId: number; expires: number }>();
  readonly clientId = 'fake-bullhorn-client-id';
  readonly clientSecret = 'fake-bullhorn-client-secret';
  sessionLifetimeMs = 10 * 60_000;

  private nextId = 8000;

  // ---- set-up helpers -------------------------------------------------------------

  addUser(user: { id: number; username: string; firstName: string; lastName: string; timeZoneOffsetEST?: number }): FakeCorporateUser {
    const full: FakeCorporateUser = {
      timeZoneOffsetEST: 0,
      ...user,
      name: `${user.firstName} ${user.lastName}`,
      email: `${user.username}@agency.example`,
      isDeleted: false,
    };
    this.users.set(full.id, full);
    return full;
  }

  addPerson(entity: FakePersonEntity, person: Partial<FakeBullhornPerson> & { firstName: string; lastName: string }): FakeBullhornPerson {
    const now = Date.now();
    const full: FakeBullhornPerson = {
      id: this.id(),
      entity,
      name: `${person.firstName} ${person.lastName}`,
      isDeleted: false,
      dateAdded: now,
      dateLastModified: now,
      ...person,
    };
    this.persons.set(full.id, full);
    return full;
  }

  issueAuthorizationCode(userId: number): string {
    const code = `bh-code-${randomUUID()}`;
    this.authorizationCodes.set(code, userId);
    return code;
  }

  /** Ends every REST session, as Bullhorn does after its idle timeout. */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** Revokes a user's refresh tokens, as when they disconnect the app in Bullhorn. */
  revokeRefreshTokensOf(userId: number): void {
    for (const [token, owner] of this.refreshTokens) if (owner === userId) this.refreshTokens.delete(token);
  }

  // ---- HTTP -------------------------------------------------------------------

  protected errorBody(status: number, message: string): unknown {
    return { errorCode: status, errorMessage: message };
  }

  protected route(r: RecordedRequest): Answer {
    if (r.method === 'GET' && r.path === '/rest-services/loginInfo') {
      const user = [...this.users.values()].find((u) => u.username === r.query.username);
      if (!user) return [400, { errorCode: 400, errorMessage: 'Invalid username' }];
      return [200, { atsUrl: `${this.url}/ats`, oauthUrl: `${this.url}/oauth`, restUrl: `${this.url}/rest-services`, dataCenterId: 7 }];
    }
    if (r.method === 'POST' && r.path === '/oauth/token') return this.token(r);
    if (r.method === 'POST' && r.path === '/rest-services/login') return this.login(r);
    if (!r.path.startsWith(REST_PREFIX)) return [404, { errorCode: 404, errorMessage: `Unknown route ${r.method} ${r.path}` }];

    const tokenHeader = r.headers.bhresttoken;
    const session = typeof tokenHeader === 'string' ? this.sessions.get(tokenHeader) : undefined;
    if (!session || session.expires < Date.now()) return [401, { errorCode: 401, errorMessage: "Bad 'BhRestToken' or timed-out." }];
    const path = r.path.slice(REST_PREFIX.length);
    let match: RegExpMatchArray | null;

    if (r.method === 'GET' && path === 'ping') return [200, { sessionExpires: session.expires }];
    if (r.method === 'GET' && path === 'settings/userId') return [200, { userId: session.userId }];
    if (r.method === 'GET' && path === 'settings/commentActionList') return [200, { commentActionList: this.commentActionList }];
    if (r.method === 'GET' && (match = path.match(/^entity\/CorporateUser\/(\d+)$/))) {
      const user = this.users.get(Number(match[1]));
      return user ? [200, { data: pick(user, r.query.fields) }] : notFound('CorporateUser');
    }
    if (r.method === 'GET' && path === 'query/CorporateUser') {
      if (!r.query.where) return [400, { errorCode: 400, errorMessage: 'where is required' }];
      const users = [...this.users.values()].filter((u) => r.query.where !== 'isDeleted=false' || !u.isDeleted);
      return [200, { start: 0, count: users.length, data: users.map((u) => pick(u, r.query.fields)) }];
    }
    if (r.method === 'POST' && (match = path.match(/^search\/(ClientContact|Candidate|Lead|Note)$/))) {
      const query = (r.body as { query?: string } | undefined)?.query;
      if (!query) return [400, { errorCode: 400, errorMessage: 'query is required' }];
      const found = match[1] === 'Note' ? this.searchNotes(query) : this.searchPersons(match[1] as FakePersonEntity, query);
      return [200, { total: found.length, start: 0, count: found.length, data: found.map((item) => pick(item, r.query.fields)) }];
    }
    if (r.method === 'PUT' && (match = path.match(/^entity\/(ClientContact|Candidate|Lead|Note)$/))) {
      return match[1] === 'Note' ? this.createNote(r) : this.createPerson(match[1] as FakePersonEntity, r);
    }
    if ((match = path.match(/^entity\/Note\/(\d+)$/))) {
      const note = this.notes.get(Number(match[1]));
      if (!note) return notFound('Note');
      if (r.method === 'GET') return [200, { data: pick(note, r.query.fields) }];
      if (r.method === 'POST') {
        const input = (r.body ?? {}) as Record<string, unknown>;
        if (input.action !== undefined && !this.commentActionList.includes(String(input.action))) {
          return [400, { errorCode: 400, errorMessage: `Invalid action: ${String(input.action)}`, errorMessageKey: 'errors.invalidAction' }];
        }
        if (typeof input.comments === 'string') note.comments = input.comments;
        if (typeof input.action === 'string') note.action = input.action;
        note.dateLastModified = Date.now();
        return [200, { changedEntityType: 'Note', changedEntityId: note.id, changeType: 'UPDATE', data: input }];
      }
    }
    return [404, { errorCode: 404, errorMessage: `Unknown route ${r.method} ${r.path}` }];
  }

  /** Bullhorn indexes phone fields by digits: a term matches a number ending in it. */
  private searchPersons(entity: FakePersonEntity, query: string): FakeBullhornPerson[] {
    const terms = [...query.matchAll(/(\w+):(\d+)/g)].map(([, field, digits]) => ({ field, digits }));
    const excludeDeleted = /isDeleted:false/.test(query);
    return [...this.persons.values()].filter(
      (p) =>
        p.entity === entity &&
        (!excludeDeleted || !p.isDeleted) &&
        terms.some(
          ({ field, digits }) =>
            PHONE_FIELDS[entity].includes(field) &&
            typeof p[field as keyof FakeBullhornPerson] === 'string' &&
            String(p[field as keyof FakeBullhornPerson]).replace(/\D/g, '').endsWith(digits),
        ),
    );
  }

  private searchNotes(query: string): FakeBullhornNote[] {
    const person = query.match(/personReference\.id:(\d+)/)?.[1];
    const from = query.match(/dateAdded:\[(\d+) TO \*\]/)?.[1];
    return [...this.notes.values()].filter(
      (n) => (!person || n.personReference.id === Number(person)) && (!from || n.dateAdded >= Number(from)),
    );
  }

  private createPerson(entity: FakePersonEntity, r: RecordedRequest): Answer {
    const input = (r.body ?? {}) as Record<string, unknown>;
    if (entity === 'ClientContact' && !input.clientCorporation) {
      return [400, { errorCode: 400, errorMessage: 'clientCorporation is required', errorMessageKey: 'errors.requiredField' }];
    }
    if (typeof input.lastName !== 'string' || !input.lastName || typeof input.name !== 'string' || !input.name) {
      return [400, { errorCode: 400, errorMessage: 'lastName and name are required', errorMessageKey: 'errors.requiredField' }];
    }
    const person = this.addPerson(entity, {
      firstName: typeof input.firstName === 'string' ? input.firstName : '',
      lastName: input.lastName,
      name: input.name,
      ...(typeof input.phone === 'string' ? { phone: input.phone } : {}),
    });
    return [200, { changedEntityType: entity, changedEntityId: person.id, changeType: 'INSERT', data: input }];
  }

  private createNote(r: RecordedRequest): Answer {
    const input = (r.body ?? {}) as Record<string, unknown>;
    if (typeof input.comments !== 'string' || !input.comments) {
      return [400, { errorCode: 400, errorMessage: 'comments is required', errorMessageKey: 'errors.requiredField' }];
    }
    if (input.action !== undefined && !this.commentActionList.includes(String(input.action))) {
      return [400, { errorCode: 400, errorMessage: `Invalid action: ${String(input.action)}`, errorMessageKey: 'errors.invalidAction' }];
    }
    const personId = Number((input.personReference as { id?: unknown } | undefined)?.id);
    const person = this.persons.get(personId);
    if (!person) return [400, { errorCode: 400, errorMessage: `personReference ${personId} does not exist` }];
    const now = Date.now();
    const note: FakeBullhornNote = {
      id: this.id(),
      comments: input.comments,
      ...(typeof input.action === 'string' ? { action: input.action } : {}),
      personReference: { id: person.id, firstName: person.firstName, lastName: person.lastName, _subtype: person.entity },
      ...(input.commentingPerson ? { commentingPerson: input.commentingPerson as { id: number } } : {}),
      dateAdded: now,
      dateLastModified: now,
    };
    this.notes.set(note.id, note);
    return [200, { changedEntityType: 'Note', changedEntityId: note.id, changeType: 'INSERT', data: input }];
  }

  private token(r: RecordedRequest): Answer {
    const form = { ...r.query, ...((r.body ?? {}) as Record<string, string>) };
    if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret) {
      return [401, { error: 'invalid_client', error_description: 'Invalid client credentials' }];
    }
    let userId: number | undefined;
    if (form.grant_type === 'authorization_code') {
      if (!form.redirect_uri) return [400, { error: 'invalid_request', error_description: 'redirect_uri is missing' }];
      userId = this.authorizationCodes.get(form.code);
      this.authorizationCodes.delete(form.code);
    } else if (form.grant_type === 'refresh_token') {
      userId = this.refreshTokens.get(form.refresh_token);
      // Bullhorn refresh tokens are single-use: the answer carries the next one.
      this.refreshTokens.delete(form.refresh_token);
    }
    if (userId === undefined) return [400, { error: 'invalid_grant', error_description: 'Invalid, expired, or revoked grant' }];
    const accessToken = `bh-at-${randomUUID()}`;
    const refreshToken = `bh-rt-${randomUUID()}`;
    this.accessTokens.set(accessToken, userId);
    this.refreshTokens.set(refreshToken, userId);
    return [200, { access_token: accessToken, token_type: 'Bearer', expires_in: 600, refresh_token: refreshToken }];
  }

  private login(r: RecordedRequest): Answer {
    if (r.query.version !== '2.0' && r.query.version !== '*') return [400, { errorCode: 400, errorMessage: 'version is required' }];
    const userId = this.accessTokens.get(r.query.access_token ?? '');
    if (userId === undefined) return [401, { errorCode: 401, errorMessage: 'Invalid access token' }];
    const token = `bh-rest-${randomUUID()}`;
    this.sessions.set(token, { userId, expires: Date.now() + this.sessionLifetimeMs });
    return [200, { BhRestToken: token, restUrl: `${this.url}${REST_PREFIX}` }];
  }

  private id(): number {
    return this.nextId++;
  }
}

function notFound(entity: string): Answer {
  return [404, { errorCode: 404, errorMessage: `${entity} not found` }];
}

/** Only the fields asked for (id when none), nested selections as `personReference(id,firstName)`. */
function pick(value: object, fields: string | undefined): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = { id: source.id };
  for (const [name, nested] of topLevelFields(fields ?? 'id')) {
    const field = source[name];
    if (field === undefined) continue;
    out[name] = nested && field && typeof field === 'object' ? pick(field as object, nested) : field;
  }
  return out;
}

function topLevelFields(fields: string): [string, string | undefined][] {
  const result: [string, string | undefined][] = [];
  let depth = 0;
  let current = '';
  for (const char of `${fields},`) {
    if (char === ',' && depth === 0) {
      const paren = current.indexOf('(');
      if (current) result.push(paren < 0 ? [current.trim(), undefined] : [current.slice(0, paren).trim(), current.slice(paren + 1, -1)]);
      current = '';
      continue;
    }
    if (char === '(') depth++;
    if (char === ')') depth--;
    current += char;
  }
  return result;
}
