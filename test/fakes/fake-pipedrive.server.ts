import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { FakeCrmServer, matchesRequest, type FakeAnswer, type RecordedRequest } from './fake-crm-server.js';
export type { FakeFailure, RecordedRequest } from './fake-crm-server.js';

export interface FakePerson {
  id: number;
  name: string;
  phones: string[];
  emails?: string[];
  org_id?: number | null;
  org_name?: string;
  owner_id?: number;
}

export interface FakeActivity {
  id: number;
  [field: string]: unknown;
}

export interface FakeUser {
  id: number;
  name: string;
  timezone_name: string;
  timezone_offset: string;
  company_id: number;
  company_domain: string;
}

/**
 * A matching request is carried out (or not, with beforeProcessing) and its answer held:
 * for `ms`, or until `until` settles. A CRM slower than our timeout, or one that accepted
 * a write whose answer never reached a process that was killed meanwhile.
 */
export interface FakeHold {
  method?: string;
  path?: RegExp;
  ms?: number;
  until?: Promise<unknown>;
  beforeProcessing?: boolean;
}

const ACTIVITY_TYPES = [
  { id: 1, name: 'Call', key_string: 'call', active_flag: true },
  { id: 2, name: 'Meeting', key_string: 'meeting', active_flag: true },
  { id: 3, name: 'SMS', key_string: 'sms', active_flag: true },
];

/**
 * An in-memory Pipedrive on 127.0.0.1 speaking the REST endpoints the connector uses
 * (v1 users/me, activityTypes, leads; v2 persons, activities, deals; the OAuth token
 * endpoint). It checks credentials like Pipedrive does, records every request, and
 * can be told to fail the next requests.
 */
export class FakePipedriveServer extends FakeCrmServer {
  readonly persons = new Map<number, FakePerson>();
  readonly activities = new Map<number, FakeActivity>();
  activityTypes = ACTIVITY_TYPES.map((type) => ({ ...type }));
  readonly deals: { id: number; title: string; person_id: number; status: string }[] = [];
  readonly leads: { id: string; title: string; person_id: number; is_archived: boolean }[] = [];
  readonly users = new Map<number, FakeUser>();
  /** API token -> user id */
  readonly apiTokens = new Map<string, number>();
  /** OAuth access token -> user id; remove one to make it "expired". */
  readonly accessTokens = new Map<string, number>();
  readonly refreshTokens = new Map<string, number>();
  readonly authorizationCodes = new Map<string, number>();
  readonly clientId = 'fake-client-id';
  readonly clientSecret = 'fake-client-secret';
  tokenLifetimeSeconds = 3600;
  /** Added before every answer, to stand in for the network and Pipedrive's own time (benchmarks). */
  latencyMs = 0;
  /** Answer 429 (with Retry-After, nothing carried out) past `writes` API writes per rolling `windowMs`. */
  writeLimit: { writes: number; windowMs: number } | undefined;
  /** Writes answered 429 by the write limit. */
  rateLimited = 0;
  private readonly writeTimes: number[] = [];

  private readonly holds: FakeHold[] = [];
  private nextId = 1000;

  /** Down: the port refuses connections and open ones are cut, until acceptConnections(). */
  refuseConnections(): Promise<void> {
    return this.close();
  }

  /** Back on the same port, with everything it held before. */
  acceptConnections(): Promise<void> {
    return this.listen();
  }

  // ---- set-up helpers -------------------------------------------------------------

  /** The server settings that point the Pipedrive connector and its OAuth app at this fake. */
  env(redirectUri = 'https://app.example.com/pipedrive/oauth'): Record<string, string> {
    return {
      PIPEDRIVE_API_BASE_URL: this.url,
      PIPEDRIVE_OAUTH_BASE_URL: this.url,
      PIPEDRIVE_CLIENT_ID: this.clientId,
      PIPEDRIVE_CLIENT_SECRET: this.clientSecret,
      PIPEDRIVE_REDIRECT_URI: redirectUri,
    };
  }

  addUser(user: Partial<FakeUser> & { id: number; name: string }, apiToken?: string): FakeUser {
    const full: FakeUser = {
      timezone_name: 'Europe/Tallinn',
      timezone_offset: '+02:00',
      company_id: 77,
      company_domain: 'acme',
      ...user,
    };
    this.users.set(full.id, full);
    if (apiToken) this.apiTokens.set(apiToken, full.id);
    return full;
  }

  addPerson(person: Omit<FakePerson, 'id'> & { id?: number }): FakePerson {
    const full = { id: person.id ?? this.id(), ...person } as FakePerson;
    this.persons.set(full.id, full);
    return full;
  }

  addDeal(personId: number, title: string, status = 'open') {
    const deal = { id: this.id(), title, person_id: personId, status };
    this.deals.push(deal);
    return deal;
  }

  addLead(personId: number, title: string, isArchived = false) {
    const lead = { id: randomUUID(), title, person_id: personId, is_archived: isArchived };
    this.leads.push(lead);
    return lead;
  }

