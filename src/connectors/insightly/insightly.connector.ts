import { Injectable } from '@nestjs/common';
import { AppErrorCode, AppException } from '../../common/app.exception.js';
import { danger, success } from '../../common/return-message.js';
import { Connector } from '../connector.decorator.js';
import type {
  ConnectorCallContext,
  ConnectorManifest,
  ContactInfo,
  CreateLogResult,
  CrmConnector,
  CrmCredentials,
  UserInfoResult,
} from '../crm-connector.interface.js';
import {
  INSIGHTLY_DISPLAY_NAME,
  INSIGHTLY_PLATFORM,
  InsightlyApiClient,
  insightlyApiHost,
  type InsightlyCall,
} from './insightly-api.client.js';
import {
  callWindow,
  carriesKey,
  CONTACT_TYPES,
  eventDetails,
  ianaZone,
  newPersonInput,
  numericId,
  PHONE_FIELDS,
  personName,
  phoneMatches,
  phoneSearchTerms,
  readEventDetails,
  toContactInfo,
  toInsightlyDate,
  type InsightlyPersonType,
} from './insightly.mapping.js';
import type { InsightlyEvent, InsightlyPerson } from './insightly.types.js';

type Params<K extends keyof CrmConnector> = CrmConnector[K] extends ((params: infer P) => unknown) | undefined ? P : never;

/** Insightly's clock may differ from ours; the key lookup reaches back this much before the first attempt. */
const LOOKUP_CLOCK_SKEW_MS = 5 * 60_000;
/** The key lookup reads at most this many pages of recently changed events. */
const LOOKUP_PAGE_SIZE = 100;
const LOOKUP_MAX_PAGES = 5;
/** Phone searches sent at once. */
const SEARCH_CONCURRENCY = 4;

/**
 * Insightly CRM over its v3.1 REST API: contacts and leads as contact types, calls and
 * message digests as events (plain text) linked to the contact or lead, as App Connect's
 * own Insightly connector logs them. Signs in with the user's API key (HTTP Basic, key as
 * user name) and the account's pod-specific API URL.
 */
@Connector()
@Injectable()
export class InsightlyConnector implements CrmConnector {
  readonly name = INSIGHTLY_PLATFORM;
  readonly manifest: ConnectorManifest = {
    displayName: INSIGHTLY_DISPLAY_NAME,
    authType: 'apiKey',
    logFormat: 'text/plain',
    contactTypes: [...CONTACT_TYPES],
    page: { callLog: { additionalFields: [] }, messageLog: { additionalFields: [] } },
    apiKeyPage: {
      title: INSIGHTLY_DISPLAY_NAME,
      warning: 'In Insightly open User Settings; the API section shows your API key and API URL.',
      content: [
        { const: 'apiKey', title: 'API key', type: 'string', required: true },
        {
          const: 'apiUrl',
          title: 'API URL',
          type: 'string',
          required: true,
          description: 'As Insightly shows it, e.g. https://api.na1.insightly.com/v3.1',
        },
      ],
    },
    // The web host ({hostname} in the page links) comes from the address the user pastes.
    environment: {
      type: 'dynamic',
      urlIdentifier: '*.insightly.com',
      instructions: ['Sign in to Insightly.', 'Copy the address of any Insightly page and paste it here.'],
    },
    embedUrls: ['https://*.insightly.com/*'],
    contactPageUrl: 'https://{hostname}/list/{contactType}/?blade=/details/{contactType}/{contactId}',
    logPageUrl: 'https://{hostname}/list/Event/?blade=/details/Event/{logId}',
  };

  constructor(private readonly api: InsightlyApiClient) {}

  getAuthHeader(credentials: CrmCredentials): string {
    return basicAuth(credentials.apiKey ?? '');
  }

