import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/app.exception.js';
import { AppConfig } from '../../config/app-config.js';
import { CrmHttpClientFactory } from '../http/crm-http-client.factory.js';
import { defaultErrorMessage, type CrmHttpClient, type CrmRequestAuth } from '../http/crm-http.client.js';
import type {
  BullhornChange,
  BullhornCorporateUser,
  BullhornList,
  BullhornLoginInfo,
  BullhornNote,
  BullhornRestSession,
  BullhornTokenResponse,
} from './bullhorn.types.js';

export const BULLHORN_PLATFORM = 'bullhorn';
export const BULLHORN_DISPLAY_NAME = 'Bullhorn';
export const BULLHORN_DEFAULT_REST_BASE_URL = 'https://rest.bullhornstaffing.com';

/** The REST session a request runs in; the connector's auth header is this, as JSON. */
export interface BullhornSession {
  restUrl: string;
  bhRestToken: string;
}

/** Who is calling: everything user-specific travels with each call. */
export interface BullhornCall {
  /** Replaced after a renewal, so one connector call renews at most once. */
  authHeader: string;
  refreshAuthHeader?: (rejected?: string) => Promise<string>;
}

type Query = Record<string, string | number | boolean | undefined>;

export function parseSession(authHeader: string): BullhornSession {
  try {
    const session = JSON.parse(authHeader) as Partial<BullhornSession>;
    if (typeof session.restUrl === 'string' && typeof session.bhRestToken === 'string') {
      return { restUrl: session.restUrl, bhRestToken: session.bhRestToken };
    }
  } catch {
    // fall through
  }
  throw AppException.crmAuthorizationFailed(BULLHORN_PLATFORM, 'The stored Bullhorn session is unreadable. Please log in again.');
}

/**
 * A thin typed client over the Bullhorn endpoints the connector uses: the data-centre
 * lookup, the OAuth token endpoint, the REST login, and REST search, query, entity and
 * settings calls with the BhRestToken header. Data-centre URLs come from Bullhorn; only
 * https hosts under bullhornstaffing.com (or a configured base URL) are ever called.
 */
@Injectable()
export class BullhornApiClient {
  private readonly http: CrmHttpClient;

  constructor(
    httpFactory: CrmHttpClientFactory,
    private readonly config: AppConfig,
  ) {
    this.http = httpFactory.create({
      platform: BULLHORN_PLATFORM,
      displayName: BULLHORN_DISPLAY_NAME,
      // Bullhorn errors read { errorMessage, errorCode, errorMessageKey }.
      errorMessage: (body) =>
        body && typeof body === 'object' && typeof (body as { errorMessage?: unknown }).errorMessage === 'string'
          ? (body as { errorMessage: string }).errorMessage
          : defaultErrorMessage(body),
    });
  }

  /** The user's data centre: where to get tokens and where to log in. */
  async loginInfo(username: string): Promise<BullhornLoginInfo> {
    const base = trimSlash(this.config.BULLHORN_REST_BASE_URL ?? BULLHORN_DEFAULT_REST_BASE_URL);
    const response = await this.http.request<BullhornLoginInfo>({
      method: 'GET',
      url: `${base}/rest-services/loginInfo`,
      params: { username },
    });
    const info = response.data;
    if (!info?.oauthUrl || !info.restUrl) {
      throw AppException.crmRequestFailed(BULLHORN_PLATFORM, 'Bullhorn did not say which data centre this user belongs to.');
    }
    return { oauthUrl: this.trusted(info.oauthUrl), restUrl: this.trusted(info.restUrl) };
  }

  async exchangeAuthorizationCode(oauthUrl: string, code: string, redirectUri: string | undefined): Promise<BullhornTokenResponse> {
    const redirect = redirectUri ?? this.config.BULLHORN_REDIRECT_URI;
    if (!redirect) {
      throw AppException.invalidRequest('No redirect URI: send callbackUri or set BULLHORN_REDIRECT_URI.', ['callbackUri']);
    }
    return this.token(oauthUrl, { grant_type: 'authorization_code', code, redirect_uri: redirect });
  }

