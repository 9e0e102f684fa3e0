import { AppConfig } from '../../config/app-config.js';
import { Injectable } from '@nestjs/common';
import { AppErrorCode, AppException } from '../../common/app.exception.js';
import { danger, success, warning, type ReturnMessage } from '../../common/return-message.js';
import { TtlCache } from '../../common/ttl-cache.js';
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
import {
  BULLHORN_DISPLAY_NAME,
  BULLHORN_PLATFORM,
  BullhornApiClient,
  parseSession,
  type BullhornCall,
  type BullhornSession,
} from './bullhorn-api.client.js';
import {
  carriesKey,
  CONTACT_TYPES,
  newPersonInput,
  NOTE_ACTION_FIELD,
  noteAction,
  noteComments,
  numericId,
  PHONE_FIELDS,
  phoneMatches,
  phoneQuery,
  readNoteComments,
  toContactInfo,
} from './bullhorn.mapping.js';
import type { BullhornNote, BullhornPerson, BullhornPersonEntity, BullhornTokenResponse } from './bullhorn.types.js';

type Params<K extends keyof CrmConnector> = CrmConnector[K] extends ((params: infer P) => unknown) | undefined ? P : never;

/** Note actions change rarely; an admin's edit shows up within this time. */
const LOOKUP_TTL_MS = 10 * 60_000;
const SEARCHED_ENTITIES: BullhornPersonEntity[] = ['ClientContact', 'Candidate', 'Lead'];
/** Bullhorn's clock may differ from ours; the lookup reaches back this much before the first attempt. */
const LOOKUP_CLOCK_SKEW_MS = 5 * 60_000;

/** Actions used when the form sends none (the manifest's default), if the account has them. */
export const DEFAULT_CALL_ACTION = 'Call';
export const DEFAULT_MESSAGE_ACTION = 'SMS';

/**
 * Page URL templates for the manifest, kept here until ConnectorManifest carries
 * contactPageUrl / logPageUrl. Bullhorn opens records through OpenWindow.cfm on the
 * user's cluster host; {entity} is the Bullhorn entity (ClientContact, not Contact).
 * Not yet checked against a live account.
 */
export const BULLHORN_PAGE_URLS = {
  contactPageUrl: 'https://{hostname}/BullhornSTAFFING/OpenWindow.cfm?Entity={entity}&id={contactId}',
  logPageUrl: 'https://{hostname}/BullhornSTAFFING/OpenWindow.cfm?Entity=Note&id={logId}',
} as const;

/**
 * Sign-in facts for the manifest's OAuth block (the lead wires them in once
 * ConnectorManifest has it): Bullhorn's documented authorization endpoint, which sends the
 * user on to their data centre. The client must also send the Bullhorn login name as
 * `username` to /oauth-callback.
 */
export const BULLHORN_SIGN_IN = {
  authUrl: 'https://auth.bullhornstaffing.com/oauth/authorize',
} as const;

/** What the core stores as the access token: the OAuth token and the REST session, opaque to it. */
interface StoredAccess extends BullhornSession {
  accessToken: string;
}
/** What the core stores as the refresh token: it and where to use it (the user's data centre). */
interface StoredRefresh {
  refreshToken: string;
  oauthUrl: string;
  loginUrl: string;
}

function noteActionField(defaultValue: string) {
  return { const: NOTE_ACTION_FIELD, title: 'Note action', type: 'selection' as const, contactDependent: true, defaultValue };
}

/**
 * Bullhorn ATS over its REST API: candidates, client contacts and leads as contact
 * types, calls and message digests as Notes (HTML comments, an action from the account's
 * list). OAuth 2 in the user's data centre, then a REST login for the BhRestToken
 * session, renewed through the refresh token when it expires.
 */
@Connector()
@Injectable()
export class BullhornConnector implements CrmConnector {
  readonly name = BULLHORN_PLATFORM;
  readonly manifest: ConnectorManifest;

  private readonly noteActionsCache = new TtlCache<string[]>(LOOKUP_TTL_MS);

  constructor(
    private readonly api: BullhornApiClient,
    config: AppConfig,
  ) {
    this.manifest = {
      displayName: BULLHORN_DISPLAY_NAME,
      authType: 'oauth',
      logFormat: 'text/html',
      contactTypes: Object.keys(CONTACT_TYPES),
      page: {
        callLog: { additionalFields: [noteActionField(DEFAULT_CALL_ACTION)] },
        messageLog: { additionalFields: [noteActionField(DEFAULT_MESSAGE_ACTION)] },
      },
      // Published only with a configured app: without a client id nobody can sign in.
      ...(config.BULLHORN_CLIENT_ID
        ? {
            oauth: {
              authUrl: config.BULLHORN_OAUTH_BASE_URL
                ? `${config.BULLHORN_OAUTH_BASE_URL.replace(/\/+$/, '')}/oauth/authorize`
                : BULLHORN_SIGN_IN.authUrl,
              clientId: config.BULLHORN_CLIENT_ID,
              ...(config.BULLHORN_REDIRECT_URI ? { redirectUri: config.BULLHORN_REDIRECT_URI } : {}),
            },
          }
        : {}),
    };
  }

