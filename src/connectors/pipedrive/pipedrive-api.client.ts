import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/app.exception.js';
import { AppConfig } from '../../config/app-config.js';
import { CrmHttpClientFactory } from '../http/crm-http-client.factory.js';
import type { CrmHttpClient, CrmRequestAuth, CrmResponse } from '../http/crm-http.client.js';
import type {
  PipedriveActivity,
  PipedriveActivityInput,
  PipedriveActivityType,
  PipedriveDeal,
  PipedriveEnvelope,
  PipedriveLead,
  PipedrivePerson,
  PipedrivePersonSearchItem,
  PipedriveTokenResponse,
  PipedriveUser,
} from './pipedrive.types.js';

export const PIPEDRIVE_PLATFORM = 'pipedrive';
export const PIPEDRIVE_DISPLAY_NAME = 'Pipedrive';
/** Pipedrive's public API host, used when no base URL is configured and no company host is known. */
export const PIPEDRIVE_DEFAULT_API_BASE_URL = 'https://api.pipedrive.com';

/**
 * Pipedrive's burst limit is counted per rolling 2-second window; PIPEDRIVE_RATE_LIMIT_PER_2S
 * defaults to the lowest plan's 20, so it holds for every account. Pipedrive also spends a
 * daily token budget per company, which its x-ratelimit-remaining / x-ratelimit-reset
 * headers and 429s report; the HTTP client follows them.
 * https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting
 */
const PIPEDRIVE_RATE_WINDOW_MS = 2_000;

/** The connector's auth value for a personal API token; sent as Pipedrive documents, in x-api-token. */
export const API_TOKEN_PREFIX = 'ApiToken ';
export const BEARER_PREFIX = 'Bearer ';

/** Who is calling and where: everything user-specific travels with each call. */
export interface PipedriveCall {
  /** Replaced after a refresh, so one connector call refreshes at most once. */
  authHeader: string;
  refreshAuthHeader?: (rejected?: string) => Promise<string>;
  /** The user's company host (acme.pipedrive.com); used only when no base URL is configured. */
  hostname?: string | null;
}

