import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppException } from '../../common/app.exception.js';
import { toE164 } from '../../common/phone-number.js';
import { danger, success } from '../../common/return-message.js';
import { isValidTimezone } from '../../common/timezone.js';
import { AppConfig } from '../../config/app-config.js';
import { Connector } from '../connector.decorator.js';
import type {
  ConnectorCallContext,
  ConnectorManifest,
  ContactInfo,
  CrmConnector,
  CrmCredentials,
  UserInfoResult,
} from '../crm-connector.interface.js';
import { LocalCrmContactEntity } from './local-crm.entities.js';
import { LocalCrmStore } from './local-crm.store.js';

const PLATFORM = 'local';
const AUTH_PREFIX = 'LocalKey ';

type Params<K extends keyof CrmConnector> = NonNullable<CrmConnector[K]> extends (params: infer P) => unknown ? P : never;

/**
 * The built-in CRM: contacts and activities in our own database, so a fresh clone
 * works with nothing else running. It behaves like a remote CRM would: it checks
 * the credentials on every call and answers with the CRM's own ids.
 */
@Connector()
@Injectable()
export class LocalCrmConnector implements CrmConnector {
  readonly name = PLATFORM;
  readonly manifest: ConnectorManifest;

  constructor(
    private readonly store: LocalCrmStore,
    private readonly config: AppConfig,
  ) {
    this.manifest = {
      displayName: 'Local CRM',
      authType: 'apiKey',
      logFormat: config.LOCAL_CRM_LOG_FORMAT,
      contactTypes: ['Contact', 'Lead'],
      page: {
        callLog: {
          additionalFields: [{ const: 'followUp', title: 'Follow up', type: 'checkbox', defaultValue: false }],
        },
        messageLog: {
          additionalFields: [{ const: 'topic', title: 'Topic', type: 'inputField' }],
        },
        // createContact stores these two from additionalSubmission.
        newContact: {
          additionalFields: [
            { const: 'company', title: 'Company', type: 'inputField' },
            { const: 'email', title: 'Email', type: 'inputField' },
          ],
        },
      },
      apiKeyPage: {
        title: 'Local CRM',
        warning: 'Use a key the server operator configured in LOCAL_CRM_API_KEYS.',
        content: [
          { const: 'apiKey', title: 'API key', type: 'string', required: true },
          // getUserInfo reads it from additionalInfo.timezone.
          {
            const: 'timezone',
            title: 'Time zone',
            type: 'string',
            required: false,
            description: 'IANA name such as Asia/Tokyo, or an offset such as +09:00. Default UTC.',
          },
        ],
      },
    };
  }

  /** The record types of the local CRM's contacts, e.g. for a form that picks one. */
  readonly accountData = {
    contactTypes: { ttlSeconds: 24 * 60 * 60, load: async () => this.manifest.contactTypes ?? [] },
  };

  getAuthHeader(credentials: CrmCredentials): string {
    return `${AUTH_PREFIX}${credentials.apiKey ?? ''}`;
  }

  async getUserInfo({ apiKey, additionalInfo }: Params<'getUserInfo'>): Promise<UserInfoResult> {
    const name = apiKey ? this.config.localCrmApiKeys.get(apiKey) : undefined;
    if (!apiKey || name === undefined) {
      return { successful: false, returnMessage: danger('The local CRM does not know this API key.') };
    }
    const timezone = typeof additionalInfo?.timezone === 'string' ? additionalInfo.timezone : 'UTC';
    if (!isValidTimezone(timezone)) {
      return {
        successful: false,
        returnMessage: danger(`additionalInfo.timezone "${timezone}" is not an IANA zone or ±HH:MM offset.`),
      };
    }
    return {
      successful: true,
      platformUserInfo: { id: this.userIdForKey(apiKey), name, timezoneName: timezone, timezoneOffset: timezone },
      returnMessage: success('Connected to the local CRM.'),
    };
  }

  async findContact({ authHeader, phoneNumberForms }: Params<'findContact'>) {
    this.authenticate(authHeader);
    const candidates = [phoneNumberForms.e164, ...phoneNumberForms.overriding]
      .map((form) => (form ? toE164(form, this.config.DEFAULT_PHONE_REGION) : null))
      .filter((form): form is string => form !== null);
    const contacts = await this.store.findContactsByE164([...new Set(candidates)]);
    return { successful: true, matchedContactInfo: contacts.map(toContactInfo) };
  }

  async findContactWithName({ authHeader, name }: Params<'findContactWithName'>) {
    this.authenticate(authHeader);
    const contacts = await this.store.findContactsByName(name);
    return { successful: true, matchedContactInfo: contacts.map(toContactInfo) };
  }

  async createContact({ authHeader, phoneNumber, newContactName, newContactType, additionalSubmission }: Params<'createContact'>) {
    this.authenticate(authHeader);
    const contact = await this.store.createContact({
      name: newContactName,
      phoneNumber,
      phoneE164: toE164(phoneNumber, this.config.DEFAULT_PHONE_REGION),
      type: newContactType ?? 'Contact',
      company: typeof additionalSubmission?.company === 'string' ? additionalSubmission.company : null,
      email: typeof additionalSubmission?.email === 'string' ? additionalSubmission.email : null,
    });
    return { contactInfo: toContactInfo(contact), returnMessage: success(`Contact ${contact.name} created.`) };
  }