  getAuthHeader(credentials: CrmCredentials): string {
    const access = readAccess(credentials.accessToken);
    return JSON.stringify({ restUrl: access.restUrl, bhRestToken: access.bhRestToken } satisfies BullhornSession);
  }

  async getUserInfo({ authHeader }: Params<'getUserInfo'>): Promise<UserInfoResult> {
    if (!authHeader) return { successful: false, returnMessage: danger('Bullhorn signs in with OAuth only.') };
    return this.userInfo({ authHeader }, 'Connected to Bullhorn.');
  }

  async refreshUserInfo(params: Params<'refreshUserInfo'>): Promise<UserInfoResult> {
    return this.userInfo(this.call(params), 'Bullhorn user information refreshed.');
  }

  /** Data centre by login name, code for tokens there, then the REST login. */
  async exchangeAuthorizationCode({ code, redirectUri, username }: Params<'exchangeAuthorizationCode'>): Promise<OAuthTokens> {
    if (!username?.trim()) {
      throw AppException.invalidRequest('username is required: Bullhorn finds the data centre by login name.', ['username']);
    }
    const info = await this.api.loginInfo(username.trim());
    let token: BullhornTokenResponse;
    try {
      token = await this.api.exchangeAuthorizationCode(info.oauthUrl, code, redirectUri);
    } catch (error) {
      if (error instanceof AppException && (error.details.status === 400 || error.details.status === 401)) {
        throw new AppException(AppErrorCode.CrmLoginRejected, `Bullhorn refused the sign-in: ${error.message}`, {
          platform: BULLHORN_PLATFORM,
        });
      }
      throw error;
    }
    return this.openSession(token, { oauthUrl: info.oauthUrl, loginUrl: info.restUrl, refreshToken: token.refresh_token ?? '' });
  }

  /** A new access token (Bullhorn rotates the refresh token too) and a new REST session. */
  async refreshAccessToken({ refreshToken }: Params<'refreshAccessToken'>): Promise<OAuthTokens> {
    const stored = readRefresh(refreshToken);
    let token: BullhornTokenResponse;
    try {
      token = await this.api.refreshAccessToken(stored.oauthUrl, stored.refreshToken);
    } catch (error) {
      // A refused refresh token will not work later either: the user must sign in again.
      if (error instanceof AppException && (error.details.status === 400 || error.details.status === 401)) {
        throw AppException.crmAuthorizationFailed(
          BULLHORN_PLATFORM,
          `Bullhorn refused to renew the session (${error.message}). Please log in again.`,
        );
      }
      throw error;
    }
    return this.openSession(token, stored);
  }

  /**
   * The extension's heartbeat: is the REST session alive? An expired one is renewed through
   * the refresh token (the 401 path of every request); only a refused renewal fails.
   */
  async authValidation(
    params: ConnectorCallContext,
  ): Promise<{ successful: boolean; status: number; returnMessage?: ReturnMessage }> {
    const call = this.call(params);
    try {
      const { sessionExpires } = await this.api.ping(call);
      if (typeof sessionExpires === 'number' && sessionExpires < Date.now() && call.refreshAuthHeader) {
        call.authHeader = await call.refreshAuthHeader();
        await this.api.ping(call);
      }
      return { successful: true, status: 200 };
    } catch (error) {
      if (!(error instanceof AppException)) throw error;
      return {
        successful: false,
        status: error.code === AppErrorCode.CrmAuthorizationFailed ? 401 : (error.details.status ?? 502),
        returnMessage: warning(`The Bullhorn session has ended: ${error.message} Please connect again.`),
      };
    }
  }

  async findContact(params: Params<'findContact'>) {
    if (params.isExtension) return { successful: true, matchedContactInfo: [] };
    const call = this.call(params);
    const [actions, ...found] = await Promise.all([
      this.noteActions(call),
      ...SEARCHED_ENTITIES.map(async (entity) => {
        const query = phoneQuery(entity, params.phoneNumberForms);
        if (!query) return [];
        const fields = ['id', 'name', 'firstName', 'lastName', 'email', 'dateAdded', 'dateLastModified', ...PHONE_FIELDS[entity]].join(',');
        const people = await this.api.search<BullhornPerson>(call, entity, query, fields);
        return people.filter((person) => phoneMatches(entity, person, params.phoneNumberForms)).map((person) => ({ entity, person }));
      }),
    ]);
    const matchedContactInfo = found.flat().map(({ entity, person }) => toContactInfo(entity, person, actions, params.phoneNumber));
    return { successful: true, matchedContactInfo };
  }

