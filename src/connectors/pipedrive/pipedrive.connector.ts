import { Injectable } from '@nestjs/common';
import { AppErrorCode, AppException } from '../../common/app.exception.js';
import { danger, success, warning } from '../../common/return-message.js';
import { AppConfig } from '../../config/app-config.js';
import { Connector } from '../connector.decorator.js';
import type {
  ConnectorCallContext,
  ConnectorUser,
  ConnectorManifest,
  ContactInfo,
  CrmConnector,
  CreateLogResult,
  CrmCredentials,
  OAuthTokens,
  UserInfoResult,
} from '../crm-connector.interface.js';
import type { CrmResponse } from '../http/crm-http.client.js';
import { TtlCache } from '../../common/ttl-cache.js';
import {
  API_TOKEN_PREFIX,
  BEARER_PREFIX,
  PIPEDRIVE_DISPLAY_NAME,
  PIPEDRIVE_PLATFORM,
  PipedriveApiClient,
  type PipedriveCall,
} from './pipedrive-api.client.js';
import {
  callActivityTypeKey,
  DEALS_FIELD,
  dealOrLead,
  LEADS_FIELD,
  numericId,
  phoneSearchTerms,
  smsActivityTypeKey,
  toContactInfo,
  toDuration,
  toUtcDue,
} from './pipedrive.mapping.js';
import type {
  PipedriveActivityInput,
  PipedriveActivityType,
  PipedrivePersonSearchItem,
  PipedriveTokenResponse,
} from './pipedrive.types.js';

type Params<K extends keyof CrmConnector> = CrmConnector[K] extends ((params: infer P) => unknown) | undefined ? P : never;

/** Activity types change rarely; an admin's edit shows up within this time. */
const LOOKUP_TTL_MS = 10 * 60_000;
/** An idempotency-key search reads at most this many pages of a person's activities. */
const MAX_RECONCILE_PAGES = 10;
/** Clock skew allowed between us and Pipedrive when searching by update time. */
const RECONCILE_SLACK_MS = 5 * 60_000;
/** Deals and leads are fetched for at most this many matched persons. */
const MAX_MATCHED_PERSONS = 10;

/** The extension's own redirect page, which a Pipedrive app registers unless told otherwise. */
const DEFAULT_CLIENT_REDIRECT_URI = 'https://ringcentral.github.io/ringcentral-embeddable/redirect.html';

const associationFields = [
  { const: DEALS_FIELD, title: 'Deal', type: 'selection' as const, contactDependent: true },
  { const: LEADS_FIELD, title: 'Lead', type: 'selection' as const, contactDependent: true },
];

/**
 * Pipedrive over its REST API: persons, activities (calls and message digests as
 * activities with an HTML note), deals and leads. Signs in with OAuth 2 or a
 * personal API token. Stateless: every user-specific value arrives with the call;
 * the only state is a short-lived cache of each account's activity types.
 */
@Connector()
@Injectable()
export class PipedriveConnector implements CrmConnector {
  readonly name = PIPEDRIVE_PLATFORM;
  readonly manifest: ConnectorManifest;

  private readonly activityTypesCache = new TtlCache<PipedriveActivityType[]>(LOOKUP_TTL_MS);

  /** The company's activity types, e.g. for a connector setting that picks the type of logged calls. */
  readonly accountData = {
    activityTypes: {
      ttlSeconds: LOOKUP_TTL_MS / 1000,
      load: async (context: ConnectorCallContext) =>
        (await this.api.activityTypes(this.call(context))).map((type) => ({
          id: type.id,
          name: type.name,
          key: type.key_string,
          active: type.active_flag,
        })),
    },
  };
  /** person -> its organisation, so logging against a known person is one request, not two. */
  private readonly personOrgCache = new TtlCache<number | null>(LOOKUP_TTL_MS);

  constructor(
    private readonly api: PipedriveApiClient,
    config: AppConfig,
  ) {
    this.manifest = {
      displayName: PIPEDRIVE_DISPLAY_NAME,
      authType: 'oauth',
      additionalAuthTypes: ['apiKey'],
      logFormat: 'text/html',
      contactTypes: ['Contact'],
      page: {
        callLog: { additionalFields: associationFields },
        messageLog: { additionalFields: associationFields },
      },
      ...(config.PIPEDRIVE_CLIENT_ID
        ? {
            oauth: {
              authUrl: `${config.PIPEDRIVE_OAUTH_BASE_URL.replace(/\/+$/, '')}/oauth/authorize`,
              clientId: config.PIPEDRIVE_CLIENT_ID,
              redirectUri: config.PIPEDRIVE_REDIRECT_URI ?? DEFAULT_CLIENT_REDIRECT_URI,
            },
          }
        : {}),
      apiKeyPage: {
        title: PIPEDRIVE_DISPLAY_NAME,
        content: [
          {
            const: 'apiKey',
            title: 'Personal API token',
            type: 'string',
            required: true,
            description: 'Pipedrive: Settings > Personal preferences > API.',
          },
        ],
      },
      // The company host ({hostname} below, and where API calls go) comes from the address the user pastes.
      environment: {
        type: 'dynamic',
        urlIdentifier: '*.pipedrive.com',
        instructions: ['Sign in to Pipedrive.', 'Copy the address of any Pipedrive page and paste it here.'],
      },
      embedUrls: ['https://*.pipedrive.com/*'],
      contactPageUrl: 'https://{hostname}/person/{contactId}',
    };
  }