  /** An authorization code the OAuth callback can exchange for this user. */
  issueAuthorizationCode(userId: number): string {
    const code = `code-${randomUUID()}`;
    this.authorizationCodes.set(code, userId);
    return code;
  }

  /** Makes every issued access token invalid, as if it had expired early. */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** The next `times` matching requests are answered late (see FakeHold). */
  holdNext(hold: FakeHold, times = 1): void {
    for (let i = 0; i < times; i++) this.holds.push(hold);
  }

  override reset(): void {
    super.reset();
    this.holds.length = 0;
  }

  // ---- HTTP -------------------------------------------------------------------

  protected errorBody(_status: number, message: string): unknown {
    return { success: false, error: message };
  }

  /** The stand-in latency, the write limit and holds come before injected failures; a hold answers without the budget headers. */
  protected override async preempt(recorded: RecordedRequest, arrivedAt: number): Promise<FakeAnswer | undefined> {
    if (this.latencyMs > 0) await waitUntil(arrivedAt + this.latencyMs);

    if (this.writeLimit && recorded.method !== 'GET' && recorded.path.startsWith('/api/')) {
      const now = performance.now();
      const { writes, windowMs } = this.writeLimit;
      while (this.writeTimes.length > 0 && this.writeTimes[0]! <= now - windowMs) this.writeTimes.shift();
      if (this.writeTimes.length >= writes) {
        this.rateLimited += 1;
        const retryAfter = Math.max(1, Math.ceil((this.writeTimes[0]! + windowMs - now) / 1000));
        return [429, { success: false, error: 'Request over limit' }, {
          'retry-after': String(retryAfter),
          'x-ratelimit-limit': String(writes),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(retryAfter),
        }];
      }
      this.writeTimes.push(now);
    }
    const holdIndex = this.holds.findIndex((h) => matchesRequest(h, recorded));
    if (holdIndex < 0) return undefined;
    const [hold] = this.holds.splice(holdIndex, 1);
    let answer: FakeAnswer | undefined;
    if (!hold.beforeProcessing) answer = this.safeRoute(recorded);
    await Promise.all([hold.ms ? delay(hold.ms) : undefined, hold.until?.catch(() => undefined)]);
    return answer ?? this.safeRoute(recorded);
  }

  /** Pipedrive's budget headers on every routed answer. */
  protected override admit(): { headers: Record<string, string> } {
    return { headers: { 'x-ratelimit-limit': '80', 'x-ratelimit-remaining': '79', 'x-ratelimit-reset': '2' } };
  }

  protected route(r: RecordedRequest): [number, unknown] {
    if (r.method === 'POST' && r.path === '/oauth/token') return this.token(r);
    const userId = this.authenticate(r.headers);
    if (userId === undefined) return [401, { success: false, error: 'unauthorized access', errorCode: 401 }];
    const ok = (data: unknown, additional: unknown = null): [number, unknown] => [
      200,
      { success: true, data, additional_data: additional },
    ];
    const notFound = (what: string): [number, unknown] => [404, { success: false, error: `${what} not found` }];
    let match: RegExpMatchArray | null;

    if (r.method === 'GET' && r.path === '/api/v1/users/me') return ok(this.users.get(userId));
    if (r.method === 'GET' && r.path === '/api/v1/activityTypes') return ok(this.activityTypes);

    if (r.method === 'GET' && r.path === '/api/v2/persons/search') {
      const term = (r.query.term ?? '').toLowerCase();
      const exact = r.query.exact_match === 'true';
      // As Pipedrive: a term needs 2 characters, or 1 with exact_match.
      if (term.length < (exact ? 1 : 2)) {
        return [400, { success: false, error: 'term must be at least 2 characters long', error_info: 'Validation failed' }];
      }
      const fields = (r.query.fields ?? 'custom_fields,email,name,notes,phone').split(',');
      const matches = (value: string) => (exact ? value.toLowerCase() === term : value.toLowerCase().includes(term));
      const items = [...this.persons.values()]
        .filter((p) => (fields.includes('phone') && p.phones.some(matches)) || (fields.includes('name') && matches(p.name)))
        .map((p) => ({
          result_score: 1,
          item: {
            id: p.id,
            type: 'person',
            name: p.name,
            phones: p.phones,
            emails: p.emails ?? [],
            organization: p.org_id ? { id: p.org_id, name: p.org_name ?? null } : null,
          },
        }));
      return ok({ items });
    }
    if (r.method === 'POST' && r.path === '/api/v2/persons') {
      const input = r.body as { name?: string; phones?: { value: string }[]; owner_id?: number; org_id?: number };
      if (!input?.name) return [400, { success: false, error: 'Name must be given.' }];
      const person = this.addPerson({
        name: input.name,
        phones: (input.phones ?? []).map((phone) => phone.value),
        owner_id: input.owner_id,
        org_id: input.org_id ?? null,
      });
      return ok(this.personView(person));
    }
    if (r.method === 'GET' && (match = r.path.match(/^\/api\/v2\/persons\/(\d+)$/))) {
      const person = this.persons.get(Number(match[1]));
      return person ? ok(this.personView(person)) : notFound('Person');
    }

    if (r.method === 'POST' && r.path === '/api/v2/activities') {
      const input = r.body as Record<string, unknown>;
      if (!input?.subject && !input?.type) return [400, { success: false, error: 'Subject or type must be given.' }];
      const activity: FakeActivity = { ...input, id: this.id(), add_time: new Date().toISOString() };
      const participants = input.participants as { person_id: number; primary: boolean }[] | undefined;
      activity.person_id = participants?.find((p) => p.primary)?.person_id ?? null;
      this.activities.set(activity.id, activity);
      return ok(activity);
    }
    if (r.method === 'GET' && r.path === '/api/v2/activities') {
      // v2 list with person_id and updated_since filters; one page of `limit`, cursor-paged.
      const since = r.query.updated_since ? Date.parse(r.query.updated_since) : 0;
      const matching = [...this.activities.values()].filter(
        (a) =>
          (!r.query.person_id || a.person_id === Number(r.query.person_id)) &&
          Date.parse(String(a.update_time ?? a.add_time)) >= since,
      );
      const limit = Number(r.query.limit ?? 100);
      const start = Number(r.query.cursor ?? 0);
      const page = matching.slice(start, start + limit);
      const next = start + limit < matching.length ? String(start + limit) : null;
      return ok(page, { next_cursor: next });
    }
    if ((match = r.path.match(/^\/api\/v2\/activities\/(\d+)$/))) {
      const activity = this.activities.get(Number(match[1]));
      if (!activity) return notFound('Activity');
      if (r.method === 'GET') return ok(activity);
      if (r.method === 'PATCH') {
        Object.assign(activity, r.body as object, { update_time: new Date().toISOString() });
        return ok(activity);
      }
    }

    if (r.method === 'GET' && r.path === '/api/v2/deals') {
      const personId = Number(r.query.person_id);
      return ok(
        this.deals
          .filter((d) => d.person_id === personId && (!r.query.status || d.status === r.query.status))
          .map(({ id, title, status }) => ({ id, title, status })),
      );
    }
    if (r.method === 'GET' && r.path === '/api/v1/leads') {
      const personId = Number(r.query.person_id);
      return ok(
        this.leads.filter(
          (l) => l.person_id === personId && (r.query.archived_status !== 'not_archived' || !l.is_archived),
        ),
      );
    }
    return [404, { success: false, error: `Unknown route ${r.method} ${r.path}` }];
  }

