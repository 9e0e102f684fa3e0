import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/app.exception.js';
import { AppConfig } from '../../config/app-config.js';
import { CrmHttpClientFactory } from '../http/crm-http-client.factory.js';
import { defaultErrorMessage, type CrmHttpClient, type CrmRequestAuth, type CrmResponse } from '../http/crm-http.client.js';
import type { NetSuiteTokenResponse, SuiteQlPage } from './netsuite.types.js';

export const NETSUITE_PLATFORM = 'netsuite';
export const NETSUITE_DISPLAY_NAME = 'NetSuite';
export const BEARER_PREFIX = 'Bearer ';

/** Where NetSuite sends a user whose account is not known yet; it forwards to the account's own host. */
export const NETSUITE_DEFAULT_AUTHORIZE_ORIGIN = 'https://system.netsuite.com';
export const NETSUITE_AUTHORIZE_PATH = '/app/login/oauth2/authorize.nl';
const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';
const REVOKE_PATH = '/services/rest/auth/oauth2/v1/revoke';
const SUITEQL_PATH = '/services/rest/query/v1/suiteql';
const RECORD_PATH = '/services/rest/record/v1';

/** Our own record types: only these reach a URL path. */
export type NetSuiteRecordType = 'contact' | 'customer' | 'employee' | 'subsidiary' | 'phoneCall';

/** Everything user-specific about one connector call. */
export interface NetSuiteCall {
  /** Replaced after a refresh, so one connector call refreshes at most once. */
  authHeader: string;
  refreshAuthHeader?: (rejected?: string) => Promise<string>;
  /** The account's host label (1234567, 1234567-sb1): it decides every NetSuite host. */
  account: string;
}

/**
 * The account's host label from what the client sent: an account id (1234567, 1234567_SB1,
 * TSTDRV1234567) or one of the account's NetSuite host names, with or without a scheme.
 * Null for anything else: the label becomes part of a host name the user's token is sent to.
 */
export function netSuiteAccountHost(value: string | null | undefined): string | null {
  if (!value) return null;
  const host = value.trim().replace(/^https?:\/\//i, '').replace(/[/:?#].*$/, '').toLowerCase();
  const label = /^([a-z0-9_-]+)(?:\.(?:app|suitetalk\.api|restlets\.api)\.netsuite\.com)?$/.exec(host)?.[1];
  if (!label) return null;
  const account = label.replace(/_/g, '-');
  return /^[a-z0-9]{1,40}(?:-[a-z0-9]{1,10})?$/.test(account) ? account : null;
}

/** NetSuite's error body: { title, status, "o:errorDetails": [{ detail, "o:errorCode" }] }. */
export function netSuiteErrorMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const details = (body as Record<string, unknown>)['o:errorDetails'];
    if (Array.isArray(details)) {
      const text = details
        .map((detail) => (detail && typeof detail === 'object' ? (detail as Record<string, unknown>).detail : undefined))
        .filter((detail): detail is string => typeof detail === 'string' && detail.trim().length > 0)
        .join(' ');
      if (text) return text;
    }
  }
  return defaultErrorMessage(body);
}

/**
 * A thin typed client over NetSuite's REST record service, its SuiteQL query service
 * and its OAuth 2 token endpoints, on the account's own hosts. No logic beyond URLs,
 * auth headers and reading the new record's id from the Location of a create.
 */
@Injectable()
export class NetSuiteApiClient {
  private readonly http: CrmHttpClient;

  constructor(
    httpFactory: CrmHttpClientFactory,
    private readonly config: AppConfig,
  ) {
    this.http = httpFactory.create({ platform: NETSUITE_PLATFORM, displayName: NETSUITE_DISPLAY_NAME, errorMessage: netSuiteErrorMessage });
  }

  /**
   * One page of a SuiteQL query. `Prefer: transient` asks NetSuite not to keep the result
   * set for paging; a query is read-only, so a 5xx may be retried.
   */
  async suiteQl<T>(call: NetSuiteCall, query: string, limit: number): Promise<SuiteQlPage<T>> {
    const response = await this.http.request<SuiteQlPage<T>>({
      method: 'POST',
      url: `${this.apiBaseUrl(call.account)}${SUITEQL_PATH}`,
      params: { limit, offset: 0 },
      headers: { Prefer: 'transient', 'Content-Type': 'application/json' },
      data: { q: query },
      auth: this.auth(call),
      idempotent: true,
    });
    if (!response.data || !Array.isArray(response.data.items)) {
      throw AppException.crmRequestFailed(NETSUITE_PLATFORM, 'NetSuite answered a SuiteQL query with an unexpected body.');
    }
    return response.data;
  }

  async getRecord<T>(call: NetSuiteCall, type: NetSuiteRecordType, id: string, fields?: string[]): Promise<T> {
    const response = await this.http.request<T>({
      method: 'GET',
      url: this.recordUrl(call.account, type, id),
      ...(fields ? { params: { fields: fields.join(',') } } : {}),
      auth: this.auth(call),
    });
    if (!response.data || typeof response.data !== 'object') {
      throw AppException.crmRequestFailed(NETSUITE_PLATFORM, `NetSuite answered the ${type} read with an unexpected body.`);
    }
    return response.data;
  }

