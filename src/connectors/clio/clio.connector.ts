import { AppConfig } from '../../config/app-config.js';
import { Injectable, Logger } from '@nestjs/common';
import { AppErrorCode, AppException } from '../../common/app.exception.js';
import { danger, success, warning } from '../../common/return-message.js';
import { Connector } from '../connector.decorator.js';
import type {
  ConnectorCallContext,
  ConnectorManifest,
  ContactInfo,
  CrmConnector,
  CreateLogResult,
  CrmCredentials,
  OAuthTokens,
  UserInfoResult,
} from '../crm-connector.interface.js';
import type { CrmResponse } from '../http/crm-http.client.js';
import {
  BEARER_PREFIX,
  CLIO_DISPLAY_NAME,
  CLIO_PLATFORM,
  ClioApiClient,
  clioRegionalHost,
  type ClioCall,
} from './clio-api.client.js';
import {
  callTimeEntry,
  chosenMatter,
  communicationParties,
  CONTACT_TYPES,
  contactPartyOf,
  IDEMPOTENCY_PROPERTY,
  MATTERS_FIELD,
  newContactInput,
  NON_BILLABLE_FIELD,
  numericId,
  phoneMatches,
  phoneSearchTerms,
  ticked,
  TIME_ENTRY_FIELD,
  toContactInfo,
  toIsoInstant,
} from './clio.mapping.js';
import type { ClioCommunicationInput, ClioTokenResponse, ClioUser } from './clio.types.js';

type Params<K extends keyof CrmConnector> = CrmConnector[K] extends ((params: infer P) => unknown) | undefined ? P : never;

/** Matters are fetched for at most this many matched contacts (each costs two requests). */
const MAX_MATCHED_CONTACTS = 10;
/** Clock difference between us and Clio tolerated when looking a write up by its creation time. */
const LOOKUP_CLOCK_SKEW_MS = 5 * 60_000;

const matterField = { const: MATTERS_FIELD, title: 'Matter', type: 'selection' as const, contactDependent: true };
const callFields = [
  matterField,
  { const: TIME_ENTRY_FIELD, title: 'Log a time entry', type: 'checkbox' as const, defaultValue: true },
  { const: NON_BILLABLE_FIELD, title: 'Non-billable', type: 'checkbox' as const, defaultValue: false },
];

/**
 * Page URL templates for the manifest ({hostname} is the user's regional host). Kept here
 * until ConnectorManifest carries contactPageUrl / logPageUrl. The contact route is Clio's
 * web app route; the communication route is not yet checked against a live account.
 */
export const CLIO_PAGE_URLS = {
  contactPageUrl: 'https://{hostname}/nc/#/contacts/{contactId}',
  logPageUrl: 'https://{hostname}/nc/#/communications/{logId}',
} as const;

/**
 * Sign-in facts for the manifest's OAuth and environment blocks (the lead wires them in
 * once ConnectorManifest has them): the user picks a region, which becomes `hostname`,
 * and authorizes on that region's host.
 */
export const CLIO_SIGN_IN = {
  authorizePath: '/oauth/authorize',
  regions: [
    { const: 'app.clio.com', name: 'United States' },
    { const: 'eu.app.clio.com', name: 'Europe' },
    { const: 'ca.app.clio.com', name: 'Canada' },
    { const: 'au.app.clio.com', name: 'Australia' },
  ],
} as const;

/**
 * Clio Manage over its API v4: contacts (persons and companies), their matters, and
 * calls and message digests as phone communications with a plain-text body, linked to
 * the contact and the chosen matter. OAuth 2 on the user's regional host. Stateless:
 * every user-specific value arrives with the call.
 */
@Connector()
@Injectable()
export class ClioConnector implements CrmConnector {
  readonly name = CLIO_PLATFORM;
  readonly manifest: ConnectorManifest;

  private readonly logger = new Logger(ClioConnector.name);

  constructor(
    private readonly api: ClioApiClient,
    config: AppConfig,
  ) {
    this.manifest = {
      displayName: CLIO_DISPLAY_NAME,
      authType: 'oauth',
      logFormat: 'text/plain',
      contactTypes: [...CONTACT_TYPES],
      page: {
        callLog: { additionalFields: callFields },
        messageLog: { additionalFields: [matterField] },
      },
      // Published only with a configured app: without a client id nobody can sign in.
      ...(config.CLIO_CLIENT_ID
        ? {
            oauth: {
              authUrl: `${(config.CLIO_OAUTH_BASE_URL ?? `https://${CLIO_SIGN_IN.regions[0].const}`).replace(/\/+$/, '')}${CLIO_SIGN_IN.authorizePath}`,
              clientId: config.CLIO_CLIENT_ID,
              ...(config.CLIO_REDIRECT_URI ? { redirectUri: config.CLIO_REDIRECT_URI } : {}),
            },
          }
        : {}),
    };
  }