  async createContact(params: Params<'createContact'>) {
    const type = params.newContactType ?? 'Candidate';
    const entity = CONTACT_TYPES[type];
    if (!entity || entity === 'ClientContact') {
      // A client contact belongs to a client company Bullhorn insists on; we do not pick one for the user.
      throw AppException.invalidRequest('newContactType must be Candidate or Lead (a Bullhorn contact needs a company).', ['newContactType']);
    }
    const call = this.call(params);
    const input = newPersonInput(params.newContactName, params.phoneNumber);
    const [change, actions] = await Promise.all([this.api.createEntity(call, entity, input), this.noteActions(call)]);
    return {
      contactInfo: {
        ...toContactInfo(entity, { id: change.changedEntityId, ...input }, actions, params.phoneNumber),
        isNewContact: true,
      },
      returnMessage: success(`${type} ${input.name} created in Bullhorn.`),
    };
  }

  async createCallLog(params: Params<'createCallLog'>) {
    return this.createNote(params, params.subject, params.composedLogDetails, DEFAULT_CALL_ACTION, 'Call logged to Bullhorn.');
  }

  async updateCallLog(params: Params<'updateCallLog'>) {
    const call = this.call(params);
    const chosen = params.additionalSubmission?.[NOTE_ACTION_FIELD];
    const action = typeof chosen === 'string' ? noteAction(params.additionalSubmission, await this.noteActions(call), DEFAULT_CALL_ACTION) : undefined;
    await this.api.updateEntity(call, 'Note', params.existingCallLog.thirdPartyLogId, {
      comments: noteComments(params.subject, params.composedLogDetails),
      ...(action ? { action } : {}),
    });
    return { updatedNote: params.note ?? '', returnMessage: success('Call log updated in Bullhorn.') };
  }

  /** The note action picked after logging (App Connect's disposition): one update of the note. */
  async upsertCallDisposition(
    params: ConnectorCallContext & { existingCallLog: { thirdPartyLogId: string }; dispositions: Record<string, unknown> },
  ): Promise<{ logId?: string; returnMessage?: ReturnMessage }> {
    const call = this.call(params);
    const actions = await this.noteActions(call);
    const chosen = params.dispositions[NOTE_ACTION_FIELD];
    if (typeof chosen !== 'string' || !actions.includes(chosen)) {
      throw AppException.invalidRequest(`"${String(chosen)}" is not one of this Bullhorn account's note actions.`, [
        `dispositions.${NOTE_ACTION_FIELD}`,
      ]);
    }
    await this.api.updateEntity(call, 'Note', params.existingCallLog.thirdPartyLogId, { action: chosen });
    return { logId: params.existingCallLog.thirdPartyLogId, returnMessage: success('Note action updated in Bullhorn.') };
  }

  async getCallLog(params: Params<'getCallLog'>) {
    const note = await this.api.getNote(this.call(params), params.callLogId);
    const { subject, body } = readNoteComments(note.comments ?? '');
    const person = note.personReference;
    const contactName = person ? [person.firstName, person.lastName].filter(Boolean).join(' ') : '';
    return {
      callLogInfo: {
        ...(subject ? { subject } : {}),
        fullBody: body,
        ...(contactName ? { contactName } : {}),
        ...(note.action ? { dispositions: { [NOTE_ACTION_FIELD]: note.action } } : {}),
        fullLogResponse: { ...note },
      },
    };
  }

  async createMessageLog(params: Params<'createMessageLog'>) {
    return this.createNote(
      params,
      params.sharedSMSLogContent?.subject ?? params.subject,
      params.sharedSMSLogContent?.body ?? params.composedLogDetails,
      DEFAULT_MESSAGE_ACTION,
      'Message logged to Bullhorn.',
    );
  }

  /** The core sends the complete digest body, so this is one update and no read. */
  async updateMessageLog(params: Params<'updateMessageLog'>) {
    await this.api.updateEntity(this.call(params), 'Note', params.existingMessageLog.thirdPartyLogId, {
      comments: noteComments(
        params.sharedSMSLogContent?.subject ?? params.subject,
        params.sharedSMSLogContent?.body ?? params.composedLogDetails,
      ),
    });
    return { returnMessage: success('Message log updated in Bullhorn.') };
  }

  /** Active users of the account, for admins mapping RingCentral users to Bullhorn ones. */
  async getUserList(params: ConnectorCallContext): Promise<{ id: string; name: string; email?: string }[]> {
    const users = await this.api.corporateUsers(this.call(params));
    return users.map((user) => ({
      id: String(user.id),
      name: user.name ?? [user.firstName, user.lastName].filter(Boolean).join(' '),
      ...(user.email ? { email: user.email } : {}),
    }));
  }