  async refreshAccessToken(oauthUrl: string, refreshToken: string): Promise<BullhornTokenResponse> {
    return this.token(oauthUrl, { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Opens a REST session with an OAuth access token (Bullhorn takes it in the query). */
  async restLogin(loginUrl: string, accessToken: string): Promise<BullhornSession> {
    const response = await this.http.request<BullhornRestSession>({
      method: 'POST',
      url: `${trimSlash(this.trusted(loginUrl))}/login`,
      params: { version: '2.0', access_token: accessToken },
    });
    if (!response.data?.BhRestToken || !response.data.restUrl) {
      throw AppException.crmRequestFailed(BULLHORN_PLATFORM, 'Bullhorn answered the REST login without a session.');
    }
    return { bhRestToken: response.data.BhRestToken, restUrl: withSlash(this.trusted(response.data.restUrl)) };
  }

  async ping(call: BullhornCall): Promise<{ sessionExpires?: number }> {
    return this.rest(call, 'GET', 'ping');
  }

  async currentUserId(call: BullhornCall): Promise<number> {
    const settings = await this.rest<{ userId?: number }>(call, 'GET', 'settings/userId');
    if (!settings.userId) throw AppException.crmRequestFailed(BULLHORN_PLATFORM, 'Bullhorn did not say who the user is.');
    return settings.userId;
  }

  async corporateUser(call: BullhornCall, id: number): Promise<BullhornCorporateUser> {
    const answer = await this.rest<{ data: BullhornCorporateUser }>(call, 'GET', `entity/CorporateUser/${id}`, {
      params: { fields: 'id,name,firstName,lastName,email,timeZoneOffsetEST' },
    });
    return answer.data;
  }

  async corporateUsers(call: BullhornCall): Promise<BullhornCorporateUser[]> {
    const answer = await this.rest<BullhornList<BullhornCorporateUser>>(call, 'GET', 'query/CorporateUser', {
      params: { where: 'isDeleted=false', fields: 'id,name,firstName,lastName,email', count: 500 },
    });
    return answer.data ?? [];
  }

  async commentActionList(call: BullhornCall): Promise<string[]> {
    const answer = await this.rest<{ commentActionList?: string[] }>(call, 'GET', 'settings/commentActionList');
    return answer.commentActionList ?? [];
  }

  async search<T>(call: BullhornCall, entity: string, query: string, fields: string): Promise<T[]> {
    const answer = await this.rest<BullhornList<T>>(call, 'POST', `search/${entity}`, {
      params: { fields, count: 50 },
      data: { query },
    });
    return answer.data ?? [];
  }

  async createEntity(call: BullhornCall, entity: string, fields: object): Promise<BullhornChange> {
    return this.rest<BullhornChange>(call, 'PUT', `entity/${entity}`, { data: fields, idempotent: false });
  }

  /** Replaces the given fields, so repeating it is harmless. */
  async updateEntity(call: BullhornCall, entity: string, id: number | string, fields: object): Promise<BullhornChange> {
    return this.rest<BullhornChange>(call, 'POST', `entity/${entity}/${encodeURIComponent(String(id))}`, {
      data: fields,
      idempotent: true,
    });
  }

  async getNote(call: BullhornCall, id: number | string): Promise<BullhornNote> {
    const answer = await this.rest<{ data: BullhornNote }>(call, 'GET', `entity/Note/${encodeURIComponent(String(id))}`, {
      params: { fields: 'id,comments,action,dateAdded,personReference(id,firstName,lastName)' },
    });
    return answer.data;
  }

  private async token(oauthUrl: string, grant: Record<string, string>): Promise<BullhornTokenResponse> {
    const { BULLHORN_CLIENT_ID: clientId, BULLHORN_CLIENT_SECRET: clientSecret } = this.config;
    if (!clientId || !clientSecret) {
      throw AppException.crmRequestFailed(
        BULLHORN_PLATFORM,
        'Bullhorn OAuth is not configured on this server (BULLHORN_CLIENT_ID and BULLHORN_CLIENT_SECRET).',
      );
    }
    const base = this.config.BULLHORN_OAUTH_BASE_URL ? `${trimSlash(this.config.BULLHORN_OAUTH_BASE_URL)}/oauth` : this.trusted(oauthUrl);
    const response = await this.http.request<BullhornTokenResponse>({
      method: 'POST',
      url: `${trimSlash(base)}/token`,
      data: new URLSearchParams({ ...grant, client_id: clientId, client_secret: clientSecret }),
    });
    if (!response.data?.access_token) {
      throw AppException.crmRequestFailed(BULLHORN_PLATFORM, 'Bullhorn answered the token request without an access token.');
    }
    return response.data;
  }

  private async rest<T>(
    call: BullhornCall,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    options: { params?: Query; data?: unknown; idempotent?: boolean } = {},
  ): Promise<T> {
    const { restUrl } = parseSession(call.authHeader);
    const response = await this.http.request<T>({
      method,
      url: `${withSlash(restUrl)}${path}`,
      ...options,
      auth: this.auth(call),
    });
    if (!response.data || typeof response.data !== 'object') {
      throw AppException.crmRequestFailed(BULLHORN_PLATFORM, `Bullhorn answered ${method} ${path} with an unexpected body.`);
    }
    return response.data;
  }

  private auth(call: BullhornCall): CrmRequestAuth {
    const refreshAuthHeader = call.refreshAuthHeader;
    return {
      authHeader: call.authHeader,
      toHeaders: (authHeader) => ({ BhRestToken: parseSession(authHeader).bhRestToken }),
      ...(refreshAuthHeader
        ? {
            // An expired REST session answers 401: renew it once and repeat; parallel requests share the renewal.
            refresh: async (rejected: string) =>
              rejected !== call.authHeader ? call.authHeader : (call.authHeader = await refreshAuthHeader(rejected)),
          }
        : {}),
    };
  }

  /** Bullhorn's own hosts, or a configured base URL's origin; anything else would leak a token. */
  private trusted(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw AppException.crmRequestFailed(BULLHORN_PLATFORM, 'Bullhorn answered with an unreadable URL.');
    }
    const configured = [this.config.BULLHORN_REST_BASE_URL, this.config.BULLHORN_OAUTH_BASE_URL]
      .filter((value): value is string => !!value)
      .map((value) => new URL(value).origin);
    const bullhorn = parsed.protocol === 'https:' && /(^|\.)bullhornstaffing\.com$/i.test(parsed.hostname);
    if (!bullhorn && !configured.includes(parsed.origin)) {
      throw AppException.crmRequestFailed(BULLHORN_PLATFORM, `Bullhorn pointed to a host that is not Bullhorn's (${parsed.hostname}).`);
    }
    return url;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
