import { Injectable, Logger } from '@nestjs/common';
import { AppErrorCode, AppException } from '../../common/app.exception.js';
import { danger, success } from '../../common/return-message.js';
import { AppConfig } from '../../config/app-config.js';
import { Connector } from '../connector.decorator.js';
import type {
  ConnectorCallContext,
  ConnectorManifest,
  ContactInfo,
  CreateLogResult,
  CrmConnector,
  CrmCredentials,
  OAuthTokens,
  UserInfoResult,
} from '../crm-connector.interface.js';
import type { CrmResponse } from '../http/crm-http.client.js';
import {
  BEARER_PREFIX,
  NETSUITE_AUTHORIZE_PATH,
  NETSUITE_DEFAULT_AUTHORIZE_ORIGIN,
  NETSUITE_DISPLAY_NAME,
  NETSUITE_PLATFORM,
  NetSuiteApiClient,
  netSuiteAccountHost,
  type NetSuiteCall,
} from './netsuite-api.client.js';
import {
  callTimes,
  chosenTransaction,
  CONTACT_TYPES,
  externalIdFor,
  internalId,
  MAX_MATCHED_CONTACTS,
  messageDate,
  newEntityInput,
  OPPORTUNITY_FIELD,
  phoneCallByExternalIdQuery,
  phoneLookupQuery,
  phoneMatches,
  phoneSearchDigits,
  RECORD_OF_TYPE,
  SALES_ORDER_FIELD,
  toContactInfo,
  transactionEntityOf,
  transactionsQuery,
  type NetSuiteContactType,
} from './netsuite.mapping.js';
import type {
  NetSuiteContact,
  NetSuiteEmployee,
  NetSuiteEntityRow,
  NetSuitePhoneCall,
  NetSuitePhoneCallInput,
  NetSuiteSubsidiary,
  NetSuiteTokenResponse,
  NetSuiteTransactionRow,
} from './netsuite.types.js';

type Params<K extends keyof CrmConnector> = CrmConnector[K] extends ((params: infer P) => unknown) | undefined ? P : never;

/** Rows read per phone lookup of one record type; a number shared by more people than this is rare. */
const LOOKUP_LIMIT = 100;
const TRANSACTION_LIMIT = 1000;

const transactionFields = [
  { const: SALES_ORDER_FIELD, title: 'Sales order', type: 'selection' as const, contactDependent: true },
  { const: OPPORTUNITY_FIELD, title: 'Opportunity', type: 'selection' as const, contactDependent: true },
];

/**
 * Oracle NetSuite over its REST record service and SuiteQL: contacts and customers by phone,
 * calls and message digests as phone call records (plain text) linked to the person, their
 * company and the chosen sales order or opportunity, with our idempotency key as the record's
 * external id. OAuth 2 per NetSuite account: the account id decides every host. Stateless.
 */
@Connector()
@Injectable()
export class NetSuiteConnector implements CrmConnector {
  readonly name = NETSUITE_PLATFORM;
  readonly manifest: ConnectorManifest;

  private readonly logger = new Logger(NetSuiteConnector.name);

  constructor(
    private readonly api: NetSuiteApiClient,
    config: AppConfig,
  ) {
    this.manifest = {
      displayName: NETSUITE_DISPLAY_NAME,
      authType: 'oauth',
      logFormat: 'text/plain',
      contactTypes: [...CONTACT_TYPES],
      page: {
        callLog: { additionalFields: transactionFields },
        messageLog: { additionalFields: transactionFields },
      },
      // The account host ({hostname} below, and the account whose hosts every call goes to).
      environment: {
        type: 'dynamic',
        urlIdentifier: '*.app.netsuite.com',
        instructions: ['Sign in to NetSuite.', 'Copy the address of any NetSuite page (https://<account id>.app.netsuite.com/...) and paste it here.'],
      },
      embedUrls: ['https://*.app.netsuite.com/*'],
      // entity.nl opens any entity (contact or customer) by its internal id.
      contactPageUrl: 'https://{hostname}/app/common/entity/entity.nl?id={contactId}',
      logPageUrl: 'https://{hostname}/app/crm/calendar/call.nl?id={logId}',
      // Published only with a configured app: without a client id nobody can sign in.
      ...(config.NETSUITE_CLIENT_ID
        ? {
            oauth: {
              authUrl: `${(config.NETSUITE_OAUTH_BASE_URL ?? NETSUITE_DEFAULT_AUTHORIZE_ORIGIN).replace(/\/+$/, '')}${NETSUITE_AUTHORIZE_PATH}`,
              clientId: config.NETSUITE_CLIENT_ID,
              ...(config.NETSUITE_REDIRECT_URI ? { redirectUri: config.NETSUITE_REDIRECT_URI } : {}),
              scope: 'scope=rest_webservices',
            },
          }
        : {}),
    };
  }

