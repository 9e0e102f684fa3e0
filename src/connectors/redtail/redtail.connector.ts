import { Injectable } from '@nestjs/common';
import { AppErrorCode, AppException } from '../../common/app.exception.js';
import { danger, success } from '../../common/return-message.js';
import { parsePhoneNumber } from '../../common/phone-number.js';
import { TtlCache } from '../../common/ttl-cache.js';
import { AppConfig } from '../../config/app-config.js';
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
import { REDTAIL_DISPLAY_NAME, REDTAIL_PLATFORM, RedtailApiClient } from './redtail-api.client.js';
import {
  activityDescription,
  callWindow,
  CATEGORY_FIELD,
  carriesKey,
  chosenCategory,
  contactName,
  DEFAULT_CATEGORY_SETTING,
  positiveInt,
  readActivityDescription,
  splitName,
  toContactInfo,
} from './redtail.mapping.js';
import type { RedtailActivity, RedtailActivityInput, RedtailCategory } from './redtail.types.js';

type Params<K extends keyof CrmConnector> = CrmConnector[K] extends ((params: infer P) => unknown) | undefined ? P : never;

/** Categories change rarely; an admin's edit shows up within this time. */
const LOOKUP_TTL_MS = 10 * 60_000;
/** The activity code App Connect's Redtail connector gives logged calls and messages. */
const ACTIVITY_CODE_ID = 3;
/** The phone type App Connect's Redtail connector gives a new contact's number. */
const NEW_CONTACT_PHONE_TYPE = 6;
/** A key lookup reads at most this many pages of the contact's activities. */
const LOOKUP_MAX_PAGES = 5;

const categoryField = {
  const: CATEGORY_FIELD,
  title: 'Category',
  type: 'selection' as const,
  contactDependent: true,
};

/**
 * Redtail CRM over its public API: contacts by phone, calls and message digests as
 * completed activities (HTML description) linked to the contact, with a category picked
 * in the form or from the user's default category setting, as App Connect's Redtail
 * connector logs them. Sign-in exchanges the user's Redtail name and password, with the
 * deployment's API key, for the user key Redtail issues; only that key is stored.
 */
@Connector()
@Injectable()
export class RedtailConnector implements CrmConnector {
  readonly name = REDTAIL_PLATFORM;
  readonly manifest: ConnectorManifest;

  private readonly categoriesCache = new TtlCache<RedtailCategory[]>(LOOKUP_TTL_MS);

  constructor(
    private readonly api: RedtailApiClient,
    private readonly config: AppConfig,
  ) {
    this.manifest = redtailManifest(config);
  }

  getAuthHeader(credentials: CrmCredentials): string {
    return this.userKeyAuth(credentials.accessToken ?? '');
  }

  async getUserInfo({ additionalInfo }: Params<'getUserInfo'>): Promise<UserInfoResult> {
    const username = additionalInfo?.username;
    const password = additionalInfo?.password;
    const missing = [
      ...(typeof username === 'string' && username.trim() ? [] : ['additionalInfo.username']),
      ...(typeof password === 'string' && password ? [] : ['additionalInfo.password']),
    ];
    if (missing.length > 0) throw AppException.invalidRequest('Redtail signs in with your Redtail user name and password.', missing);
    try {
      const user = await this.api.authenticate((username as string).trim(), password as string);
      const name = [user.first_name, user.last_name].filter((part) => part && part.trim()).join(' ') || (username as string).trim();
      return {
        successful: true,
        platformUserInfo: {
          id: user.database_id !== undefined ? `${user.database_id}-${user.id}` : String(user.id),
          name,
          // The password stays out: only the user name and Redtail's ids are kept.
          platformAdditionalInfo: {
            username: (username as string).trim(),
            userId: user.id,
            ...(user.database_id !== undefined ? { databaseId: user.database_id } : {}),
          },
        },
        credentials: { accessToken: user.user_key },
        returnMessage: success('Connected to Redtail.'),
      };
    } catch (error) {
      if (error instanceof AppException && error.code === AppErrorCode.CrmAuthorizationFailed) {
        return { successful: false, returnMessage: danger(`Redtail did not accept this user name and password: ${error.message}`) };
      }
      throw error;
    }
  }

  async findContact(params: Params<'findContact'>) {
    if (params.isExtension) return { successful: true, matchedContactInfo: [] };
    const digits = params.phoneNumberForms.nationalDigits ?? params.phoneNumber.replace(/\D/g, '');
    if (!digits) return { successful: true, matchedContactInfo: [] };
    const [contacts, categories] = await Promise.all([
      this.api.searchByPhone(params.authHeader, digits),
      this.categories(params),
    ]);
    return { successful: true, matchedContactInfo: contacts.map((contact) => toContactInfo(contact, params.phoneNumber, categories)) };
  }