  private personView(person: FakePerson) {
    return {
      id: person.id,
      name: person.name,
      org_id: person.org_id ?? null,
      owner_id: person.owner_id ?? null,
      phones: person.phones.map((value, index) => ({ value, primary: index === 0, label: 'work' })),
      emails: (person.emails ?? []).map((value, index) => ({ value, primary: index === 0, label: 'work' })),
    };
  }

  private authenticate(headers: IncomingHttpHeaders): number | undefined {
    const apiToken = headers['x-api-token'];
    if (typeof apiToken === 'string') return this.apiTokens.get(apiToken);
    const authorization = headers.authorization;
    if (authorization?.startsWith('Bearer ')) return this.accessTokens.get(authorization.slice('Bearer '.length));
    return undefined;
  }

  private token(r: RecordedRequest): [number, unknown] {
    const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
    if (r.headers.authorization !== expected) {
      return [401, { success: false, error: 'invalid_client', message: 'Invalid client credentials' }];
    }
    const form = r.body as Record<string, string>;
    let userId: number | undefined;
    if (form.grant_type === 'authorization_code') {
      userId = this.authorizationCodes.get(form.code);
      this.authorizationCodes.delete(form.code);
      if (!form.redirect_uri) return [400, { success: false, error: 'invalid_request', message: 'redirect_uri is missing' }];
    } else if (form.grant_type === 'refresh_token') {
      userId = this.refreshTokens.get(form.refresh_token);
    }
    if (userId === undefined) return [400, { success: false, error: 'invalid_grant', message: 'Invalid grant' }];
    const accessToken = `at-${randomUUID()}`;
    const refreshToken = `rt-${randomUUID()}`;
    this.accessTokens.set(accessToken, userId);
    this.refreshTokens.set(refreshToken, userId);
    return [
      200,
      {
        access_token: accessToken,
        token_type: 'Bearer',
        refresh_token: refreshToken,
        scope: 'base,activities:full,contacts:full,deals:read,leads:read',
        expires_in: this.tokenLifetimeSeconds,
        api_domain: `https://${this.users.get(userId)?.company_domain ?? 'acme'}.pipedrive.com`,
      },
    ];
  }

  private id(): number {
    return this.nextId++;
  }
}

/**
 * Resolves at `deadline` (a performance.now() time). A timer alone answers about 1 ms
 * late (libuv counts whole milliseconds from a cached loop time), which a benchmark
 * would charge to the server; the last millisecond is waited out with setImmediate.
 */
async function waitUntil(deadline: number): Promise<void> {
  const coarseMs = Math.floor(deadline - performance.now()) - 1;
  if (coarseMs > 0) await delay(coarseMs);
  while (performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
}