/** Company hosts look like acme.pipedrive.com; anything else would send the token elsewhere. */
export function pipedriveCompanyHost(hostname: string | null | undefined): string | null {
  if (!hostname) return null;
  const host = hostname.trim().replace(/^https?:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return /^[a-z0-9-]+\.pipedrive\.com$/.test(host) ? host : null;
}

/**
 * A thin typed client over the Pipedrive REST endpoints the connector uses:
 * v2 for persons, activities and deals; v1 where Pipedrive has no v2 yet (users/me,
 * activity types, leads); and the OAuth token endpoint. No logic beyond URLs,
 * auth headers and unwrapping Pipedrive's { success, data } envelope.
 */
@Injectable()
export class PipedriveApiClient {
  private readonly http: CrmHttpClient;

  constructor(
    httpFactory: CrmHttpClientFactory,
    private readonly config: AppConfig,
  ) {
    // Pipedrive errors read { success: false, error, error_info } and OAuth errors
    // { error, error_description }: the default message extraction covers both.
    this.http = httpFactory.create({
      platform: PIPEDRIVE_PLATFORM,
      displayName: PIPEDRIVE_DISPLAY_NAME,
      ...(config.PIPEDRIVE_RATE_LIMIT_PER_2S > 0
        ? { rateLimit: { requests: config.PIPEDRIVE_RATE_LIMIT_PER_2S, perMs: PIPEDRIVE_RATE_WINDOW_MS } }
        : {}),
    });
  }

  async me(call: PipedriveCall): Promise<PipedriveUser> {
    return this.data<PipedriveUser>(call, 'GET', '/api/v1/users/me');
  }

  async searchPersonsByPhone(call: PipedriveCall, term: string): Promise<PipedrivePersonSearchItem[]> {
    const result = await this.data<{ items?: { item: PipedrivePersonSearchItem }[] }>(
      call,
      'GET',
      '/api/v2/persons/search',
      { params: { term, fields: 'phone', exact_match: true, limit: 50 } },
    );
    return (result?.items ?? []).map((entry) => entry.item);
  }

  /** Persons whose name contains the term (Pipedrive needs at least 2 characters). */
  async searchPersonsByName(call: PipedriveCall, term: string): Promise<PipedrivePersonSearchItem[]> {
    const result = await this.data<{ items?: { item: PipedrivePersonSearchItem }[] }>(
      call,
      'GET',
      '/api/v2/persons/search',
      { params: { term, fields: 'name', limit: 50 } },
    );
    return (result?.items ?? []).map((entry) => entry.item);
  }

  async getPerson(call: PipedriveCall, id: number | string): Promise<PipedrivePerson> {
    return this.data<PipedrivePerson>(call, 'GET', `/api/v2/persons/${encodeURIComponent(String(id))}`);
  }

  async createPerson(
    call: PipedriveCall,
    person: { name: string; phone: string; ownerId?: number; orgId?: number },
  ): Promise<PipedrivePerson> {
    return this.data<PipedrivePerson>(call, 'POST', '/api/v2/persons', {
      data: {
        name: person.name,
        phones: [{ value: person.phone, primary: true, label: 'work' }],
        ...(person.ownerId ? { owner_id: person.ownerId } : {}),
        ...(person.orgId ? { org_id: person.orgId } : {}),
      },
    });
  }

  async activityTypes(call: PipedriveCall): Promise<PipedriveActivityType[]> {
    return (await this.data<PipedriveActivityType[] | null>(call, 'GET', '/api/v1/activityTypes')) ?? [];
  }

  async createActivity(call: PipedriveCall, activity: PipedriveActivityInput): Promise<CrmResponse<PipedriveEnvelope<PipedriveActivity>>> {
    return this.send<PipedriveActivity>(call, 'POST', '/api/v2/activities', { data: activity });
  }

  /** Replaces the given fields; repeating it is harmless, so a 5xx may be retried. */
  async updateActivity(
    call: PipedriveCall,
    id: number | string,
    patch: PipedriveActivityInput,
  ): Promise<CrmResponse<PipedriveEnvelope<PipedriveActivity>>> {
    return this.send<PipedriveActivity>(call, 'PATCH', `/api/v2/activities/${encodeURIComponent(String(id))}`, {
      data: patch,
      idempotent: true,
    });
  }

  /** One page of a person's activities changed since `updatedSince` (RFC 3339). */
  async activitiesOfPerson(
    call: PipedriveCall,
    personId: number,
    updatedSince: string,
    cursor?: string,
  ): Promise<{ activities: PipedriveActivity[]; nextCursor?: string }> {
    const response = await this.send<PipedriveActivity[] | null>(call, 'GET', '/api/v2/activities', {
      params: { person_id: personId, updated_since: updatedSince, limit: 100, ...(cursor ? { cursor } : {}) },
    });
    const additional = response.data.additional_data as { next_cursor?: string | null } | null | undefined;
    return { activities: response.data.data ?? [], ...(additional?.next_cursor ? { nextCursor: additional.next_cursor } : {}) };
  }

  async getActivity(call: PipedriveCall, id: number | string): Promise<PipedriveActivity> {
    return this.data<PipedriveActivity>(call, 'GET', `/api/v2/activities/${encodeURIComponent(String(id))}`);
  }

  async openDealsOfPerson(call: PipedriveCall, personId: number): Promise<PipedriveDeal[]> {
    return (
      (await this.data<PipedriveDeal[] | null>(call, 'GET', '/api/v2/deals', {
        params: { person_id: personId, status: 'open', limit: 100 },
      })) ?? []
    );
  }

  async leadsOfPerson(call: PipedriveCall, personId: number): Promise<PipedriveLead[]> {
    return (
      (await this.data<PipedriveLead[] | null>(call, 'GET', '/api/v1/leads', {
        params: { person_id: personId, archived_status: 'not_archived', limit: 100 },
      })) ?? []
    );
  }

  /** OAuth authorization-code grant, with HTTP Basic client authentication as Pipedrive requires. */
  async exchangeAuthorizationCode(code: string, redirectUri: string | undefined): Promise<PipedriveTokenResponse> {
    const redirect = redirectUri ?? this.config.PIPEDRIVE_REDIRECT_URI;
    if (!redirect) {
      throw AppException.invalidRequest('No redirect URI: send callbackUri or set PIPEDRIVE_REDIRECT_URI.', ['callbackUri']);
    }
    return this.token(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect }));
  }

  async refreshAccessToken(refreshToken: string): Promise<PipedriveTokenResponse> {
    return this.token(new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }));
  }

  private async token(form: URLSearchParams): Promise<PipedriveTokenResponse> {
    const { PIPEDRIVE_CLIENT_ID: clientId, PIPEDRIVE_CLIENT_SECRET: clientSecret } = this.config;
    if (!clientId || !clientSecret) {
      throw AppException.crmRequestFailed(
        PIPEDRIVE_PLATFORM,
        'Pipedrive OAuth is not configured on this server (PIPEDRIVE_CLIENT_ID and PIPEDRIVE_CLIENT_SECRET).',
      );
    }
    const response = await this.http.request<PipedriveTokenResponse>({
      method: 'POST',
      url: `${trimSlash(this.config.PIPEDRIVE_OAUTH_BASE_URL)}/oauth/token`,
      data: form,
      headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    });
    if (!response.data?.access_token) {
      throw AppException.crmRequestFailed(PIPEDRIVE_PLATFORM, 'Pipedrive answered the token request without an access token.');
    }
    return response.data;
  }

  private async data<T>(
    call: PipedriveCall,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    options: { params?: Record<string, string | number | boolean | undefined>; data?: unknown } = {},
  ): Promise<T> {
    return (await this.send<T>(call, method, path, options)).data.data;
  }

  private async send<T>(
    call: PipedriveCall,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    options: { params?: Record<string, string | number | boolean | undefined>; data?: unknown; idempotent?: boolean } = {},
  ): Promise<CrmResponse<PipedriveEnvelope<T>>> {
    const response = await this.http.request<PipedriveEnvelope<T>>({
      method,
      url: `${this.baseUrl(call.hostname)}${path}`,
      ...options,
      auth: this.auth(call),
      // Pipedrive counts the limit per company: its host names it (one shared budget when unknown).
      budgetKey: pipedriveCompanyHost(call.hostname) ?? 'pipedrive',
    });
    if (!response.data || typeof response.data !== 'object' || !('data' in response.data)) {
      throw AppException.crmRequestFailed(PIPEDRIVE_PLATFORM, `Pipedrive answered ${method} ${path} with an unexpected body.`);
    }
    return response;
  }

  private baseUrl(hostname: string | null | undefined): string {
    if (this.config.PIPEDRIVE_API_BASE_URL) return trimSlash(this.config.PIPEDRIVE_API_BASE_URL);
    const host = pipedriveCompanyHost(hostname);
    return host ? `https://${host}` : PIPEDRIVE_DEFAULT_API_BASE_URL;
  }

  private auth(call: PipedriveCall): CrmRequestAuth {
    const refreshAuthHeader = call.refreshAuthHeader;
    return {
      authHeader: call.authHeader,
      toHeaders: toPipedriveAuthHeaders,
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

/** Our opaque auth value to the header Pipedrive expects. */
export function toPipedriveAuthHeaders(authHeader: string): Record<string, string> {
  if (authHeader.startsWith(API_TOKEN_PREFIX)) return { 'x-api-token': authHeader.slice(API_TOKEN_PREFIX.length) };
  return { Authorization: authHeader };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