  /** Checks the key with Users/Me on the account's pod; the pod's API host is kept for every later call. */
  async getUserInfo({ apiKey, hostname, additionalInfo }: Params<'getUserInfo'>): Promise<UserInfoResult> {
    if (!apiKey) return { successful: false, returnMessage: danger('An Insightly API key is required.') };
    const apiHost = this.loginApiHost(hostname, additionalInfo);
    if (!apiHost && !this.api.hasConfiguredRoot()) {
      throw AppException.invalidRequest('additionalInfo.apiUrl is required: the API URL Insightly shows under User Settings > API.', ['additionalInfo.apiUrl']);
    }
    try {
      const me = await this.api.me({ authHeader: basicAuth(apiKey), apiHost });
      const zone = ianaZone(me.TIMEZONE_ID);
      return {
        successful: true,
        platformUserInfo: {
          id: String(me.USER_ID),
          name: [me.FIRST_NAME, me.LAST_NAME].filter(Boolean).join(' ') || me.EMAIL_ADDRESS || `Insightly user ${me.USER_ID}`,
          ...(zone ? { timezoneName: zone } : {}),
          platformAdditionalInfo: {
            ...(apiHost ? { apiHost } : {}),
            ...(me.INSTANCE_ID !== undefined ? { instanceId: me.INSTANCE_ID } : {}),
          },
        },
        returnMessage: success('Connected to Insightly.'),
      };
    } catch (error) {
      if (error instanceof AppException && error.code === AppErrorCode.CrmAuthorizationFailed) {
        return { successful: false, returnMessage: danger(`Insightly did not accept this API key: ${error.message}`) };
      }
      throw error;
    }
  }

  async refreshUserInfo(params: Params<'refreshUserInfo'>): Promise<UserInfoResult> {
    const me = await this.api.me(this.call(params));
    const zone = ianaZone(me.TIMEZONE_ID);
    return {
      successful: true,
      platformUserInfo: {
        id: String(me.USER_ID),
        name: [me.FIRST_NAME, me.LAST_NAME].filter(Boolean).join(' ') || params.user.name,
        ...(zone ? { timezoneName: zone } : {}),
        platformAdditionalInfo: params.user.platformAdditionalInfo ?? {},
      },
      returnMessage: success('Insightly user information refreshed.'),
    };
  }

  async findContact(params: Params<'findContact'>) {
    if (params.isExtension) return { successful: true, matchedContactInfo: [] };
    const call = this.call(params);
    const terms = phoneSearchTerms(params.phoneNumberForms);
    const searches = CONTACT_TYPES.flatMap((type) =>
      PHONE_FIELDS[type].flatMap((field) => terms.map((term) => ({ type, field, term }))),
    );
    // A few at a time: a lookup is up to 16 searches, and Insightly counts every request.
    const answers: { type: InsightlyPersonType; person: InsightlyPerson }[][] = [];
    for (let i = 0; i < searches.length; i += SEARCH_CONCURRENCY) {
      answers.push(
        ...(await Promise.all(
          searches.slice(i, i + SEARCH_CONCURRENCY).map(async ({ type, field, term }) =>
            (await this.api.searchPeople(call, type, field, term)).map((person) => ({ type, person })),
          ),
        )),
      );
    }
    const seen = new Set<string>();
    const matchedContactInfo: ContactInfo[] = [];
    for (const { type, person } of answers.flat()) {
      const key = `${type}:${type === 'Contact' ? person.CONTACT_ID : person.LEAD_ID}`;
      if (seen.has(key)) continue;
      // A user's own format may find the number exactly as typed; otherwise the digits must agree.
      if (params.phoneNumberForms.overriding.length === 0 && !phoneMatches(type, person, params.phoneNumberForms)) continue;
      seen.add(key);
      matchedContactInfo.push(toContactInfo(type, person, params.phoneNumber));
    }
    return { successful: true, matchedContactInfo };
  }

  async createContact(params: Params<'createContact'>) {
    const type = (params.newContactType ?? 'Contact') as InsightlyPersonType;
    if (!CONTACT_TYPES.includes(type)) {
      throw AppException.invalidRequest(`newContactType must be one of ${CONTACT_TYPES.join(', ')}.`, ['newContactType']);
    }
    const input = newPersonInput(params.newContactName, params.phoneNumber);
    const created = await this.api.createPerson(this.call(params), type, input);
    const info = toContactInfo(type, { ...input, ...created }, params.phoneNumber);
    return {
      contactInfo: { ...info, name: personName({ ...input, ...created }) || params.newContactName, isNewContact: true },
      returnMessage: success(`${type} ${params.newContactName} created in Insightly.`),
    };
  }

