import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/app.exception.js';
import { AppConfig } from '../../config/app-config.js';
import { CrmHttpClientFactory } from '../http/crm-http-client.factory.js';
import type { CrmHttpClient, CrmRequestAuth, CrmResponse } from '../http/crm-http.client.js';
import type {
  ClioActivity,
  ClioCommunication,
  ClioCommunicationInput,
  ClioContact,
  ClioContactInput,
  ClioEnvelope,
  ClioMatter,
  ClioRelationship,
  ClioTimeEntryInput,
  ClioTokenResponse,
  ClioUser,
} from './clio.types.js';

export const CLIO_PLATFORM = 'clio';
export const CLIO_DISPLAY_NAME = 'Clio';
export const BEARER_PREFIX = 'Bearer ';

/** Clio's four data regions; the US one is the default. */
export const CLIO_REGIONAL_HOSTS = ['app.clio.com', 'eu.app.clio.com', 'ca.app.clio.com', 'au.app.clio.com'] as const;
export const CLIO_DEFAULT_HOST = 'app.clio.com';

/** Pages of a list followed at most: enough for a contact's matters, bounded against loops. */
const MAX_PAGES = 5;
const PAGE_SIZE = 200;

/** Who is calling and where: everything user-specific travels with each call. */
export interface ClioCall {
  /** Replaced after a refresh, so one connector call refreshes at most once. */
  authHeader: string;
  refreshAuthHeader?: (rejected?: string) => Promise<string>;
  /** The user's regional host (eu.app.clio.com); used only when no base URL is configured. */
  hostname?: string | null;
}

/**
 * A regional host from what the client sent (host name or URL), or null when it is not one
 * of Clio's: anything else would send the user's token to another server.
 */
