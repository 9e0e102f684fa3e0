import { randomUUID } from 'node:crypto';
import { FakeCrmServer, type FakeAnswer, type FakeErrorCause, type RecordedRequest } from './fake-crm-server.js';
export type { RecordedRequest as RecordedHubSpotRequest } from './fake-crm-server.js';
export type { FakeFailure as HubSpotFailure } from './fake-crm-server.js';

/** A CRM object as HubSpot's v3 object API answers it. */
export interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  /** Not in HubSpot's answer: the association the create asked for, kept for tests. */
  associations: { toId: string; associationTypeId: number }[];
}

export interface HubSpotUser {
  user_id: number;
  /** HubSpot's token info names the user by email. */
  user: string;
}

type ObjectType = 'contacts' | 'calls' | 'communications';
type Answer = FakeAnswer;

/**
 * The properties each object type knows: HubSpot refuses a write naming any other. The
 * portal has the custom property `app_connect_write_key` on calls and communications, as
 * the shipped config's set-up asks.
 */
const PROPERTIES: Record<ObjectType, ReadonlySet<string>> = {
  contacts: new Set(['firstname', 'lastname', 'phone', 'mobilephone', 'email', 'createdate', 'lastmodifieddate', 'hs_object_id']),
  calls: new Set(['hs_timestamp', 'hs_call_title', 'hs_call_body', 'hs_call_direction', 'hs_call_duration', 'hs_call_status', 'app_connect_write_key', 'hs_object_id']),
  communications: new Set(['hs_timestamp', 'hs_communication_channel_type', 'hs_communication_logged_from', 'hs_communication_body', 'app_connect_write_key', 'hs_object_id']),
};
/** HubSpot-defined association types the config uses: call→contact 194, communication→contact 81. */
const CONTACT_ASSOCIATION: Record<'calls' | 'communications', number> = { calls: 194, communications: 81 };
const TOKEN_LIFETIME_SECONDS = 1800;
const error = (status: number, category: string, message: string): Answer => [
  status,
  { status: 'error', message, correlationId: randomUUID(), category },
];

/**
 * HubSpot on 127.0.0.1, as far as the shipped config uses it: OAuth 2 (token endpoint
 * with form-encoded grants, access-token info), the CRM v3 object API for contacts, calls
 * and communications (create, PATCH, read, and search with filterGroups of EQ filters),
 * bearer tokens on every CRM request, and HubSpot's error shape ({status, message,
 * correlationId, category}). Records every request and can be told to fail the next ones.
 */
export class FakeHubSpotServer extends FakeCrmServer {
  readonly objects: Record<ObjectType, Map<string, HubSpotObject>> = { contacts: new Map(), calls: new Map(), communications: new Map() };
  readonly users = new Map<number, HubSpotUser>();
  /** access token -> user id; clear it to make every issued token "expired". */
  readonly accessTokens = new Map<string, number>();
  readonly refreshTokens = new Map<string, number>();
  readonly authorizationCodes = new Map<string, number>();
  readonly clientId = 'hubspot-fake-client-id';
  readonly clientSecret = 'hubspot-fake-client-secret';
  readonly hubId = 4455;
  private nextId = 9000;

  addUser(user: HubSpotUser): HubSpotUser {
    this.users.set(user.user_id, user);
    return user;
  }

  addContact(properties: Record<string, string>): HubSpotObject {
    return this.create('contacts', properties, []);
  }

  issueAuthorizationCode(userId: number): string {
    const code = `hs-code-${randomUUID()}`;
    this.authorizationCodes.set(code, userId);
    return code;
  }

  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  protected errorBody(_status: number, message: string, cause: FakeErrorCause): unknown {
    return { status: 'error', message, correlationId: randomUUID(), category: cause === 'crash' ? 'INTERNAL_ERROR' : 'FAKE' };
  }

