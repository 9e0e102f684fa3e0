import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/app.exception.js';
import { AppConfig } from '../../config/app-config.js';
import { CrmHttpClientFactory } from '../http/crm-http-client.factory.js';
import { defaultErrorMessage, type CrmHttpClient, type CrmHttpMethod } from '../http/crm-http.client.js';
import type {
  RedtailActivity,
  RedtailActivityInput,
  RedtailAuthenticatedUser,
  RedtailCategory,
  RedtailContact,
  RedtailPage,
} from './redtail.types.js';

export const REDTAIL_PLATFORM = 'redtail';
export const REDTAIL_DISPLAY_NAME = 'Redtail CRM';
export const REDTAIL_DEFAULT_API_BASE_URL = 'https://crm.redtailtechnology.com/api/public/v1';

type Query = Record<string, string | number | boolean | undefined>;

/**
 * A thin typed client over the Redtail public API endpoints the connector uses: the
 * authentication that exchanges a user's name and password for their user key, contact
 * search and create, categories, and activities. Every call after sign-in carries
 * `Userkeyauth base64(<API key>:<user key>)`, which the connector builds (getAuthHeader).
 */
@Injectable()
export class RedtailApiClient {
  private readonly http: CrmHttpClient;

  constructor(
    httpFactory: CrmHttpClientFactory,
    private readonly config: AppConfig,
  ) {
    this.http = httpFactory.create({
      platform: REDTAIL_PLATFORM,
      displayName: REDTAIL_DISPLAY_NAME,
      // Redtail's errors read { message } or { errors: [...] }.
      errorMessage: (body) => {
        const errors = body && typeof body === 'object' ? (body as { errors?: unknown }).errors : undefined;
        if (Array.isArray(errors) && errors.length > 0) return errors.map(String).join('; ');
        return defaultErrorMessage(body);
      },
    });
  }

  /** The deployment's API key; sign-in and every call need it. */
  apiKey(): string {
    const key = this.config.REDTAIL_API_KEY;
    if (!key) {
      throw AppException.crmRequestFailed(REDTAIL_PLATFORM, 'Redtail is not configured on this server (REDTAIL_API_KEY is not set).');
    }
    return key;
  }

  /** The user key Redtail issues for a user name and password (Basic base64(<API key>:<user>:<password>)). */
  async authenticate(username: string, password: string): Promise<RedtailAuthenticatedUser> {
    const basic = Buffer.from(`${this.apiKey()}:${username}:${password}`).toString('base64');
    const answer = await this.send<{ authenticated_user?: RedtailAuthenticatedUser }>(`Basic ${basic}`, 'GET', 'authentication');
    const user = answer?.authenticated_user;
    if (!user?.user_key || user.id === undefined) {
      throw AppException.crmRequestFailed(REDTAIL_PLATFORM, 'Redtail answered the sign-in without a user key.');
    }
    return user;
  }

  async searchByPhone(authHeader: string, digits: string): Promise<RedtailContact[]> {
    const answer = await this.send<{ contacts?: RedtailContact[] }>(authHeader, 'GET', 'contacts/search_basic', { params: { phone_number: digits } });
    return answer?.contacts ?? [];
  }

  async categories(authHeader: string): Promise<RedtailCategory[]> {
    const answer = await this.send<{ categories?: RedtailCategory[] }>(authHeader, 'GET', 'lists/categories');
    return answer?.categories ?? [];
  }

  async createContact(authHeader: string, contact: object): Promise<RedtailContact> {
    const answer = await this.send<{ contact?: RedtailContact }>(authHeader, 'POST', 'contacts', { data: contact, idempotent: false });
    if (!answer?.contact?.id) throw AppException.crmRequestFailed(REDTAIL_PLATFORM, 'Redtail answered the new contact without its id.');
    return answer.contact;
  }

  async createActivity(authHeader: string, activity: RedtailActivityInput): Promise<RedtailActivity> {
    const answer = await this.send<{ activity?: RedtailActivity }>(authHeader, 'POST', 'activities', { data: activity, idempotent: false });
    if (!answer?.activity?.id) throw AppException.crmRequestFailed(REDTAIL_PLATFORM, 'Redtail answered the new activity without its id.', 502);
    return answer.activity;
  }

  /** Replaces the given fields, so repeating it is harmless. */
  async updateActivity(authHeader: string, id: number | string, fields: object): Promise<RedtailActivity> {
    const answer = await this.send<{ activity?: RedtailActivity }>(authHeader, 'PUT', `activities/${encodeURIComponent(String(id))}`, {
      data: fields,
      idempotent: true,
    });
    return answer?.activity ?? ({ id: Number(id) } as RedtailActivity);
  }

  async getActivity(authHeader: string, id: number | string): Promise<RedtailActivity> {
    const answer = await this.send<{ activity?: RedtailActivity }>(authHeader, 'GET', `activities/${encodeURIComponent(String(id))}`, {
      params: { include: 'linked_contacts' },
    });
    if (!answer?.activity) throw AppException.crmRequestFailed(REDTAIL_PLATFORM, `Redtail has no activity ${id}.`, 404);
    return answer.activity;
  }

  async contactActivities(authHeader: string, contactId: number, page: number): Promise<{ activities: RedtailActivity[]; meta: RedtailPage }> {
    const answer = await this.send<{ activities?: RedtailActivity[]; meta?: RedtailPage }>(authHeader, 'GET', `contacts/${contactId}/activities`, {
      params: { page },
    });
    return { activities: answer?.activities ?? [], meta: answer?.meta ?? {} };
  }

  private async send<T>(
    authHeader: string,
    method: CrmHttpMethod,
    path: string,
    options: { params?: Query; data?: unknown; idempotent?: boolean } = {},
  ): Promise<T> {
    const base = (this.config.REDTAIL_API_BASE_URL ?? REDTAIL_DEFAULT_API_BASE_URL).replace(/\/+$/, '');
    const response = await this.http.request<T>({
      method,
      url: `${base}/${path}`,
      ...options,
      auth: { authHeader, toHeaders: (header) => ({ Authorization: header }) },
    });
    return response.data;
  }
}
