import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/app.exception.js';
import { AppConfig } from '../../config/app-config.js';
import { CrmHttpClientFactory } from '../http/crm-http-client.factory.js';
import { defaultErrorMessage, type CrmHttpClient, type CrmHttpMethod } from '../http/crm-http.client.js';
import type { InsightlyPersonType } from './insightly.mapping.js';
import type { InsightlyEvent, InsightlyEventInput, InsightlyLink, InsightlyPerson, InsightlyUser } from './insightly.types.js';

export const INSIGHTLY_PLATFORM = 'insightly';
export const INSIGHTLY_DISPLAY_NAME = 'Insightly';
export const INSIGHTLY_API_VERSION = 'v3.1';

/** Who is calling and where their account lives. */
export interface InsightlyCall {
  /** `Basic base64(<api key>:)`. */
  authHeader: string;
  /** The account's API host (api.na1.insightly.com); ignored when INSIGHTLY_API_BASE_URL is set. */
  apiHost: string | null;
}

type Query = Record<string, string | number | boolean | undefined>;

const INSIGHTLY_HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.insightly\.com$/;

/**
 * The account's API host from what the user gave: the API URL Insightly shows under User
 * Settings > API (https://api.na1.insightly.com/v3.1), or the address of an Insightly page
 * (crm.na1.insightly.com, whose API host is api.na1.insightly.com). Only Insightly's own
 * hosts are accepted: anything else would send the user's key elsewhere. Null: unusable.
 */
export function insightlyApiHost(given: string | null | undefined): string | null {
  if (!given || typeof given !== 'string') return null;
  const host = given.trim().replace(/^https?:\/\//i, '').replace(/[/?#].*$/, '').toLowerCase();
  if (!INSIGHTLY_HOST.test(host)) return null;
  return host.startsWith('crm.') ? `api.${host.slice('crm.'.length)}` : host;
}

/**
 * A thin typed client over the Insightly v3.1 endpoints the connector uses: the current
 * user, contact and lead search and create, and events with their links. HTTP Basic with
 * the API key as user name; every request goes to the account's pod (or the configured root).
 */
@Injectable()
export class InsightlyApiClient {
  private readonly http: CrmHttpClient;

  constructor(
    httpFactory: CrmHttpClientFactory,
    private readonly config: AppConfig,
  ) {
    this.http = httpFactory.create({
      platform: INSIGHTLY_PLATFORM,
      displayName: INSIGHTLY_DISPLAY_NAME,
      // Insightly's errors read { Message } (ASP.NET style); some answers are plain text.
      errorMessage: (body) =>
        body && typeof body === 'object' && typeof (body as { Message?: unknown }).Message === 'string'
          ? (body as { Message: string }).Message
          : defaultErrorMessage(body),
    });
  }

  /** Whether every request goes to INSIGHTLY_API_BASE_URL, so no account host is needed. */
  hasConfiguredRoot(): boolean {
    return !!this.config.INSIGHTLY_API_BASE_URL;
  }

  async me(call: InsightlyCall): Promise<InsightlyUser> {
    const user = await this.send<InsightlyUser>(call, 'GET', 'Users/Me');
    if (!user || typeof user.USER_ID !== 'number') {
      throw AppException.crmRequestFailed(INSIGHTLY_PLATFORM, 'Insightly did not say who the user is.');
    }
    return user;
  }

  /** Records whose field holds this value; Insightly answers a plain array. */
  async searchPeople(call: InsightlyCall, type: InsightlyPersonType, field: string, value: string): Promise<InsightlyPerson[]> {
    const found = await this.send<InsightlyPerson[]>(call, 'GET', `${collection(type)}/Search`, {
      params: { field_name: field, field_value: value, brief: false, top: 50 },
    });
    return Array.isArray(found) ? found : [];
  }

  async createPerson(call: InsightlyCall, type: InsightlyPersonType, fields: object): Promise<InsightlyPerson> {
    return this.send<InsightlyPerson>(call, 'POST', collection(type), { data: fields, idempotent: false });
  }

  async getPerson(call: InsightlyCall, type: InsightlyPersonType, id: number | string): Promise<InsightlyPerson> {
    return this.send<InsightlyPerson>(call, 'GET', `${collection(type)}/${encodeURIComponent(String(id))}`);
  }

  async createEvent(call: InsightlyCall, event: InsightlyEventInput): Promise<InsightlyEvent> {
    const created = await this.send<InsightlyEvent>(call, 'POST', 'Events', { data: event, idempotent: false });
    if (typeof created?.EVENT_ID !== 'number') {
      throw AppException.crmRequestFailed(INSIGHTLY_PLATFORM, 'Insightly answered the new event without its id.', 502);
    }
    return created;
  }

  /** Insightly's update is a PUT of the event with its id; fields left out keep their values. */
  async updateEvent(call: InsightlyCall, event: Partial<InsightlyEventInput> & { EVENT_ID: number }): Promise<InsightlyEvent> {
    return this.send<InsightlyEvent>(call, 'PUT', 'Events', { data: event, idempotent: true });
  }

  async getEvent(call: InsightlyCall, id: number | string): Promise<InsightlyEvent> {
    return this.send<InsightlyEvent>(call, 'GET', `Events/${encodeURIComponent(String(id))}`);
  }

  async addEventLink(call: InsightlyCall, eventId: number, link: InsightlyLink): Promise<InsightlyLink> {
    return this.send<InsightlyLink>(call, 'POST', `Events/${eventId}/Links`, { data: link, idempotent: false });
  }

  /** Events changed since the given instant (Insightly's updated_after_utc, ISO-8601 UTC), a page at a time. */
  async eventsUpdatedSince(call: InsightlyCall, since: Date, skip: number, top: number): Promise<InsightlyEvent[]> {
    const found = await this.send<InsightlyEvent[]>(call, 'GET', 'Events/Search', {
      params: { updated_after_utc: `${since.toISOString().slice(0, 19)}Z`, brief: false, skip, top },
    });
    return Array.isArray(found) ? found : [];
  }

  private async send<T>(
    call: InsightlyCall,
    method: CrmHttpMethod,
    path: string,
    options: { params?: Query; data?: unknown; idempotent?: boolean } = {},
  ): Promise<T> {
    const response = await this.http.request<T>({
      method,
      url: `${this.root(call.apiHost)}/${path}`,
      ...options,
      auth: { authHeader: call.authHeader, toHeaders: (authHeader) => ({ Authorization: authHeader }) },
    });
    return response.data;
  }

  private root(apiHost: string | null): string {
    if (this.config.INSIGHTLY_API_BASE_URL) return this.config.INSIGHTLY_API_BASE_URL.replace(/\/+$/, '');
    const host = insightlyApiHost(apiHost);
    if (!host) {
      throw AppException.crmAuthorizationFailed(INSIGHTLY_PLATFORM, 'The Insightly API address of this connection is unknown. Please connect again.');
    }
    return `https://${host}/${INSIGHTLY_API_VERSION}`;
  }
}

function collection(type: InsightlyPersonType): 'Contacts' | 'Leads' {
  return type === 'Contact' ? 'Contacts' : 'Leads';
}