  getAuthHeader(credentials: CrmCredentials): string {
    return credentials.accessToken
      ? `${BEARER_PREFIX}${credentials.accessToken}`
      : `${API_TOKEN_PREFIX}${credentials.apiKey ?? ''}`;
  }

  async getUserInfo({ apiKey, authHeader, hostname }: Params<'getUserInfo'>): Promise<UserInfoResult> {
    const header = authHeader ?? (apiKey ? `${API_TOKEN_PREFIX}${apiKey}` : undefined);
    if (!header) return { successful: false, returnMessage: danger('A Pipedrive API token is required.') };
    try {
      const me = await this.api.me({ authHeader: header, hostname });
      return {
        successful: true,
        platformUserInfo: {
          id: String(me.id),
          name: me.name,
          ...(me.timezone_name ? { timezoneName: me.timezone_name } : {}),
          ...(me.timezone_offset ? { timezoneOffset: me.timezone_offset } : {}),
          platformAdditionalInfo: {
            ...(me.company_id ? { companyId: me.company_id } : {}),
            ...(me.company_domain ? { companyDomain: me.company_domain } : {}),
          },
        },
        returnMessage: success('Connected to Pipedrive.'),
      };
    } catch (error) {
      if (error instanceof AppException && error.code === AppErrorCode.CrmAuthorizationFailed) {
        return { successful: false, returnMessage: danger(`Pipedrive did not accept these credentials: ${error.message}`) };
      }
      throw error;
    }
  }

  async exchangeAuthorizationCode({ code, redirectUri }: Params<'exchangeAuthorizationCode'>): Promise<OAuthTokens> {
    return toOAuthTokens(await this.api.exchangeAuthorizationCode(code, redirectUri));
  }

  async refreshAccessToken({ refreshToken }: Params<'refreshAccessToken'>): Promise<OAuthTokens> {
    try {
      return toOAuthTokens(await this.api.refreshAccessToken(refreshToken));
    } catch (error) {
      // A refused refresh token will not work later either: the user must sign in again.
      if (error instanceof AppException && (error.details.status === 400 || error.details.status === 401)) {
        throw AppException.crmAuthorizationFailed(
          PIPEDRIVE_PLATFORM,
          `Pipedrive refused to renew the session (${error.message}). Please log in again.`,
        );
      }
      throw error;
    }
  }

  /** One users/me call: cheap, and refused exactly when the stored token no longer works. */
  async authValidation(params: Params<'authValidation'>) {
    try {
      await this.api.me(this.call(params));
      return { successful: true, status: 200, returnMessage: success('Pipedrive authorization is valid.', 1000) };
    } catch (error) {
      if (error instanceof AppException && error.code === AppErrorCode.CrmAuthorizationFailed) {
        return {
          successful: false,
          status: 401,
          returnMessage: warning(`Pipedrive no longer accepts this connection (${error.message}). Please connect again.`),
        };
      }
      throw error;
    }
  }

  async findContact(params: Params<'findContact'>) {
    const call = this.call(params);
    const results = await Promise.all(
      phoneSearchTerms(params.phoneNumberForms).map((term) => this.api.searchPersonsByPhone(call, term)),
    );
    return { successful: true, matchedContactInfo: await this.toMatches(params, call, results.flat(), params.phoneNumber) };
  }

  async findContactWithName(params: Params<'findContactWithName'>) {
    const term = params.name.trim();
    if (term.length < 2) {
      return { successful: false, matchedContactInfo: [], returnMessage: warning('Type at least 2 characters to search Pipedrive by name.') };
    }
    const call = this.call(params);
    const persons = await this.api.searchPersonsByName(call, term);
    return { successful: true, matchedContactInfo: await this.toMatches(params, call, persons, '') };
  }