  /** Creates a record; NetSuite answers 204 with the new record's URL in Location. */
  async createRecord(call: NetSuiteCall, type: NetSuiteRecordType, body: object): Promise<{ id: string; response: CrmResponse<unknown> }> {
    const response = await this.http.request<unknown>({
      method: 'POST',
      url: this.recordUrl(call.account, type),
      headers: { 'Content-Type': 'application/json' },
      data: body,
      auth: this.auth(call),
    });
    const id = response.location ? /\/(\d+)\/?$/.exec(new URL(response.location, 'http://x').pathname)?.[1] : undefined;
    if (!id) {
      throw AppException.crmRequestFailed(NETSUITE_PLATFORM, `NetSuite created the ${type} without telling its id (no Location header).`);
    }
    return { id, response };
  }

  /** Sets the given fields; repeating it is harmless, so a 5xx may be retried. */
  async updateRecord(call: NetSuiteCall, type: NetSuiteRecordType, id: string, patch: object): Promise<CrmResponse<unknown>> {
    return this.http.request<unknown>({
      method: 'PATCH',
      url: this.recordUrl(call.account, type, id),
      headers: { 'Content-Type': 'application/json' },
      data: patch,
      auth: this.auth(call),
      idempotent: true,
    });
  }

  /** Authorization-code grant on the account's token endpoint, client credentials as HTTP Basic. */
  async exchangeAuthorizationCode(account: string, code: string, redirectUri: string | undefined): Promise<NetSuiteTokenResponse> {
    const redirect = redirectUri ?? this.config.NETSUITE_REDIRECT_URI;
    if (!redirect) {
      throw AppException.invalidRequest('No redirect URI: send callbackUri or set NETSUITE_REDIRECT_URI.', ['callbackUri']);
    }
    return this.token(account, { grant_type: 'authorization_code', code, redirect_uri: redirect });
  }

  async refreshAccessToken(account: string, refreshToken: string): Promise<NetSuiteTokenResponse> {
    return this.token(account, { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Revokes the token (and with it the grant) at NetSuite. */
  async revoke(account: string, token: string): Promise<void> {
    await this.http.request({
      method: 'POST',
      url: `${this.oauthBaseUrl(account)}${REVOKE_PATH}`,
      headers: { Authorization: this.clientBasicAuth() },
      data: new URLSearchParams({ token }),
    });
  }

  private async token(account: string, grant: Record<string, string>): Promise<NetSuiteTokenResponse> {
    const response = await this.http.request<NetSuiteTokenResponse>({
      method: 'POST',
      url: `${this.oauthBaseUrl(account)}${TOKEN_PATH}`,
      headers: { Authorization: this.clientBasicAuth() },
      data: new URLSearchParams(grant),
    });
    if (!response.data?.access_token) {
      throw AppException.crmRequestFailed(NETSUITE_PLATFORM, 'NetSuite answered the token request without an access token.');
    }
    return response.data;
  }

  private clientBasicAuth(): string {
    const { NETSUITE_CLIENT_ID: clientId, NETSUITE_CLIENT_SECRET: clientSecret } = this.config;
    if (!clientId || !clientSecret) {
      throw AppException.crmRequestFailed(
        NETSUITE_PLATFORM,
        'NetSuite OAuth is not configured on this server (NETSUITE_CLIENT_ID and NETSUITE_CLIENT_SECRET).',
      );
    }
    return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
  }

  private recordUrl(account: string, type: NetSuiteRecordType, id?: string): string {
    const base = `${this.apiBaseUrl(account)}${RECORD_PATH}/${type}`;
    return id === undefined ? base : `${base}/${encodeURIComponent(id)}`;
  }

  private apiBaseUrl(account: string): string {
    return this.config.NETSUITE_API_BASE_URL ? trimSlash(this.config.NETSUITE_API_BASE_URL) : `https://${account}.suitetalk.api.netsuite.com`;
  }

  private oauthBaseUrl(account: string): string {
    return this.config.NETSUITE_OAUTH_BASE_URL ? trimSlash(this.config.NETSUITE_OAUTH_BASE_URL) : `https://${account}.suitetalk.api.netsuite.com`;
  }

  private auth(call: NetSuiteCall): CrmRequestAuth {
    const refreshAuthHeader = call.refreshAuthHeader;
    return {
      authHeader: call.authHeader,
      toHeaders: (authHeader) => ({ Authorization: authHeader }),
      ...(refreshAuthHeader
        ? {
            // Parallel and later requests of one connector call share one refresh.
            refresh: async (rejected: string) =>
              rejected !== call.authHeader ? call.authHeader : (call.authHeader = await refreshAuthHeader(rejected)),
          }
        : {}),
    };
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