  getAuthHeader(credentials: CrmCredentials): string {
    return `${BEARER_PREFIX}${credentials.accessToken ?? ''}`;
  }

  async exchangeAuthorizationCode({ code, hostname, redirectUri }: Params<'exchangeAuthorizationCode'>): Promise<OAuthTokens> {
    const account = requiredAccount(hostname);
    try {
      return toOAuthTokens(await this.api.exchangeAuthorizationCode(account, code, redirectUri));
    } catch (error) {
      // A refused code (used, expired, another app's) is a refused sign-in, not a server fault.
      if (error instanceof AppException && (error.details.status === 400 || error.details.status === 401)) {
        throw new AppException(AppErrorCode.CrmLoginRejected, `NetSuite refused the sign-in: ${error.message}`, {
          platform: NETSUITE_PLATFORM,
        });
      }
      throw error;
    }
  }

  async refreshAccessToken({ refreshToken, hostname }: Params<'refreshAccessToken'>): Promise<OAuthTokens> {
    const account = netSuiteAccountHost(hostname);
    if (!account) {
      throw AppException.crmAuthorizationFailed(NETSUITE_PLATFORM, 'The stored NetSuite account is not valid. Please log in again.');
    }
    try {
      return toOAuthTokens(await this.api.refreshAccessToken(account, refreshToken));
    } catch (error) {
      // A refused refresh token (expired after its 7 days, or revoked) will not work later either.
      if (error instanceof AppException && (error.details.status === 400 || error.details.status === 401)) {
        throw AppException.crmAuthorizationFailed(
          NETSUITE_PLATFORM,
          `NetSuite refused to renew the session (${error.message}). Please log in again.`,
        );
      }
      throw error;
    }
  }

  /**
   * The user NetSuite names on the redirect (`entity`, in the account `company`), read as
   * an employee record; the time zone is the one of the employee's subsidiary.
   */
  async getUserInfo({ authHeader, hostname, additionalInfo }: Params<'getUserInfo'>): Promise<UserInfoResult> {
    if (!authHeader) return { successful: false, returnMessage: danger('NetSuite signs in with OAuth only.') };
    const account = requiredAccount(hostname);
    const company = typeof additionalInfo?.company === 'string' ? additionalInfo.company : undefined;
    if (company !== undefined && netSuiteAccountHost(company) !== account) {
      return { successful: false, returnMessage: danger('NetSuite signed you in to another account than the one you chose. Please log in again.') };
    }
    const entityId = internalId(additionalInfo?.entity);
    if (!entityId) {
      return { successful: false, returnMessage: danger('NetSuite did not say which user signed in (no entity on the redirect). Please log in again.') };
    }
    try {
      return await this.userInfo({ authHeader, account }, entityId, 'Connected to NetSuite.');
    } catch (error) {
      if (error instanceof AppException && error.code === AppErrorCode.CrmAuthorizationFailed) {
        return { successful: false, returnMessage: danger(`NetSuite did not accept the sign-in: ${error.message}`) };
      }
      throw error;
    }
  }

  async refreshUserInfo(params: Params<'refreshUserInfo'>): Promise<UserInfoResult> {
    const entityId = internalId(params.user.platformAdditionalInfo?.entityId) ?? internalId(params.user.crmUserId.split('-')[0]);
    if (!entityId) return { successful: false, returnMessage: danger('The stored NetSuite user is not valid. Please log in again.') };
    return this.userInfo(this.call(params), entityId, 'NetSuite user information refreshed.');
  }

  async unAuthorize(params: Params<'unAuthorize'>): Promise<void> {
    try {
      await this.api.revoke(this.call(params).account, params.authHeader.slice(BEARER_PREFIX.length));
    } catch (error) {
      // Logging out must not depend on NetSuite: our copy of the tokens is deleted either way.
      this.logger.warn(`NetSuite did not revoke the token of ${params.user.id}: ${(error as Error).message}`);
    }
  }