  /** Distinct persons, at most MAX_MATCHED_PERSONS, each with its open deals and leads to choose from. */
  private async toMatches(
    params: ConnectorCallContext,
    call: PipedriveCall,
    found: PipedrivePersonSearchItem[],
    phoneNumber: string,
  ): Promise<ContactInfo[]> {
    const persons = [...new Map(found.map((person) => [person.id, person])).values()].slice(0, MAX_MATCHED_PERSONS);
    // The extension logs against a contact it has just looked up: remember each person's
    // organisation so that log's create needs no extra read.
    for (const person of persons) {
      this.personOrgCache.set(`${companyKey(params)}:${person.id}`, person.organization?.id ?? null);
    }
    return Promise.all(
      persons.map(async (person) => {
        const [deals, leads] = await Promise.all([
          this.api.openDealsOfPerson(call, person.id),
          this.api.leadsOfPerson(call, person.id),
        ]);
        return toContactInfo(person, deals, leads, phoneNumber);
      }),
    );
  }

  async createContact(params: Params<'createContact'>) {
    const person = await this.api.createPerson(this.call(params), {
      name: params.newContactName,
      phone: params.phoneNumber,
      ownerId: numericId(params.user.crmUserId),
    });
    return {
      contactInfo: {
        id: String(person.id),
        name: person.name,
        type: 'Contact',
        phone: params.phoneNumber,
        phoneNumber: params.phoneNumber,
        isNewContact: true,
        additionalInfo: { [DEALS_FIELD]: [], [LEADS_FIELD]: [] },
      },
      returnMessage: success(`Contact ${person.name} created in Pipedrive.`),
    };
  }

  async createCallLog(params: Params<'createCallLog'>) {
    const duration = toDuration(params.callLog.duration);
    return this.createLinkedActivity(
      params,
      callActivityTypeKey,
      {
        subject: params.subject,
        note: params.composedLogDetails,
        public_description: idempotencyReference(params.idempotencyKey),
        ...toUtcDue(params.callLog.startTime),
        ...(duration ? { duration } : {}),
      },
      'Call logged to Pipedrive.',
    );
  }

  async updateCallLog(params: Params<'updateCallLog'>) {
    const duration = toDuration(params.duration ?? params.callLog.duration);
    const patch: PipedriveActivityInput = {
      subject: params.subject,
      note: params.composedLogDetails,
      ...(duration ? { duration } : {}),
      ...(params.startTime ? toUtcDue(params.startTime) : {}),
      ...(params.additionalSubmission ? dealOrLead(params.additionalSubmission) : {}),
    };
    await this.api.updateActivity(this.call(params), params.existingCallLog.thirdPartyLogId, patch);
    return { updatedNote: params.note ?? '', returnMessage: success('Call log updated in Pipedrive.') };
  }

  async getCallLog(params: Params<'getCallLog'>) {
    const call = this.call(params);
    const activity = await this.api.getActivity(call, params.callLogId);
    const personId = activity.person_id ?? activity.participants?.find((p) => p.primary)?.person_id;
    // The contact's name is a nicety: a deleted person must not hide the log itself.
    const contactName = personId
      ? await this.api.getPerson(call, personId).then(
          (person) => person.name,
          () => undefined,
        )
      : undefined;
    return {
      callLogInfo: {
        subject: activity.subject,
        fullBody: activity.note ?? '',
        ...(contactName ? { contactName } : {}),
        fullLogResponse: { ...activity },
      },
    };
  }

  async createMessageLog(params: Params<'createMessageLog'>) {
    const first = params.messages[0] ?? params.message;
    return this.createLinkedActivity(
      params,
      smsActivityTypeKey,
      {
        subject: params.sharedSMSLogContent?.subject ?? params.subject,
        note: params.sharedSMSLogContent?.body ?? params.composedLogDetails,
        public_description: idempotencyReference(params.idempotencyKey),
        ...toUtcDue(first?.creationTime),
      },
      'Message logged to Pipedrive.',
    );
  }