  async createContact(params: Params<'createContact'>) {
    // Redtail keeps a number as its national digits and a country code.
    const parsed = parsePhoneNumber(params.phoneNumber, this.config.DEFAULT_PHONE_REGION);
    const phone = parsed
      ? { number: String(parsed.nationalNumber), country_code: Number(parsed.countryCallingCode) }
      : { number: params.phoneNumber.replace(/\D/g, '') };
    const name = splitName(params.newContactName);
    const [contact, categories] = await Promise.all([
      this.api.createContact(params.authHeader, {
        type: 'Crm::Contact::Individual',
        ...name,
        phones: [{ phone_type: NEW_CONTACT_PHONE_TYPE, ...phone, is_primary: true }],
      }),
      this.categories(params),
    ]);
    return {
      contactInfo: {
        ...toContactInfo({ ...name, ...contact }, params.phoneNumber, categories),
        name: contactName({ ...name, ...contact }) || params.newContactName,
        isNewContact: true,
      },
      returnMessage: success(`Contact ${params.newContactName} created in Redtail.`),
    };
  }

  async createCallLog(params: Params<'createCallLog'>) {
    return this.createActivity(
      params,
      {
        subject: params.subject,
        description: activityDescription(params.composedLogDetails, params.idempotencyKey),
        ...callWindow(params.callLog.startTime, params.callLog.duration),
      },
      'Call logged to Redtail.',
    );
  }

  async updateCallLog(params: Params<'updateCallLog'>) {
    const category = positiveInt(params.additionalSubmission?.[CATEGORY_FIELD]);
    await this.api.updateActivity(params.authHeader, this.activityId(params.existingCallLog.thirdPartyLogId), {
      subject: params.subject,
      description: params.composedLogDetails,
      ...callWindow(params.startTime ?? params.callLog.startTime, params.duration ?? params.callLog.duration),
      ...(category ? { category_id: category } : {}),
    });
    return { updatedNote: params.note ?? '', returnMessage: success('Call log updated in Redtail.') };
  }

  /** The category picked after logging (App Connect's disposition): one update of the activity. */
  async upsertCallDisposition(
    params: ConnectorCallContext & { existingCallLog: { thirdPartyLogId: string }; dispositions: Record<string, unknown> },
  ) {
    const category = positiveInt(params.dispositions[CATEGORY_FIELD]);
    if (!category) throw AppException.invalidRequest('The category must be a Redtail category id.', [`dispositions.${CATEGORY_FIELD}`]);
    await this.api.updateActivity(params.authHeader, this.activityId(params.existingCallLog.thirdPartyLogId), { category_id: category });
    return { logId: params.existingCallLog.thirdPartyLogId, returnMessage: success('Category updated in Redtail.') };
  }

  async getCallLog(params: Params<'getCallLog'>) {
    const activity = await this.api.getActivity(params.authHeader, params.callLogId);
    const linked = activity.linked_contacts?.[0];
    const name = linked ? [linked.first_name, linked.last_name].filter(Boolean).join(' ') : '';
    return {
      callLogInfo: {
        ...(activity.subject ? { subject: activity.subject } : {}),
        fullBody: readActivityDescription(activity.description),
        ...(name ? { contactName: name } : {}),
        ...(activity.category_id ? { dispositions: { [CATEGORY_FIELD]: String(activity.category_id) } } : {}),
        fullLogResponse: { ...activity },
      },
    };
  }

  async createMessageLog(params: Params<'createMessageLog'>) {
    const times = params.messages.map((m) => m.creationTime).filter((t): t is string => !!t).sort();
    const first = times[0] ?? params.message.creationTime ?? new Date().toISOString();
    return this.createActivity(
      params,
      {
        subject: params.sharedSMSLogContent?.subject ?? params.subject,
        description: activityDescription(params.sharedSMSLogContent?.body ?? params.composedLogDetails, params.idempotencyKey),
        start_date: new Date(first).toISOString(),
        end_date: new Date(times.at(-1) ?? first).toISOString(),
      },
      'Message logged to Redtail.',
    );
  }

  /** The whole digest body replaces the description; the activity now ends at the newest message. */
  async updateMessageLog(params: Params<'updateMessageLog'>) {
    const newest = params.messages.map((m) => m.creationTime).filter((t): t is string => !!t).sort().at(-1);
    await this.api.updateActivity(params.authHeader, this.activityId(params.existingMessageLog.thirdPartyLogId), {
      subject: params.sharedSMSLogContent?.subject ?? params.subject,
      description: params.sharedSMSLogContent?.body ?? params.composedLogDetails,
      ...(newest ? { end_date: new Date(newest).toISOString() } : {}),
    });
    return { returnMessage: success('Message log updated in Redtail.') };
  }