  async findContact(params: Params<'findContact'>) {
    const searchDigits = phoneSearchDigits(params.phoneNumberForms);
    if (params.isExtension || !searchDigits) return { successful: true, matchedContactInfo: [] };
    const call = this.call(params);
    const found = await Promise.all(
      CONTACT_TYPES.map(async (type) => {
        const page = await this.api.suiteQl<NetSuiteEntityRow>(call, phoneLookupQuery(type, searchDigits), LOOKUP_LIMIT);
        const rows = [...new Map(page.items.map((row) => [String(row.id), row])).values()];
        return rows.filter((row) => phoneMatches(row, type, params.phoneNumberForms)).map((row) => ({ row, type }));
      }),
    );
    const matches = found.flat().slice(0, MAX_MATCHED_CONTACTS);
    const transactions = await this.transactionsOf(call, matches);
    return {
      successful: true,
      matchedContactInfo: matches.map(({ row, type }) => toContactInfo(row, type, params.phoneNumberForms, transactions, params.phoneNumber)),
    };
  }

  async createContact(params: Params<'createContact'>) {
    const type = (params.newContactType ?? 'Contact') as NetSuiteContactType;
    if (!(CONTACT_TYPES as readonly string[]).includes(type)) {
      throw AppException.invalidRequest(`newContactType must be one of ${CONTACT_TYPES.join(', ')}.`, ['newContactType']);
    }
    if (!params.newContactName.trim()) throw AppException.invalidRequest('newContactName must not be empty.', ['newContactName']);
    const subsidiary = internalId(params.user.platformAdditionalInfo?.subsidiaryId);
    const { id } = await this.api.createRecord(
      this.call(params),
      RECORD_OF_TYPE[type],
      newEntityInput(type, params.newContactName, params.phoneNumber, subsidiary),
    );
    return {
      contactInfo: {
        id,
        name: params.newContactName.trim(),
        type,
        phone: params.phoneNumber,
        phoneNumber: params.phoneNumber,
        isNewContact: true,
        additionalInfo: {},
      },
      returnMessage: success(`${type} ${params.newContactName.trim()} created in NetSuite.`),
    };
  }

  async createCallLog(params: Params<'createCallLog'>) {
    const { callLog } = params;
    const times = callTimes(callLog.startTime, callLog.duration, params.user.timezone);
    const counterpart = callLog.direction === 'Outbound' ? callLog.to : callLog.from;
    return this.createPhoneCall(
      params,
      {
        title: params.subject,
        message: params.composedLogDetails,
        phone: counterpart?.phoneNumber ?? params.contactInfo.phoneNumber ?? '',
        status: 'COMPLETE',
        priority: 'MEDIUM',
        ...(times ? { ...times, timedEvent: true } : {}),
      },
      'Call logged to NetSuite.',
    );
  }

  async updateCallLog(params: Params<'updateCallLog'>) {
    const duration = params.duration ?? params.callLog.duration;
    const times = callTimes(params.startTime ?? params.callLog.startTime, duration, params.user.timezone);
    const transaction = chosenTransaction(params.additionalSubmission);
    await this.api.updateRecord(this.call(params), 'phoneCall', this.logId(params.existingCallLog.thirdPartyLogId), {
      title: params.subject,
      message: params.composedLogDetails,
      ...(times ? { ...times, timedEvent: true } : {}),
      ...(transaction ? { transaction } : {}),
    } satisfies NetSuitePhoneCallInput);
    return { updatedNote: params.note ?? '', returnMessage: success('Call log updated in NetSuite.') };
  }

  async upsertCallDisposition(params: Params<'upsertCallDisposition'>) {
    const logId = this.logId(params.existingCallLog.thirdPartyLogId);
    const transaction = chosenTransaction(params.dispositions);
    if (transaction) await this.api.updateRecord(this.call(params), 'phoneCall', logId, { transaction });
    return { logId };
  }

  async getCallLog(params: Params<'getCallLog'>) {
    const phoneCall = await this.api.getRecord<NetSuitePhoneCall>(this.call(params), 'phoneCall', this.logId(params.callLogId), [
      'title',
      'message',
      'contact',
      'company',
      'transaction',
    ]);
    const contactName = phoneCall.contact?.refName ?? phoneCall.company?.refName;
    return {
      callLogInfo: {
        subject: phoneCall.title,
        fullBody: phoneCall.message ?? '',
        ...(contactName ? { contactName } : {}),
        fullLogResponse: { ...phoneCall },
      },
    };
  }