  getAuthHeader(credentials: CrmCredentials): string {
    return `${BEARER_PREFIX}${credentials.accessToken ?? ''}`;
  }

  async getUserInfo({ authHeader, hostname }: Params<'getUserInfo'>): Promise<UserInfoResult> {
    if (!authHeader) return { successful: false, returnMessage: danger('Clio signs in with OAuth only.') };
    try {
      return toUserInfo(await this.api.whoAmI({ authHeader, hostname: regionalHost(hostname) }), 'Connected to Clio.');
    } catch (error) {
      if (error instanceof AppException && error.code === AppErrorCode.CrmAuthorizationFailed) {
        return { successful: false, returnMessage: danger(`Clio did not accept the sign-in: ${error.message}`) };
      }
      throw error;
    }
  }

  async refreshUserInfo(params: Params<'refreshUserInfo'>): Promise<UserInfoResult> {
    return toUserInfo(await this.api.whoAmI(this.call(params)), 'Clio user information refreshed.');
  }

  async exchangeAuthorizationCode({ code, redirectUri, hostname }: Params<'exchangeAuthorizationCode'>): Promise<OAuthTokens> {
    const region = regionalHost(hostname);
    try {
      return toOAuthTokens(await this.api.exchangeAuthorizationCode(code, redirectUri, region));
    } catch (error) {
      // A refused code (used, expired, another app's) is a refused sign-in, not a server fault.
      if (error instanceof AppException && (error.details.status === 400 || error.details.status === 401)) {
        throw new AppException(AppErrorCode.CrmLoginRejected, `Clio refused the sign-in: ${error.message}`, {
          platform: CLIO_PLATFORM,
        });
      }
      throw error;
    }
  }

  async refreshAccessToken({ refreshToken, hostname }: Params<'refreshAccessToken'>): Promise<OAuthTokens> {
    try {
      return toOAuthTokens(await this.api.refreshAccessToken(refreshToken, hostname));
    } catch (error) {
      // A refused refresh token will not work later either: the user must sign in again.
      if (error instanceof AppException && (error.details.status === 400 || error.details.status === 401)) {
        throw AppException.crmAuthorizationFailed(
          CLIO_PLATFORM,
          `Clio refused to renew the session (${error.message}). Please log in again.`,
        );
      }
      throw error;
    }
  }

  async unAuthorize(params: Params<'unAuthorize'>): Promise<void> {
    try {
      await this.api.deauthorize(this.call(params));
    } catch (error) {
      // Logging out must not depend on Clio: our copy of the tokens is deleted either way.
      this.logger.warn(`Clio did not revoke the token of ${params.user.id}: ${(error as Error).message}`);
    }
  }

  async findContact(params: Params<'findContact'>) {
    if (params.isExtension) return { successful: true, matchedContactInfo: [] };
    const call = this.call(params);
    const results = await Promise.all(
      phoneSearchTerms(params.phoneNumberForms).map((term) => this.api.searchContacts(call, term)),
    );
    const contacts = [...new Map(results.flat().map((contact) => [contact.id, contact])).values()]
      .filter((contact) => phoneMatches(contact, params.phoneNumberForms))
      .slice(0, MAX_MATCHED_CONTACTS);
    const matchedContactInfo: ContactInfo[] = await Promise.all(
      contacts.map(async (contact) => {
        const [asClient, related] = await Promise.all([
          this.api.mattersOfClient(call, contact.id),
          this.api.relatedMatters(call, contact.id),
        ]);
        return toContactInfo(contact, [...asClient, ...related], params.phoneNumber);
      }),
    );
    return { successful: true, matchedContactInfo };
  }

  async createContact(params: Params<'createContact'>) {
    const type = params.newContactType ?? 'Person';
    if (!(CONTACT_TYPES as readonly string[]).includes(type)) {
      throw AppException.invalidRequest(`newContactType must be one of ${CONTACT_TYPES.join(', ')}.`, ['newContactType']);
    }
    const contact = await this.api.createContact(
      this.call(params),
      newContactInput(params.newContactName, type, params.phoneNumber),
    );
    return {
      contactInfo: {
        id: String(contact.id),
        name: contact.name,
        type: contact.type,
        phone: params.phoneNumber,
        phoneNumber: params.phoneNumber,
        isNewContact: true,
        additionalInfo: { [MATTERS_FIELD]: [] },
      },
      returnMessage: success(`Contact ${contact.name} created in Clio.`),
    };
  }