  async createCallLog(params: Params<'createCallLog'>) {
    return this.createEvent(
      params,
      {
        TITLE: params.subject,
        DETAILS: eventDetails(params.composedLogDetails, params.idempotencyKey),
        ...callWindow(params.callLog.startTime, params.callLog.duration),
        ALL_DAY: false,
      },
      'Call logged to Insightly.',
    );
  }

  /** The core sends the complete body, so this is one PUT and no read. */
  async updateCallLog(params: Params<'updateCallLog'>) {
    const eventId = this.eventId(params.existingCallLog.thirdPartyLogId);
    await this.api.updateEvent(this.call(params), {
      EVENT_ID: eventId,
      TITLE: params.subject,
      DETAILS: params.composedLogDetails,
      ...callWindow(params.startTime ?? params.callLog.startTime, params.duration ?? params.callLog.duration),
    });
    return { updatedNote: params.note ?? '', returnMessage: success('Call log updated in Insightly.') };
  }

  async getCallLog(params: Params<'getCallLog'>) {
    const call = this.call(params);
    const event = await this.api.getEvent(call, params.callLogId);
    const link = (event.LINKS ?? []).find((l) => /^(contact|lead)$/i.test(l.LINK_OBJECT_NAME));
    let contactName = '';
    if (link) {
      const type: InsightlyPersonType = /^contact$/i.test(link.LINK_OBJECT_NAME) ? 'Contact' : 'Lead';
      contactName = personName(await this.api.getPerson(call, type, link.LINK_OBJECT_ID));
    }
    return {
      callLogInfo: {
        ...(event.TITLE ? { subject: event.TITLE } : {}),
        fullBody: readEventDetails(event.DETAILS),
        ...(contactName ? { contactName } : {}),
        fullLogResponse: { ...event },
      },
    };
  }

  async createMessageLog(params: Params<'createMessageLog'>) {
    const times = params.messages.map((m) => m.creationTime).filter((t): t is string => !!t).sort();
    const first = times[0] ?? params.message.creationTime ?? new Date().toISOString();
    const last = times.at(-1) ?? first;
    return this.createEvent(
      params,
      {
        TITLE: params.sharedSMSLogContent?.subject ?? params.subject,
        DETAILS: eventDetails(params.sharedSMSLogContent?.body ?? params.composedLogDetails, params.idempotencyKey),
        START_DATE_UTC: toInsightlyDate(first),
        END_DATE_UTC: toInsightlyDate(last),
        ALL_DAY: false,
      },
      'Message logged to Insightly.',
    );
  }

  /** The whole digest body replaces the event's; the event now ends at the newest message. */
  async updateMessageLog(params: Params<'updateMessageLog'>) {
    const newest = params.messages.map((m) => m.creationTime).filter((t): t is string => !!t).sort().at(-1);
    await this.api.updateEvent(this.call(params), {
      EVENT_ID: this.eventId(params.existingMessageLog.thirdPartyLogId),
      TITLE: params.sharedSMSLogContent?.subject ?? params.subject,
      DETAILS: params.sharedSMSLogContent?.body ?? params.composedLogDetails,
      ...(newest ? { END_DATE_UTC: toInsightlyDate(newest) } : {}),
    });
    return { returnMessage: success('Message log updated in Insightly.') };
  }