  async createMessageLog(params: Params<'createMessageLog'>) {
    const first = params.messages[0] ?? params.message;
    const day = messageDate(first?.creationTime, params.user.timezone);
    return this.createPhoneCall(
      params,
      {
        title: params.sharedSMSLogContent?.subject ?? params.subject,
        message: params.sharedSMSLogContent?.body ?? params.composedLogDetails,
        phone: params.contactInfo.phoneNumber ?? params.contactInfo.phone ?? '',
        status: 'COMPLETE',
        ...(day ? { startDate: day, completedDate: day, timedEvent: false } : {}),
      },
      'Message logged to NetSuite.',
    );
  }

  /** The core sends the complete digest body, so this is one PATCH and no read. */
  async updateMessageLog(params: Params<'updateMessageLog'>) {
    const response = await this.api.updateRecord(this.call(params), 'phoneCall', this.logId(params.existingMessageLog.thirdPartyLogId), {
      title: params.sharedSMSLogContent?.subject ?? params.subject,
      message: params.sharedSMSLogContent?.body ?? params.composedLogDetails,
    } satisfies NetSuitePhoneCallInput);
    return { returnMessage: success('Message log updated in NetSuite.'), extraDataTracking: rateLimitTracking(response) };
  }

  /** After a create whose outcome is unknown: the phone call whose external id is our key, if NetSuite made it. */
  async findLogByIdempotencyKey(
    params: ConnectorCallContext & { kind: 'call' | 'message'; idempotencyKey: string; contactInfo: ContactInfo; since: string },
  ): Promise<{ logId?: string }> {
    const page = await this.api.suiteQl<{ id: string }>(this.call(params), phoneCallByExternalIdQuery(params.idempotencyKey), 2);
    const [found] = page.items;
    return found ? { logId: String(found.id) } : {};
  }

  /** A phone call linked to the person (a contact also to its company) and the chosen transaction, carrying our key. */
  private async createPhoneCall(
    params: ConnectorCallContext & { contactInfo: ContactInfo; additionalSubmission?: Record<string, unknown>; idempotencyKey: string },
    fields: NetSuitePhoneCallInput,
    message: string,
  ): Promise<CreateLogResult> {
    // One call object for both requests, so a refresh during the first serves the second.
    const call = this.call(params);
    const transaction = chosenTransaction(params.additionalSubmission);
    const externalId = externalIdFor(params.idempotencyKey);
    const { id, response } = await this.api.createRecord(call, 'phoneCall', {
      ...fields,
      ...(await this.links(call, params.contactInfo)),
      ...(transaction ? { transaction } : {}),
      ...(externalId ? { externalId } : {}),
    } satisfies NetSuitePhoneCallInput);
    return { logId: id, returnMessage: success(message), extraDataTracking: rateLimitTracking(response) };
  }

  /** A customer is the call's company; a contact is its contact, and its own company (if any) the call's company. */
  private async links(call: NetSuiteCall, contactInfo: ContactInfo): Promise<Pick<NetSuitePhoneCallInput, 'contact' | 'company'>> {
    const id = internalId(contactInfo.id);
    if (!id) throw AppException.invalidRequest(`"${contactInfo.id}" is not a NetSuite record id.`, ['contactId']);
    if (contactTypeOf(contactInfo) === 'Customer') return { company: { id } };
    const contact = await this.api.getRecord<NetSuiteContact>(call, 'contact', id, ['company']);
    return { contact: { id }, ...(contact.company?.id ? { company: { id: String(contact.company.id) } } : {}) };
  }

  /** Sales orders and opportunities of the matched people, in one query; a refusal only leaves the choices out. */
  private async transactionsOf(call: NetSuiteCall, matches: { row: NetSuiteEntityRow; type: NetSuiteContactType }[]): Promise<NetSuiteTransactionRow[]> {
    const entities = matches.map(({ row, type }) => transactionEntityOf(row, type)).filter((id): id is string => !!id);
    if (entities.length === 0) return [];
    try {
      return (await this.api.suiteQl<NetSuiteTransactionRow>(call, transactionsQuery(entities), TRANSACTION_LIMIT)).items;
    } catch (error) {
      if (!(error instanceof AppException) || error.code === AppErrorCode.CrmAuthorizationFailed) throw error;
      this.logger.warn(`NetSuite refused the sales order lookup: ${error.message}`);
      return [];
    }
  }