  /**
   * After a create whose outcome is unknown: the contact's activity carrying our key, if
   * Redtail made it. One left open (the completing update failed) is completed now.
   */
  async findLogByIdempotencyKey(params: Params<'findLogByIdempotencyKey'>): Promise<{ logId?: string }> {
    const contactId = this.contactId(params.contactInfo);
    for (let page = 1; page <= LOOKUP_MAX_PAGES; page++) {
      const { activities, meta } = await this.api.contactActivities(params.authHeader, contactId, page);
      const found = activities.find((activity) => carriesKey(activity.description, params.idempotencyKey));
      if (found) {
        if (found.completed !== true) await this.api.updateActivity(params.authHeader, found.id, { completed: true });
        return { logId: String(found.id) };
      }
      if (activities.length === 0 || (meta.total_pages ?? page) <= page) break;
    }
    return {};
  }

  /**
   * POST the activity, then mark it completed (a logged call or message is done). Once the
   * activity exists any failure is reported as possibly landed, so the write is reconciled
   * by its key (which completes it) rather than created a second time.
   */
  private async createActivity(
    params: ConnectorCallContext & { contactInfo: ContactInfo; additionalSubmission?: Record<string, unknown> },
    fields: Pick<RedtailActivityInput, 'subject' | 'description' | 'start_date' | 'end_date'>,
    message: string,
  ): Promise<CreateLogResult> {
    const category = chosenCategory(params.additionalSubmission, params.userSettings);
    const activity: RedtailActivityInput = {
      ...fields,
      activity_code_id: ACTIVITY_CODE_ID,
      ...(category ? { category_id: category } : {}),
      repeats: 'never',
      linked_contacts: [{ contact_id: this.contactId(params.contactInfo) }],
    };
    const created: RedtailActivity = await this.api.createActivity(params.authHeader, activity);
    try {
      await this.api.updateActivity(params.authHeader, created.id, { completed: true });
    } catch (error) {
      throw AppException.crmRequestFailed(
        REDTAIL_PLATFORM,
        `Redtail made the activity but did not mark it completed: ${(error as Error).message}`,
        502,
      );
    }
    return { logId: String(created.id), returnMessage: success(message) };
  }

  private categories(context: ConnectorCallContext): Promise<RedtailCategory[]> {
    // Categories belong to the Redtail database; users of one database share the list.
    const info = context.user.platformAdditionalInfo;
    const database = info?.databaseId !== undefined ? `db-${String(info.databaseId)}` : context.user.id;
    return this.categoriesCache.get(database, () => this.api.categories(context.authHeader));
  }

  private userKeyAuth(userKey: string): string {
    return `Userkeyauth ${Buffer.from(`${this.api.apiKey()}:${userKey}`).toString('base64')}`;
  }

  private contactId(contactInfo: ContactInfo): number {
    const id = positiveInt(contactInfo.id);
    if (!id) throw AppException.invalidRequest(`"${contactInfo.id}" is not a Redtail contact id.`, ['contactId']);
    return id;
  }

  private activityId(value: string): number {
    const id = positiveInt(value);
    if (!id) throw AppException.invalidRequest(`"${value}" is not a Redtail activity id.`, ['logId']);
    return id;
  }
}

/** What the extension shows; without the deployment's API key nobody can sign in, and the platform is not published. */
function redtailManifest(config: AppConfig): ConnectorManifest {
  return {
    displayName: REDTAIL_DISPLAY_NAME,
    ...(config.REDTAIL_API_KEY
      ? {}
      : { signInUnavailable: 'Redtail sign-in needs the Redtail API key of this deployment (REDTAIL_API_KEY), which is not set.' }),
    authType: 'apiKey',
    logFormat: 'text/html',
    contactTypes: ['Contact'],
    page: {
      callLog: { additionalFields: [categoryField] },
      messageLog: { additionalFields: [categoryField] },
    },
    // No apiKey field: the deployment's key is REDTAIL_API_KEY; the user signs in as in Redtail.
    apiKeyPage: {
      title: REDTAIL_DISPLAY_NAME,
      content: [
        { const: 'username', title: 'Redtail user name', type: 'string', required: true },
        { const: 'password', title: 'Redtail password', type: 'string', required: true, description: 'Exchanged once for a Redtail user key; never stored.' },
      ],
    },
    embedUrls: ['https://*.redtailtechnology.com/*'],
    settings: [
      {
        id: 'redtailOptions',
        type: 'section',
        name: 'Redtail options',
        items: [
          {
            id: DEFAULT_CATEGORY_SETTING,
            type: 'inputField',
            name: 'Default activity category',
            description: 'Id of the Redtail category given to logged calls and messages when the form names none (Redtail: Manage Lists > Categories).',
            placeholder: 'e.g. 2',
          },
        ],
      },
    ],
  };
}