export function clioRegionalHost(hostname: string | null | undefined): string | null {
  if (!hostname) return null;
  const host = hostname.trim().replace(/^https?:\/\//i, '').replace(/[/:].*$/, '').toLowerCase();
  return (CLIO_REGIONAL_HOSTS as readonly string[]).includes(host) ? host : null;
}

type Query = Record<string, string | number | boolean | undefined>;

/**
 * A thin typed client over the Clio API v4 endpoints the connector uses (users,
 * contacts, matters, relationships, communications) and its OAuth endpoints. No logic
 * beyond URLs, auth headers, paging and unwrapping Clio's { data } envelope.
 */
@Injectable()
export class ClioApiClient {
  private readonly http: CrmHttpClient;

  constructor(
    httpFactory: CrmHttpClientFactory,
    private readonly config: AppConfig,
  ) {
    // Clio errors read { error: { type, message } } and OAuth errors { error, error_description }:
    // the default message extraction covers both.
    this.http = httpFactory.create({ platform: CLIO_PLATFORM, displayName: CLIO_DISPLAY_NAME });
  }

  async whoAmI(call: ClioCall): Promise<ClioUser> {
    return this.data<ClioUser>(call, 'GET', '/api/v4/users/who_am_i.json', {
      params: { fields: 'id,name,email,time_zone' },
    });
  }

  /** Clio's `query` matches names, emails and phone numbers; the caller checks the numbers. */
  async searchContacts(call: ClioCall, query: string): Promise<ClioContact[]> {
    return this.list<ClioContact>(call, '/api/v4/contacts.json', {
      query,
      fields: 'id,name,type,phone_numbers{id,name,number,default_number},primary_email_address,created_at,updated_at',
    });
  }

  async getContact(call: ClioCall, id: number | string): Promise<ClioContact> {
    return this.data<ClioContact>(call, 'GET', `/api/v4/contacts/${encodeURIComponent(String(id))}.json`, {
      params: { fields: 'id,name,type' },
    });
  }

  async createContact(call: ClioCall, contact: ClioContactInput): Promise<ClioContact> {
    return this.data<ClioContact>(call, 'POST', '/api/v4/contacts.json', {
      params: { fields: 'id,name,type' },
      data: { data: contact },
    });
  }

  /** Matters where the contact is the client. */
  async mattersOfClient(call: ClioCall, contactId: number): Promise<ClioMatter[]> {
    return this.list<ClioMatter>(call, '/api/v4/matters.json', {
      client_id: contactId,
      fields: 'id,display_number,description,status',
    });
  }

  /** Matters the contact is related to in another role (opposing party, witness, ...). */
  async relatedMatters(call: ClioCall, contactId: number): Promise<ClioMatter[]> {
    const relationships = await this.list<ClioRelationship>(call, '/api/v4/relationships.json', {
      contact_id: contactId,
      fields: 'id,matter{id,display_number,description,status}',
    });
    return relationships.flatMap((relationship) => (relationship.matter ? [relationship.matter] : []));
  }

  async createCommunication(
    call: ClioCall,
    communication: ClioCommunicationInput,
  ): Promise<CrmResponse<ClioEnvelope<ClioCommunication>>> {
    return this.send<ClioCommunication>(call, 'POST', '/api/v4/communications.json', {
      params: { fields: 'id' },
      data: { data: communication },
    });
  }

  /** Replaces the given fields; repeating it is harmless, so a 5xx may be retried. */
  async updateCommunication(
    call: ClioCall,
    id: number | string,
    patch: ClioCommunicationInput,
  ): Promise<CrmResponse<ClioEnvelope<ClioCommunication>>> {
    return this.send<ClioCommunication>(call, 'PATCH', `/api/v4/communications/${encodeURIComponent(String(id))}.json`, {
      params: { fields: 'id' },
      data: { data: patch },
      idempotent: true,
    });
  }

  async getCommunication(call: ClioCall, id: number | string): Promise<ClioCommunication> {
    return this.data<ClioCommunication>(call, 'GET', `/api/v4/communications/${encodeURIComponent(String(id))}.json`, {
      params: { fields: 'id,subject,body,received_at,matter{id,display_number},senders,receivers' },
    });
  }

  /** The contact's communications created since an instant, with their external properties. */
  async communicationsCreatedSince(call: ClioCall, contactId: number, createdSince: string): Promise<ClioCommunication[]> {
    return this.list<ClioCommunication>(call, '/api/v4/communications.json', {
      contact_id: contactId,
      created_since: createdSince,
      fields: 'id,created_at,external_properties{name,value}',
    });
  }

  async createTimeEntry(call: ClioCall, entry: ClioTimeEntryInput): Promise<ClioActivity> {
    return this.data<ClioActivity>(call, 'POST', '/api/v4/activities.json', {
      params: { fields: 'id,type,quantity' },
      data: { data: { type: 'TimeEntry', ...entry } },
    });
  }

  /** Replaces the given fields, so repeating it is harmless. */
  async updateTimeEntry(call: ClioCall, id: number, patch: ClioTimeEntryInput): Promise<ClioActivity> {
    return (
      await this.send<ClioActivity>(call, 'PATCH', `/api/v4/activities/${encodeURIComponent(String(id))}.json`, {
        params: { fields: 'id,type,quantity' },
        data: { data: patch },
        idempotent: true,
      })
    ).data.data;
  }

  async timeEntriesOfCommunication(call: ClioCall, communicationId: number | string): Promise<ClioActivity[]> {
    return this.list<ClioActivity>(call, '/api/v4/activities.json', {
      communication_id: communicationId,
      type: 'TimeEntry',
      fields: 'id,type,quantity',
    });
  }

  /** OAuth authorization-code grant; Clio takes the client credentials in the form. */
  async exchangeAuthorizationCode(
    code: string,
    redirectUri: string | undefined,
    hostname: string | null | undefined,
  ): Promise<ClioTokenResponse> {
    const redirect = redirectUri ?? this.config.CLIO_REDIRECT_URI;
    if (!redirect) {
      throw AppException.invalidRequest('No redirect URI: send callbackUri or set CLIO_REDIRECT_URI.', ['callbackUri']);
    }
    return this.token(hostname, { grant_type: 'authorization_code', code, redirect_uri: redirect });
  }

  async refreshAccessToken(refreshToken: string, hostname: string | null | undefined): Promise<ClioTokenResponse> {
    return this.token(hostname, { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Revokes the access token (and with it the grant) at Clio. */
  async deauthorize(call: ClioCall): Promise<void> {
    await this.http.request({
      method: 'POST',
      url: `${this.oauthBaseUrl(call.hostname)}/oauth/deauthorize`,
      data: new URLSearchParams({ token: call.authHeader.slice(BEARER_PREFIX.length) }),
      auth: { authHeader: call.authHeader, toHeaders: bearerHeaders },
    });
  }

  private async token(hostname: string | null | undefined, grant: Record<string, string>): Promise<ClioTokenResponse> {
    const { CLIO_CLIENT_ID: clientId, CLIO_CLIENT_SECRET: clientSecret } = this.config;
    if (!clientId || !clientSecret) {
      throw AppException.crmRequestFailed(
        CLIO_PLATFORM,
        'Clio OAuth is not configured on this server (CLIO_CLIENT_ID and CLIO_CLIENT_SECRET).',
      );
    }
    const response = await this.http.request<ClioTokenResponse>({
      method: 'POST',
      url: `${this.oauthBaseUrl(hostname)}/oauth/token`,
      data: new URLSearchParams({ ...grant, client_id: clientId, client_secret: clientSecret }),
    });
    if (!response.data?.access_token) {
      throw AppException.crmRequestFailed(CLIO_PLATFORM, 'Clio answered the token request without an access token.');
    }
    return response.data;
  }

  /** Every page of a list, following Clio's meta.paging.next on the same host. */
  private async list<T>(call: ClioCall, path: string, params: Query): Promise<T[]> {
    const items: T[] = [];
    let url = `${this.apiBaseUrl(call.hostname)}${path}`;
    let query: Query | undefined = { ...params, limit: PAGE_SIZE };
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await this.request<T[]>(call, 'GET', url, { params: query });
      items.push(...(Array.isArray(response.data.data) ? response.data.data : []));
      const next = response.data.meta?.paging?.next;
      if (!next || !sameOrigin(next, url)) break;
      // The next link carries the whole query (with Clio's page token).
      url = next;
      query = undefined;
    }
    return items;
  }

  private async data<T>(
    call: ClioCall,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    options: { params?: Query; data?: unknown } = {},
  ): Promise<T> {
    return (await this.send<T>(call, method, path, options)).data.data;
  }

  private send<T>(
    call: ClioCall,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    options: { params?: Query; data?: unknown; idempotent?: boolean } = {},
  ): Promise<CrmResponse<ClioEnvelope<T>>> {
    return this.request<T>(call, method, `${this.apiBaseUrl(call.hostname)}${path}`, options);
  }

  private async request<T>(
    call: ClioCall,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    options: { params?: Query; data?: unknown; idempotent?: boolean },
  ): Promise<CrmResponse<ClioEnvelope<T>>> {
    const response = await this.http.request<ClioEnvelope<T>>({ method, url, ...options, auth: this.auth(call) });
    if (!response.data || typeof response.data !== 'object' || !('data' in response.data)) {
      throw AppException.crmRequestFailed(CLIO_PLATFORM, `Clio answered ${method} ${new URL(url).pathname} with an unexpected body.`);
    }
    return response;
  }

  private apiBaseUrl(hostname: string | null | undefined): string {
    if (this.config.CLIO_API_BASE_URL) return trimSlash(this.config.CLIO_API_BASE_URL);
    return `https://${clioRegionalHost(hostname) ?? CLIO_DEFAULT_HOST}`;
  }

  private oauthBaseUrl(hostname: string | null | undefined): string {
    if (this.config.CLIO_OAUTH_BASE_URL) return trimSlash(this.config.CLIO_OAUTH_BASE_URL);
    return `https://${clioRegionalHost(hostname) ?? CLIO_DEFAULT_HOST}`;
  }

  private auth(call: ClioCall): CrmRequestAuth {
    const refreshAuthHeader = call.refreshAuthHeader;
    return {
      authHeader: call.authHeader,
      toHeaders: bearerHeaders,
      ...(refreshAuthHeader
        ? {
            // Parallel and later requests of one connector call share one refresh: a request
            // refused with a header that was already replaced just takes the new one.
            refresh: async (rejected: string) =>
              rejected !== call.authHeader ? call.authHeader : (call.authHeader = await refreshAuthHeader(rejected)),
          }
        : {}),
    };
  }
}

function bearerHeaders(authHeader: string): Record<string, string> {
  return { Authorization: authHeader };
}

function sameOrigin(candidate: string, base: string): boolean {
  try {
    return new URL(candidate).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