  private async userInfo(call: NetSuiteCall, entityId: string, message: string): Promise<UserInfoResult> {
    const employee = await this.employee(call, entityId);
    const subsidiaryId = internalId(employee.subsidiary?.id);
    const timezoneName = subsidiaryId ? await this.subsidiaryTimezone(call, subsidiaryId) : undefined;
    const name =
      [employee.firstName, employee.middleName, employee.lastName].filter((part) => !!part?.trim()).join(' ') ||
      employee.entityId ||
      employee.email ||
      `NetSuite user ${entityId}`;
    return {
      successful: true,
      platformUserInfo: {
        id: `${entityId}-${call.account}`,
        name,
        ...(timezoneName ? { timezoneName } : {}),
        platformAdditionalInfo: {
          entityId,
          account: call.account,
          ...(employee.email ? { email: employee.email } : {}),
          ...(subsidiaryId ? { subsidiaryId } : {}),
        },
      },
      returnMessage: success(message),
    };
  }

  /**
   * The signed-in employee. A role without the Employees permission is refused the read
   * (403); the user can still log calls, so the login goes on with the entity id as name.
   */
  private async employee(call: NetSuiteCall, entityId: string): Promise<NetSuiteEmployee> {
    try {
      return await this.api.getRecord<NetSuiteEmployee>(call, 'employee', entityId, [
        'entityId',
        'firstName',
        'middleName',
        'lastName',
        'email',
        'subsidiary',
      ]);
    } catch (error) {
      if (!(error instanceof AppException) || error.code === AppErrorCode.CrmAuthorizationFailed || error.details.status !== 403) throw error;
      this.logger.warn(`NetSuite refused to read employee ${entityId}: ${error.message}`);
      return { id: entityId };
    }
  }

  /** The subsidiary's time zone (an IANA name), or undefined where the role may not read subsidiaries. */
  private async subsidiaryTimezone(call: NetSuiteCall, subsidiaryId: string): Promise<string | undefined> {
    try {
      const subsidiary = await this.api.getRecord<NetSuiteSubsidiary>(call, 'subsidiary', subsidiaryId, ['timeZone']);
      const zone = typeof subsidiary.timeZone === 'string' ? subsidiary.timeZone : subsidiary.timeZone?.id;
      return zone || undefined;
    } catch (error) {
      if (!(error instanceof AppException) || error.code === AppErrorCode.CrmAuthorizationFailed) throw error;
      this.logger.warn(`NetSuite refused the subsidiary ${subsidiaryId}: ${error.message}`);
      return undefined;
    }
  }

  private logId(value: string): string {
    const id = internalId(value);
    if (!id) throw AppException.invalidRequest(`"${value}" is not a NetSuite phone call id.`, ['logId']);
    return id;
  }

  private call(context: ConnectorCallContext): NetSuiteCall {
    const account = netSuiteAccountHost(context.user.hostname);
    if (!account) {
      throw AppException.crmAuthorizationFailed(NETSUITE_PLATFORM, 'The stored NetSuite account is not valid. Please log in again.');
    }
    return {
      authHeader: context.authHeader,
      ...(context.refreshAuthHeader ? { refreshAuthHeader: context.refreshAuthHeader } : {}),
      account,
    };
  }
}

/** The account the login is for; anything that is not a NetSuite account id or host is refused. */
function requiredAccount(hostname: string | undefined): string {
  const account = netSuiteAccountHost(hostname);
  if (!account) {
    throw AppException.invalidRequest(
      'hostname must be the NetSuite account id or its host (<account id>.app.netsuite.com).',
      ['hostname'],
    );
  }
  return account;
}

function contactTypeOf(contactInfo: ContactInfo): NetSuiteContactType {
  return /^(customer|custjob)$/i.test(contactInfo.type ?? '') ? 'Customer' : 'Contact';
}

function toOAuthTokens(token: NetSuiteTokenResponse): OAuthTokens {
  const expiresIn = Number(token.expires_in);
  return {
    accessToken: token.access_token,
    ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
    ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresAt: Date.now() + expiresIn * 1000 } : {}),
  };
}

function rateLimitTracking(response: CrmResponse<unknown>): Record<string, unknown> {
  return {
    ratelimitRemaining: response.rateLimit.remaining,
    ratelimitAmount: response.rateLimit.limit,
    ratelimitReset: response.rateLimit.reset,
  };
}