  async createCallLog(params: Params<'createCallLog'>) {
    const ownerId = this.authenticate(params.authHeader);
    const activity = await this.store.createActivity({
      kind: 'call',
      ownerId,
      contactId: String(params.contactInfo.id),
      subject: params.subject,
      body: params.composedLogDetails,
      idempotencyKey: params.idempotencyKey,
      details: {
        sessionId: params.callLog.sessionId,
        direction: params.callLog.direction,
        duration: params.callLog.duration,
        note: params.note ?? null,
        additionalSubmission: params.additionalSubmission ?? null,
      },
    });
    return { logId: String(activity.id), returnMessage: success('Call logged.') };
  }

  async updateCallLog(params: Params<'updateCallLog'>) {
    const ownerId = this.authenticate(params.authHeader);
    const activity = await this.requireActivity(ownerId, params.existingCallLog.thirdPartyLogId);
    await this.store.updateActivity(ownerId, String(activity.id), {
      subject: params.subject,
      body: params.composedLogDetails,
      details: {
        ...activity.details,
        duration: params.duration ?? activity.details?.duration,
        note: params.note ?? activity.details?.note ?? null,
        additionalSubmission: params.additionalSubmission ?? activity.details?.additionalSubmission ?? null,
      },
    });
    return { updatedNote: params.note ?? String(activity.details?.note ?? ''), returnMessage: success('Call log updated.') };
  }

  /** Keeps the dispositions on the activity, replacing earlier values of the same fields. */
  async upsertCallDisposition(params: Params<'upsertCallDisposition'>) {
    const ownerId = this.authenticate(params.authHeader);
    const activity = await this.requireActivity(ownerId, params.existingCallLog.thirdPartyLogId);
    const earlier = (activity.details?.dispositions ?? {}) as Record<string, unknown>;
    await this.store.updateActivity(ownerId, String(activity.id), {
      details: { ...activity.details, dispositions: { ...earlier, ...params.dispositions } },
    });
    return { logId: String(activity.id), returnMessage: success('Disposition saved.') };
  }

  async getCallLog({ authHeader, callLogId }: Params<'getCallLog'>) {
    const ownerId = this.authenticate(authHeader);
    const activity = await this.requireActivity(ownerId, callLogId);
    const contact = activity.contactId ? await this.store.findContactById(activity.contactId) : null;
    return {
      callLogInfo: {
        subject: activity.subject,
        note: typeof activity.details?.note === 'string' ? activity.details.note : '',
        fullBody: activity.body,
        contactName: contact?.name,
        fullLogResponse: { ...activity },
      },
    };
  }

  async createMessageLog(params: Params<'createMessageLog'>) {
    const ownerId = this.authenticate(params.authHeader);
    const activity = await this.store.createActivity({
      kind: 'message',
      ownerId,
      contactId: String(params.contactInfo.id),
      subject: params.sharedSMSLogContent?.subject ?? params.subject,
      body: params.sharedSMSLogContent?.body ?? params.composedLogDetails,
      idempotencyKey: params.idempotencyKey,
      details: { additionalSubmission: params.additionalSubmission ?? null },
    });
    return { logId: String(activity.id), returnMessage: success('Message logged.') };
  }

  async findLogByIdempotencyKey({ authHeader, idempotencyKey }: Params<'findLogByIdempotencyKey'>) {
    const activity = await this.store.findActivityByIdempotencyKey(this.authenticate(authHeader), idempotencyKey);
    return activity ? { logId: String(activity.id) } : {};
  }

  async updateMessageLog(params: Params<'updateMessageLog'>) {
    const ownerId = this.authenticate(params.authHeader);
    const updated = await this.store.updateActivity(ownerId, params.existingMessageLog.thirdPartyLogId, {
      subject: params.sharedSMSLogContent?.subject ?? params.subject,
      body: params.sharedSMSLogContent?.body ?? params.composedLogDetails,
    });
    if (!updated) {
      throw AppException.crmRequestFailed(PLATFORM, `Activity ${params.existingMessageLog.thirdPartyLogId} not found`, 404);
    }
    return { returnMessage: success('Message log updated.') };
  }

  async unAuthorize(_params: ConnectorCallContext): Promise<void> {
    // Nothing is held CRM-side for an API key; the core forgets the stored key.
  }

  private userIdForKey(apiKey: string): string {
    return createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
  }

  /** Like a real CRM: the key must still be valid on every call. Returns the owner id. */
  private authenticate(authHeader: string): string {
    const apiKey = authHeader.startsWith(AUTH_PREFIX) ? authHeader.slice(AUTH_PREFIX.length) : '';
    if (!this.config.localCrmApiKeys.has(apiKey)) {
      throw AppException.crmAuthorizationFailed(PLATFORM, 'The local CRM no longer accepts this API key. Please log in again.');
    }
    return this.userIdForKey(apiKey);
  }

  private async requireActivity(ownerId: string, id: string) {
    const activity = await this.store.findActivity(ownerId, id);
    if (!activity) throw AppException.crmRequestFailed(PLATFORM, `Activity ${id} not found`, 404);
    return activity;
  }
}

function toContactInfo(contact: LocalCrmContactEntity): ContactInfo {
  return {
    id: String(contact.id),
    name: contact.name,
    type: contact.type,
    phone: contact.phoneNumber,
    phoneNumber: contact.phoneNumber,
    ...(contact.company ? { company: contact.company } : {}),
    ...(contact.email ? { email: contact.email } : {}),
    createdDate: contact.createdAt.toISOString(),
  };
}