  /**
   * After a create whose outcome is unknown: the event carrying our key among those changed
   * since the first attempt. One that lost its link to the person (the link call failed)
   * gets it now, so the reconciled log is complete.
   */
  async findLogByIdempotencyKey(params: Params<'findLogByIdempotencyKey'>): Promise<{ logId?: string }> {
    const call = this.call(params);
    const sinceMs = Date.parse(params.since);
    const since = new Date((Number.isNaN(sinceMs) ? Date.now() : sinceMs) - LOOKUP_CLOCK_SKEW_MS);
    for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
      const events = await this.api.eventsUpdatedSince(call, since, page * LOOKUP_PAGE_SIZE, LOOKUP_PAGE_SIZE);
      const found = events.find((event) => carriesKey(event.DETAILS, params.idempotencyKey));
      if (found) {
        await this.ensureLinked(call, found, params.contactInfo);
        return { logId: String(found.EVENT_ID) };
      }
      if (events.length < LOOKUP_PAGE_SIZE) break;
    }
    return {};
  }

  private async createEvent(
    params: ConnectorCallContext & { contactInfo: ContactInfo },
    event: Parameters<InsightlyApiClient['createEvent']>[1],
    message: string,
  ): Promise<CreateLogResult> {
    const call = this.call(params);
    const link = this.personLink(params.contactInfo);
    const created = await this.api.createEvent(call, event);
    try {
      await this.api.addEventLink(call, created.EVENT_ID, link);
    } catch (error) {
      // The event exists: report the write as possibly landed, so it is reconciled by its key
      // (which adds the link) instead of created a second time.
      throw AppException.crmRequestFailed(
        INSIGHTLY_PLATFORM,
        `Insightly made the event but did not link it to the ${link.LINK_OBJECT_NAME.toLowerCase()}: ${(error as Error).message}`,
        502,
      );
    }
    return { logId: String(created.EVENT_ID), returnMessage: success(message) };
  }

  private async ensureLinked(call: InsightlyCall, event: InsightlyEvent, contactInfo: ContactInfo): Promise<void> {
    const link = this.personLink(contactInfo);
    const linked = (event.LINKS ?? []).some(
      (l) => l.LINK_OBJECT_NAME.toLowerCase() === link.LINK_OBJECT_NAME.toLowerCase() && Number(l.LINK_OBJECT_ID) === link.LINK_OBJECT_ID,
    );
    if (!linked) await this.api.addEventLink(call, event.EVENT_ID, link);
  }

  private personLink(contactInfo: ContactInfo): { LINK_OBJECT_NAME: string; LINK_OBJECT_ID: number } {
    const id = numericId(contactInfo.id);
    if (!id) throw AppException.invalidRequest(`"${contactInfo.id}" is not an Insightly contact or lead id.`, ['contactId']);
    return { LINK_OBJECT_NAME: contactInfo.type === 'Lead' ? 'Lead' : 'Contact', LINK_OBJECT_ID: id };
  }

  private eventId(value: string): number {
    const id = numericId(value);
    if (!id) throw AppException.invalidRequest(`"${value}" is not an Insightly event id.`, ['logId']);
    return id;
  }

  /** The pod's API host from the login: the API URL field first, else the pasted page address. */
  private loginApiHost(hostname: string | undefined, additionalInfo: Record<string, unknown> | undefined): string | null {
    const apiUrl = additionalInfo?.apiUrl;
    if (apiUrl !== undefined) {
      const host = insightlyApiHost(typeof apiUrl === 'string' ? apiUrl : undefined);
      if (!host) throw AppException.invalidRequest('additionalInfo.apiUrl must be an Insightly API URL (https://api.<pod>.insightly.com/v3.1).', ['additionalInfo.apiUrl']);
      return host;
    }
    if (hostname !== undefined && hostname.trim() !== '') {
      const host = insightlyApiHost(hostname);
      if (!host) throw AppException.invalidRequest('hostname must be an Insightly address (*.insightly.com).', ['hostname']);
      return host;
    }
    return null;
  }

  private call(context: ConnectorCallContext): InsightlyCall {
    const info = context.user.platformAdditionalInfo;
    const stored = typeof info?.apiHost === 'string' ? info.apiHost : context.user.hostname;
    return { authHeader: context.authHeader, apiHost: insightlyApiHost(stored) };
  }
}

function basicAuth(apiKey: string): string {
  return `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
}