  /** A phone communication, and a time entry for its duration unless the user unticked it. */
  async createCallLog(params: Params<'createCallLog'>) {
    // One call object for both writes, so a refresh during the first serves the second.
    const call = this.call(params);
    const result = await this.createCommunication(
      params,
      call,
      params.callLog.direction,
      {
        subject: params.subject,
        body: params.composedLogDetails,
        received_at: toIsoInstant(params.callLog.startTime),
      },
      'Call logged to Clio.',
    );
    if (!ticked(params.additionalSubmission, TIME_ENTRY_FIELD, true)) return result;
    const entry = callTimeEntry({
      duration: params.callLog.duration,
      startTime: params.callLog.startTime,
      timezone: params.user.timezone,
      note: params.composedLogDetails,
      additionalSubmission: params.additionalSubmission,
    });
    if (!entry) return result;
    try {
      await this.api.createTimeEntry(call, { ...entry, communication: { id: Number(result.logId) } });
      return result;
    } catch (error) {
      // The communication exists: the call is logged, only its time entry is missing.
      if (!(error instanceof AppException)) throw error;
      return { ...result, returnMessage: warning(`Call logged to Clio, but Clio refused its time entry: ${error.message}`) };
    }
  }

  async updateCallLog(params: Params<'updateCallLog'>) {
    const call = this.call(params);
    const matter = chosenMatter(params.additionalSubmission);
    const receivedAt = toIsoInstant(params.startTime);
    const communicationId = params.existingCallLog.thirdPartyLogId;
    await this.api.updateCommunication(call, communicationId, {
      subject: params.subject,
      body: params.composedLogDetails,
      ...(receivedAt ? { received_at: receivedAt } : {}),
      ...(matter ? { matter } : {}),
    });
    const entry = callTimeEntry({
      duration: params.duration ?? params.callLog.duration,
      startTime: params.startTime ?? params.callLog.startTime,
      timezone: params.user.timezone,
      note: params.composedLogDetails,
      additionalSubmission: params.additionalSubmission,
    });
    if (entry && ticked(params.additionalSubmission, TIME_ENTRY_FIELD, true)) {
      // The time entry follows the call: its first duration, or a corrected one.
      const [existing] = await this.api.timeEntriesOfCommunication(call, communicationId);
      if (existing) await this.api.updateTimeEntry(call, existing.id, entry);
      else await this.api.createTimeEntry(call, { ...entry, communication: { id: Number(communicationId) } });
    }
    return { updatedNote: params.note ?? '', returnMessage: success('Call log updated in Clio.') };
  }

  async getCallLog(params: Params<'getCallLog'>) {
    const call = this.call(params);
    const communication = await this.api.getCommunication(call, params.callLogId);
    const party = contactPartyOf(communication);
    // The contact's name is a nicety: a deleted contact must not hide the log itself.
    const contactName =
      party?.name ??
      (party
        ? await this.api.getContact(call, party.id).then(
            (contact) => contact.name,
            () => undefined,
          )
        : undefined);
    return {
      callLogInfo: {
        subject: communication.subject,
        fullBody: communication.body ?? '',
        ...(contactName ? { contactName } : {}),
        ...(communication.matter ? { dispositions: { [MATTERS_FIELD]: String(communication.matter.id) } } : {}),
        fullLogResponse: { ...communication },
      },
    };
  }

  async createMessageLog(params: Params<'createMessageLog'>) {
    const first = params.messages[0] ?? params.message;
    return this.createCommunication(
      params,
      this.call(params),
      // A conversation is filed as the contact writing to the user, whoever wrote first.
      'Inbound',
      {
        subject: params.sharedSMSLogContent?.subject ?? params.subject,
        body: params.sharedSMSLogContent?.body ?? params.composedLogDetails,
        received_at: toIsoInstant(first?.creationTime),
      },
      'Message logged to Clio.',
    );
  }