  protected route(r: RecordedRequest): Answer {
    if (r.method === 'POST' && r.path === '/oauth/v1/token') return this.token(r);
    let match: RegExpMatchArray | null;
    if (r.method === 'GET' && (match = r.path.match(/^\/oauth\/v1\/access-tokens\/([^/]+)$/))) {
      const userId = this.accessTokens.get(decodeURIComponent(match[1]!));
      const user = userId === undefined ? undefined : this.users.get(userId);
      if (!user) return error(404, 'OBJECT_NOT_FOUND', 'The access token does not exist or expired');
      return [200, { token: match[1], user: user.user, hub_domain: 'kit-portal.example.com', scopes: ['crm.objects.contacts.read'], hub_id: this.hubId, app_id: 1, expires_in: TOKEN_LIFETIME_SECONDS, user_id: user.user_id, token_type: 'access' }];
    }
    const bearer = /^Bearer (.+)$/.exec(r.headers.authorization ?? '')?.[1];
    if (!bearer || !this.accessTokens.has(bearer)) {
      return error(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication.');
    }
    if (!(match = r.path.match(/^\/crm\/v3\/objects\/(contacts|calls|communications)(?:\/([^/]+))?$/))) {
      return error(404, 'OBJECT_NOT_FOUND', `No route ${r.method} ${r.path}`);
    }
    const type = match[1] as ObjectType;
    const tail = match[2];
    const input = (r.body ?? {}) as { properties?: Record<string, unknown>; associations?: unknown; filterGroups?: unknown };
    if (r.method === 'POST' && tail === 'search') return this.search(type, input.filterGroups);
    if (r.method === 'POST' && tail === undefined) {
      const problem = this.invalidProperties(type, input.properties, true);
      if (problem) return problem;
      const associations = this.associationsOf(type, input.associations);
      if (typeof associations === 'string') return error(400, 'VALIDATION_ERROR', associations);
      return [201, this.view(this.create(type, input.properties as Record<string, string>, associations))];
    }
    const object = tail ? this.objects[type].get(tail) : undefined;
    if (!object) return error(404, 'OBJECT_NOT_FOUND', `resource not found`);
    if (r.method === 'GET') return [200, this.view(object, r.query.properties?.split(','))];
    if (r.method === 'PATCH') {
      const problem = this.invalidProperties(type, input.properties, false);
      if (problem) return problem;
      Object.assign(object.properties, input.properties);
      object.updatedAt = new Date().toISOString();
      return [200, this.view(object)];
    }
    return error(405, 'METHOD_NOT_ALLOWED', `${r.method} is not allowed here`);
  }

  private create(type: ObjectType, properties: Record<string, string>, associations: HubSpotObject['associations']): HubSpotObject {
    const now = new Date().toISOString();
    const id = String(this.nextId++);
    const object: HubSpotObject = {
      id,
      properties: { ...properties, hs_object_id: id, ...(type === 'contacts' ? { createdate: now, lastmodifieddate: now } : {}) },
      createdAt: now,
      updatedAt: now,
      archived: false,
      associations,
    };
    this.objects[type].set(id, object);
    return object;
  }

  /** HubSpot answers the object without the test-only association list. */
  private view(object: HubSpotObject, properties?: string[]) {
    const { associations: _kept, ...answer } = object;
    if (!properties) return answer;
    return { ...answer, properties: Object.fromEntries(properties.map((name) => [name, object.properties[name] ?? null])) };
  }

  private invalidProperties(type: ObjectType, properties: unknown, creating: boolean): Answer | undefined {
    if (!properties || typeof properties !== 'object') return error(400, 'VALIDATION_ERROR', 'Invalid input JSON: properties is required');
    const unknown = Object.keys(properties).filter((name) => !PROPERTIES[type].has(name));
    if (unknown.length) return error(400, 'VALIDATION_ERROR', `Property values were not valid: ${unknown.map((name) => `"${name}" does not exist`).join(', ')}`);
    for (const [name, value] of Object.entries(properties)) {
      if (value !== null && typeof value !== 'string' && typeof value !== 'number') return error(400, 'VALIDATION_ERROR', `Property "${name}" must be a string`);
    }
    if (creating && type !== 'contacts' && !(properties as Record<string, unknown>).hs_timestamp) {
      return error(400, 'VALIDATION_ERROR', 'Property values were not valid: hs_timestamp is required');
    }
    return undefined;
  }

  private associationsOf(type: ObjectType, value: unknown): HubSpotObject['associations'] | string {
    if (type === 'contacts' || value === undefined) return [];
    if (!Array.isArray(value)) return 'associations must be a list';
    const found: HubSpotObject['associations'] = [];
    for (const association of value as { to?: { id?: unknown }; types?: { associationCategory?: unknown; associationTypeId?: unknown }[] }[]) {
      const toId = String(association.to?.id ?? '');
      if (!this.objects.contacts.has(toId)) return `Contact ${toId} does not exist`;
      const kind = association.types?.[0];
      if (kind?.associationCategory !== 'HUBSPOT_DEFINED' || kind.associationTypeId !== CONTACT_ASSOCIATION[type]) {
        return `association type ${String(kind?.associationTypeId)} is not valid from ${type} to contacts`;
      }
      found.push({ toId, associationTypeId: kind.associationTypeId });
    }
    return found;
  }

  /** filterGroups are OR'd, the filters of one group AND'ed; the fake knows EQ only. */
  private search(type: ObjectType, filterGroups: unknown): Answer {
    if (!Array.isArray(filterGroups) || filterGroups.length > 5) return error(400, 'VALIDATION_ERROR', 'filterGroups must be a list of at most 5 groups');
    const groups = filterGroups as { filters?: { propertyName?: string; operator?: string; value?: unknown }[] }[];
    for (const filter of groups.flatMap((group) => group.filters ?? [])) {
      if (filter.operator !== 'EQ') return error(400, 'VALIDATION_ERROR', `operator ${String(filter.operator)} is not supported by this fake`);
      if (!PROPERTIES[type].has(filter.propertyName ?? '')) return error(400, 'VALIDATION_ERROR', `Property ${String(filter.propertyName)} does not exist`);
    }
    const results = [...this.objects[type].values()].filter((object) =>
      groups.some((group) => (group.filters ?? []).every((filter) => object.properties[filter.propertyName!] === String(filter.value))),
    );
    return [200, { total: results.length, results: results.map((object) => this.view(object)) }];
  }

  private token(r: RecordedRequest): Answer {
    const form = (r.body ?? {}) as Record<string, string>;
    if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret) {
      return [400, { status: 'BAD_CLIENT_ID', message: 'missing or unknown client id', correlationId: randomUUID() }];
    }
    let userId: number | undefined;
    if (form.grant_type === 'authorization_code') {
      userId = this.authorizationCodes.get(form.code ?? '');
      this.authorizationCodes.delete(form.code ?? '');
      if (userId === undefined || !form.redirect_uri) return [400, { status: 'BAD_AUTH_CODE', message: 'missing or unknown auth code', correlationId: randomUUID() }];
    } else if (form.grant_type === 'refresh_token') {
      userId = this.refreshTokens.get(form.refresh_token ?? '');
      if (userId === undefined) return [400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token', correlationId: randomUUID() }];
    } else {
      return [400, { status: 'BAD_GRANT_TYPE', message: 'unsupported grant type', correlationId: randomUUID() }];
    }
    const accessToken = `hs-at-${randomUUID()}`;
    this.accessTokens.set(accessToken, userId);
    // HubSpot keeps the refresh token across refreshes.
    const refreshToken = form.grant_type === 'refresh_token' ? form.refresh_token! : `hs-rt-${randomUUID()}`;
    this.refreshTokens.set(refreshToken, userId);
    return [200, { token_type: 'bearer', access_token: accessToken, refresh_token: refreshToken, expires_in: TOKEN_LIFETIME_SECONDS }];
  }
}