  /**
   * Pipedrive cannot search activities by a field, so this reads the person's activities
   * changed since the first attempt (newest pages are few: one call or one digest ago).
   */
  async findLogByIdempotencyKey(params: Params<'findLogByIdempotencyKey'>) {
    const personId = numericId(params.contactInfo.id);
    if (!personId) return {};
    const call = this.call(params);
    const reference = idempotencyReference(params.idempotencyKey);
    const since = new Date(Date.parse(params.since) - RECONCILE_SLACK_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    let cursor: string | undefined;
    for (let page = 0; page < MAX_RECONCILE_PAGES; page++) {
      const { activities, nextCursor } = await this.api.activitiesOfPerson(call, personId, since, cursor);
      const found = activities.find((activity) => activity.public_description === reference);
      if (found) return { logId: String(found.id) };
      if (!nextCursor) return {};
      cursor = nextCursor;
    }
    throw AppException.crmRequestFailed(
      PIPEDRIVE_PLATFORM,
      `Too many recent activities of person ${personId} to find the log of an interrupted write.`,
    );
  }

  /** The core sends the complete digest body, so this is one PATCH and no read. */
  async updateMessageLog(params: Params<'updateMessageLog'>) {
    const response = await this.api.updateActivity(this.call(params), params.existingMessageLog.thirdPartyLogId, {
      subject: params.sharedSMSLogContent?.subject ?? params.subject,
      note: params.sharedSMSLogContent?.body ?? params.composedLogDetails,
    });
    return { returnMessage: success('Message log updated in Pipedrive.'), extraDataTracking: rateLimitTracking(response) };
  }

  /** A done activity of the chosen type, owned by the user, linked to the person and its organisation, deal or lead. */
  private async createLinkedActivity(
    params: ConnectorCallContext & { contactInfo: ContactInfo; additionalSubmission?: Record<string, unknown> },
    typeKey: (types: PipedriveActivityType[]) => string,
    fields: PipedriveActivityInput,
    message: string,
  ): Promise<CreateLogResult> {
    const call = this.call(params);
    const [types, links] = await Promise.all([
      this.activityTypes(params, call),
      this.personLinks(params, call, params.contactInfo, params.additionalSubmission),
    ]);
    const response = await this.api.createActivity(call, {
      ...fields,
      type: typeKey(types),
      owner_id: numericId(params.user.crmUserId),
      done: true,
      ...links,
    });
    return {
      logId: String(response.data.data.id),
      returnMessage: success(message),
      extraDataTracking: rateLimitTracking(response),
    };
  }

  private call(context: ConnectorCallContext): PipedriveCall {
    const companyDomain = context.user.platformAdditionalInfo?.companyDomain;
    return {
      authHeader: context.authHeader,
      ...(context.refreshAuthHeader ? { refreshAuthHeader: context.refreshAuthHeader } : {}),
      hostname:
        context.user.hostname ?? (typeof companyDomain === 'string' ? `${companyDomain}.pipedrive.com` : null),
    };
  }

  /** Links the logged activity with the deal or lead chosen after logging. */
  async upsertCallDisposition(params: Params<'upsertCallDisposition'>) {
    const link = dealOrLead(params.dispositions);
    if (!link.deal_id && !link.lead_id) {
      return { logId: params.existingCallLog.thirdPartyLogId, returnMessage: warning('Choose a deal or a lead to link the call to.') };
    }
    // A deal and a lead exclude each other on a Pipedrive activity: setting one clears the other.
    await this.api.updateActivity(this.call(params), params.existingCallLog.thirdPartyLogId, {
      deal_id: link.deal_id ?? null,
      lead_id: link.lead_id ?? null,
    });
    return { logId: params.existingCallLog.thirdPartyLogId, returnMessage: success('Call linked in Pipedrive.') };
  }

  accountKey(user: ConnectorUser): string {
    return companyKeyOf(user);
  }

  private activityTypes(context: ConnectorCallContext, call: PipedriveCall): Promise<PipedriveActivityType[]> {
    // Activity types belong to the company; users of one company share the entry.
    return this.activityTypesCache.get(companyKey(context), () => this.api.activityTypes(call));
  }

  /** Person as participant, plus the organisation (the person's) and the chosen deal or lead. */
  private async personLinks(
    context: ConnectorCallContext,
    call: PipedriveCall,
    contactInfo: ContactInfo,
    additionalSubmission: Record<string, unknown> | undefined,
  ): Promise<PipedriveActivityInput> {
    const personId = numericId(contactInfo.id);
    if (!personId) {
      throw AppException.invalidRequest(`"${contactInfo.id}" is not a Pipedrive person id.`, ['contactId']);
    }
    const orgId = await this.personOrgCache.get(`${companyKey(context)}:${personId}`, async () => {
      const person = await this.api.getPerson(call, personId);
      return person.org_id ?? null;
    });
    return {
      participants: [{ person_id: personId, primary: true }],
      ...(orgId ? { org_id: orgId } : {}),
      ...dealOrLead(additionalSubmission),
    };
  }
}

/** What the activity carries so an interrupted create can be found again. */
function idempotencyReference(key: string): string {
  return `App Connect write ${key}`;
}

/** Cache key of what a Pipedrive company shares (activity types, persons). */
function companyKey(context: ConnectorCallContext): string {
  return companyKeyOf(context.user);
}

function companyKeyOf(user: ConnectorUser): string {
  const companyId = user.platformAdditionalInfo?.companyId;
  return companyId !== undefined ? `company:${String(companyId)}` : `user:${user.id}`;
}

function toOAuthTokens(token: PipedriveTokenResponse): OAuthTokens {
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