  /** The core sends the complete digest body, so this is one PATCH and no read. */
  async updateMessageLog(params: Params<'updateMessageLog'>) {
    const response = await this.api.updateCommunication(this.call(params), params.existingMessageLog.thirdPartyLogId, {
      subject: params.sharedSMSLogContent?.subject ?? params.subject,
      body: params.sharedSMSLogContent?.body ?? params.composedLogDetails,
    });
    return { returnMessage: success('Message log updated in Clio.'), extraDataTracking: rateLimitTracking(response) };
  }

  /**
   * After a create whose outcome is unknown: the contact's communication carrying our key,
   * if Clio made it. Reads only communications created since the first attempt.
   */
  async findLogByIdempotencyKey(
    params: ConnectorCallContext & {
      kind: 'call' | 'message';
      idempotencyKey: string;
      contactInfo: ContactInfo;
      since: string;
    },
  ): Promise<{ logId?: string }> {
    const contactId = this.contactId(params.contactInfo);
    const since = Date.parse(params.since);
    const createdSince = new Date((Number.isNaN(since) ? Date.now() : since) - LOOKUP_CLOCK_SKEW_MS).toISOString();
    const communications = await this.api.communicationsCreatedSince(this.call(params), contactId, createdSince);
    const found = communications.find((communication) =>
      (communication.external_properties ?? []).some(
        (property) => property.name === IDEMPOTENCY_PROPERTY && property.value === params.idempotencyKey,
      ),
    );
    return found ? { logId: String(found.id) } : {};
  }

  /** A phone communication between the user and the contact, on the chosen matter, carrying our key. */
  private async createCommunication(
    params: ConnectorCallContext & { contactInfo: ContactInfo; additionalSubmission?: Record<string, unknown>; idempotencyKey: string },
    call: ClioCall,
    direction: string | undefined,
    fields: ClioCommunicationInput,
    message: string,
  ): Promise<CreateLogResult> {
    const userId = numericId(params.user.crmUserId);
    if (!userId) throw AppException.crmRequestFailed(CLIO_PLATFORM, 'The stored Clio user id is not a Clio id. Please log in again.');
    const matter = chosenMatter(params.additionalSubmission);
    const key = params.idempotencyKey;
    const response = await this.api.createCommunication(call, {
      type: 'PhoneCommunication',
      ...fields,
      ...communicationParties(direction, userId, this.contactId(params.contactInfo)),
      ...(matter ? { matter } : {}),
      ...(key ? { external_properties: [{ name: IDEMPOTENCY_PROPERTY, value: key }] } : {}),
    });
    return {
      logId: String(response.data.data.id),
      returnMessage: success(message),
      extraDataTracking: rateLimitTracking(response),
    };
  }

  private contactId(contactInfo: ContactInfo): number {
    const id = numericId(contactInfo.id);
    if (!id) throw AppException.invalidRequest(`"${contactInfo.id}" is not a Clio contact id.`, ['contactId']);
    return id;
  }

  private call(context: ConnectorCallContext): ClioCall {
    return {
      authHeader: context.authHeader,
      ...(context.refreshAuthHeader ? { refreshAuthHeader: context.refreshAuthHeader } : {}),
      hostname: context.user.hostname,
    };
  }
}

/** The login's region: one of Clio's hosts, or nothing (the US host); anything else is refused. */
function regionalHost(hostname: string | undefined): string | undefined {
  if (!hostname) return undefined;
  const host = clioRegionalHost(hostname);
  if (!host) {
    throw AppException.invalidRequest(
      `hostname must be one of Clio's regional hosts (app.clio.com, eu.app.clio.com, ca.app.clio.com, au.app.clio.com).`,
      ['hostname'],
    );
  }
  return host;
}

function toUserInfo(me: ClioUser, message: string): UserInfoResult {
  return {
    successful: true,
    platformUserInfo: {
      id: String(me.id),
      name: me.name,
      ...(me.time_zone ? { timezoneName: me.time_zone } : {}),
      platformAdditionalInfo: { ...(me.email ? { email: me.email } : {}) },
    },
    returnMessage: success(message),
  };
}

function toOAuthTokens(token: ClioTokenResponse): OAuthTokens {
  return {
    accessToken: token.access_token,
    ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
    ...(token.expires_in ? { expiresAt: Date.now() + token.expires_in * 1000 } : {}),
  };
}

function rateLimitTracking(response: CrmResponse<unknown>): Record<string, unknown> {
  return {
    ratelimitRemaining: response.rateLimit.remaining,
    ratelimitAmount: response.rateLimit.limit,
    ratelimitReset: response.rateLimit.reset,
  };
}