  /** After a create whose outcome is unknown: the person's note carrying our key, if Bullhorn made it. */
  async findLogByIdempotencyKey(
    params: ConnectorCallContext & {
      kind: 'call' | 'message';
      idempotencyKey: string;
      contactInfo: ContactInfo;
      since: string;
    },
  ): Promise<{ logId?: string }> {
    const personId = this.personId(params.contactInfo);
    const since = Date.parse(params.since);
    const from = (Number.isNaN(since) ? Date.now() : since) - LOOKUP_CLOCK_SKEW_MS;
    const notes = await this.api.search<BullhornNote>(
      this.call(params),
      'Note',
      `personReference.id:${personId} AND dateAdded:[${from} TO *]`,
      'id,comments,dateAdded',
    );
    const found = notes.find((note) => carriesKey(note.comments, params.idempotencyKey));
    return found ? { logId: String(found.id) } : {};
  }

  private async createNote(
    params: ConnectorCallContext & { contactInfo: ContactInfo; additionalSubmission?: Record<string, unknown>; idempotencyKey: string },
    subject: string,
    body: string,
    preferredAction: string,
    message: string,
  ): Promise<CreateLogResult> {
    const call = this.call(params);
    const action = noteAction(params.additionalSubmission, await this.noteActions(call), preferredAction);
    const userId = numericId(params.user.crmUserId);
    const change = await this.api.createEntity(call, 'Note', {
      comments: noteComments(subject, body, params.idempotencyKey),
      ...(action ? { action } : {}),
      personReference: { id: this.personId(params.contactInfo) },
      ...(userId ? { commentingPerson: { id: userId } } : {}),
    });
    return { logId: String(change.changedEntityId), returnMessage: success(message) };
  }

  private async userInfo(call: BullhornCall, message: string): Promise<UserInfoResult> {
    try {
      const id = await this.api.currentUserId(call);
      const user = await this.api.corporateUser(call, id);
      const offset = typeof user.timeZoneOffsetEST === 'number' ? user.timeZoneOffsetEST - 5 * 60 : undefined;
      return {
        successful: true,
        platformUserInfo: {
          id: String(user.id),
          name: user.name ?? [user.firstName, user.lastName].filter(Boolean).join(' '),
          // Bullhorn gives the user's offset from US Eastern standard time, in minutes.
          ...(offset !== undefined ? { timezoneOffset: offset } : {}),
          platformAdditionalInfo: { restUrl: parseSession(call.authHeader).restUrl },
        },
        returnMessage: success(message),
      };
    } catch (error) {
      if (error instanceof AppException && error.code === AppErrorCode.CrmAuthorizationFailed) {
        return { successful: false, returnMessage: danger(`Bullhorn did not accept the sign-in: ${error.message}`) };
      }
      throw error;
    }
  }

  private async openSession(token: BullhornTokenResponse, where: StoredRefresh): Promise<OAuthTokens> {
    const session = await this.api.restLogin(where.loginUrl, token.access_token);
    const access: StoredAccess = { accessToken: token.access_token, ...session };
    const refresh: StoredRefresh = { ...where, refreshToken: token.refresh_token ?? where.refreshToken };
    // No expiresAt: the REST session outlives the 10-minute access token, and a 401 renews both.
    return { accessToken: JSON.stringify(access), refreshToken: JSON.stringify(refresh) };
  }

  private noteActions(call: BullhornCall): Promise<string[]> {
    // The list belongs to the corporation, which the REST URL names.
    return this.noteActionsCache.get(parseSession(call.authHeader).restUrl, () => this.api.commentActionList(call));
  }

  private personId(contactInfo: ContactInfo): number {
    const id = numericId(contactInfo.id);
    if (!id) throw AppException.invalidRequest(`"${contactInfo.id}" is not a Bullhorn person id.`, ['contactId']);
    return id;
  }

  private call(context: ConnectorCallContext): BullhornCall {
    return {
      authHeader: context.authHeader,
      ...(context.refreshAuthHeader ? { refreshAuthHeader: context.refreshAuthHeader } : {}),
    };
  }
}

function readAccess(value: string | undefined): StoredAccess {
  try {
    const access = JSON.parse(value ?? '') as StoredAccess;
    if (access.restUrl && access.bhRestToken) return access;
  } catch {
    // fall through
  }
  throw AppException.sessionInvalid('The stored Bullhorn session is unreadable: please log in again.');
}

function readRefresh(value: string): StoredRefresh {
  try {
    const refresh = JSON.parse(value) as StoredRefresh;
    if (refresh.refreshToken && refresh.oauthUrl && refresh.loginUrl) return refresh;
  } catch {
    // fall through
  }
  throw AppException.crmAuthorizationFailed(BULLHORN_PLATFORM, 'The stored Bullhorn session cannot be renewed. Please log in again.');
}
