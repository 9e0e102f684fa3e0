import type { ReturnMessage } from '../common/return-message.js';
import type { UserSettings } from '../common/user-settings.js';
import type {
  ManifestApiKeyPage,
  ManifestEnvironment,
  ManifestOAuth,
  ManifestSettingSection,
} from './connector-manifest.types.js';
import type {
  LogFormat,
  AuthType,
  ConnectorUser,
  CrmCredentials,
  ContactInfo,
  PhoneNumberForms,
  CallLogRecord,
  RingCentralMessage,
  MediaLinks,
  SharedSmsLogContent,
} from '../common/crm-types.js';
export type {
  LogFormat,
  AuthType,
  ConnectorUser,
  CrmCredentials,
  ContactInfo,
  PhoneNumberForms,
  CallLogRecord,
  RingCentralMessage,
  MediaLinks,
  SharedSmsLogContent,
} from '../common/crm-types.js';

/**
 * The contract between the core and one CRM. Method and parameter names follow
 * App Connect's connector interface so its connector authors recognise them.
 *
 * Connectors are stateless singletons: everything about the user arrives as
 * arguments on each call. A connector only talks to its CRM; it never touches our
 * tables (the local CRM owns its own). Expected CRM failures are thrown as
 * AppException (crmRequestFailed / crmAuthorizationFailed) with the CRM's reason.
 */

/** What every per-user connector call receives. */
export interface ConnectorCallContext {
  user: ConnectorUser;
  /** Produced by the connector's own getAuthHeader; opaque to the core. */
  authHeader: string;
  /**
   * The user's settings with the account admin's merged on top, for connectors whose
   * manifest `settings` shape what they write (Redtail's default category).
   */
  userSettings?: UserSettings;
  /**
   * OAuth connectors: call after a CRM 401 with the auth header the refused request
   * carried, to refresh the tokens once and get the new header. Concurrent callers share
   * one refresh, and a caller whose header was already replaced gets the new one without
   * another refresh. Undefined for API keys.
   */
  refreshAuthHeader?: (rejected?: string) => Promise<string>;
}

export interface AdditionalField {
  const: string;
  title: string;
  type: 'selection' | 'inputField' | 'checkbox';
  contactDependent?: boolean;
  defaultValue?: unknown;
}

export interface ConnectorManifest {
  displayName: string;
  authType: AuthType;
  /** Further sign-in ways the CRM also accepts (Pipedrive: OAuth, and personal API tokens). */
  additionalAuthTypes?: AuthType[];
  logFormat: LogFormat;
  contactTypes?: string[];
  page: {
    callLog: { additionalFields: AdditionalField[] };
    messageLog: { additionalFields: AdditionalField[] };
    /** Extra fields of the create-contact form; their values reach createContact as additionalSubmission. */
    newContact?: { additionalFields: AdditionalField[] };
  };
  /** The API-key sign-in form; its fields reach /apiKeyLogin as apiKey and additionalInfo. */
  apiKeyPage?: ManifestApiKeyPage;
  /**
   * Why nobody can sign in on this server yet (a setting it lacks, e.g. Redtail's
   * REDTAIL_API_KEY). While set, /crmManifest leaves the platform out, as it does an OAuth
   * connector whose app is not configured.
   */
  signInUnavailable?: string;
  /** What the client needs to start OAuth; undefined while the CRM's OAuth app is not configured. */
  oauth?: ManifestOAuth;
  /** How the client learns the user's CRM host at sign-in. */
  environment?: ManifestEnvironment;
  /** CRM pages where the extension opens itself (`*` wildcards). */
  embedUrls?: string[];
  /** Templates the client fills with {hostname}, {contactId}, {contactType}, {logId} and setting ids. */
  contactPageUrl?: string;
  logPageUrl?: string;
  /** Connector-specific user and admin settings, shown under the extension's settings. */
  settings?: ManifestSettingSection[];
  documentationUrl?: string;
}

export interface ConnectorResult {
  returnMessage?: ReturnMessage;
  extraDataTracking?: Record<string, unknown>;
}

export interface CreateLogResult extends ConnectorResult {
  /** Missing means the CRM did not create anything. */
  logId?: string;
}

export interface UserInfoResult {
  successful: boolean;
  platformUserInfo?: {
    id: string;
    name: string;
    /** IANA zone name when the CRM knows it. */
    timezoneName?: string;
    /** Fixed offset such as +09:00 or minutes, used when there is no zone name. */
    timezoneOffset?: string | number;
    platformAdditionalInfo?: Record<string, unknown>;
  };
  returnMessage?: ReturnMessage;
  /**
   * API-key sign-in: the credential the CRM issued for this user (Redtail's user key), kept
   * (encrypted) instead of what the login sent. Without it the sent apiKey is kept.
   */
  credentials?: CrmCredentials;
}

export interface OAuthTokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
}

/** One kind of account-level data a connector offers through /accountData. */
export interface AccountDataSource {
  /** How long a loaded value is served before it is loaded again. */
  ttlSeconds: number;
  load(context: ConnectorCallContext): Promise<unknown>;
}

export interface CrmConnector {
  /** Platform key used in the API (`platform` in /apiKeyLogin, `platformName` in /crmManifest). */
  readonly name: string;
  readonly manifest: ConnectorManifest;

  /**
   * Account-level data by key (Pipedrive: its activity types), served by GET /accountData
   * and cached by the core per CRM account for each source's ttlSeconds.
   */
  readonly accountData?: Readonly<Record<string, AccountDataSource>>;

  /**
   * The CRM account a user's account data belongs to, so users of one company share it.
   * Without it each user is their own account.
   */
  accountKey?(user: ConnectorUser): string;

  /**
   * True when updateMessageLog adds the messages it is given to the log instead of
   * replacing the log's body with `composedLogDetails`. The core then sends such a
   * connector one message per create or update and records each as logged before the
   * next, and does not repeat an update whose outcome is unknown (a repeat would add the
   * message twice). Config connectors written for App Connect's per-message pattern are.
   */
  readonly appendsMessages?: boolean;

  /** The value connectors put on their CRM requests for these credentials. */
  getAuthHeader(credentials: CrmCredentials): string;

  /**
   * Identifies the CRM user behind the credentials. API-key connectors get `apiKey` (and the
   * sign-in form's other fields as `additionalInfo`); OAuth connectors get `authHeader` built
   * from fresh tokens, and as `additionalInfo` the callback URI's query fields other than
   * code, state, hostname and username (NetSuite names the user there: entity, company).
   */
  getUserInfo(params: {
    apiKey?: string;
    authHeader?: string;
    hostname?: string;
    additionalInfo?: Record<string, unknown>;
  }): Promise<UserInfoResult>;

  /** OAuth connectors: the authorization URL parameters and code exchange. */
  exchangeAuthorizationCode?(params: {
    code: string;
    hostname?: string;
    redirectUri?: string;
    /** The CRM login name the client sent, for CRMs whose data centre depends on the user (Bullhorn). */
    username?: string;
  }): Promise<OAuthTokens>;
  refreshAccessToken?(params: { refreshToken: string; hostname: string | null }): Promise<OAuthTokens>;

  /**
   * Re-reads the CRM user behind the session on the extension's periodic refresh (every
   * start and every 15 minutes). `platformUserInfo`, when given, replaces the stored name,
   * timezone and additional info. Without this method the refresh is a no-op success.
   */
  refreshUserInfo?(params: ConnectorCallContext): Promise<UserInfoResult>;

  /**
   * Called before a user's settings change is stored, with the settings sent and the
   * complete settings as they would be stored. `successful: false` refuses the change and
   * its returnMessage tells the user why; nothing is stored then.
   */
  onUpdateUserSettings?(
    params: ConnectorCallContext & { userSettings: UserSettings; updatedSettings: UserSettings },
  ): Promise<{ successful: boolean; returnMessage?: ReturnMessage }>;

  /** Revokes or forgets CRM-side state on logout; optional. */
  unAuthorize?(params: ConnectorCallContext): Promise<void>;

  /**
   * Checks with the CRM that the stored authorization still works (GET /authValidation);
   * optional: without it a session that resolves is taken as valid. A refusal is
   * `successful: false` with the reason, not an exception.
   */
  authValidation?(
    params: ConnectorCallContext,
  ): Promise<{ successful: boolean; status?: number; returnMessage?: ReturnMessage }>;

  /** The user's CRM-side license (GET /licenseStatus); optional: without it every user is licensed. */
  getLicenseStatus?(
    params: ConnectorCallContext,
  ): Promise<{ isLicenseValid: boolean; licenseStatus: string; licenseStatusDescription: string }>;

  findContact(
    params: ConnectorCallContext & {
      phoneNumber: string;
      phoneNumberForms: PhoneNumberForms;
      overridingFormat: string[];
      isExtension: boolean;
    },
  ): Promise<ConnectorResult & { successful: boolean; matchedContactInfo: ContactInfo[] }>;

  /**
   * Contacts whose name matches what the user typed, for the manual search the manifest
   * offers (page.useContactSearch) when a phone lookup found nobody. Optional.
   */
  findContactWithName?(
    params: ConnectorCallContext & { name: string },
  ): Promise<ConnectorResult & { successful: boolean; matchedContactInfo: ContactInfo[] }>;

  createContact(
    params: ConnectorCallContext & {
      phoneNumber: string;
      newContactName: string;
      newContactType?: string;
      additionalSubmission?: Record<string, unknown>;
    },
  ): Promise<ConnectorResult & { contactInfo?: ContactInfo }>;

  createCallLog(
    params: ConnectorCallContext & {
      contactInfo: ContactInfo;
      callLog: CallLogRecord;
      note?: string;
      additionalSubmission?: Record<string, unknown>;
      aiNote?: string;
      transcript?: string;
      /** The complete body in the connector's logFormat; empty for 'custom'. */
      composedLogDetails: string;
      subject: string;
      /** Store it on the created record: findLogByIdempotencyKey looks for it. */
      idempotencyKey: string;
      /** The call was logged by RingCentral's server-side call logging, not the extension. */
      isFromSSCL?: boolean;
      [key: string]: unknown;
    },
  ): Promise<CreateLogResult>;

  updateCallLog(
    params: ConnectorCallContext & {
      existingCallLog: { thirdPartyLogId: string; sessionId: string; contactId: string | null };
      callLog: CallLogRecord;
      subject: string;
      note?: string;
      recordingLink?: string;
      startTime?: string;
      duration?: number | 'pending';
      result?: string;
      aiNote?: string;
      transcript?: string;
      additionalSubmission?: Record<string, unknown>;
      composedLogDetails: string;
      /** The update came from RingCentral's server-side call logging, not the extension. */
      isFromSSCL?: boolean;
    },
  ): Promise<ConnectorResult & { updatedNote?: string }>;

  /**
   * Applies the disposition fields (keyed by the manifest field consts) to a logged call's
   * activity. Optional; must be safe to repeat with the same values.
   */
  upsertCallDisposition?(
    params: ConnectorCallContext & {
      existingCallLog: { thirdPartyLogId: string; sessionId: string; contactId: string | null };
      dispositions: Record<string, unknown>;
    },
  ): Promise<ConnectorResult & { logId?: string }>;

  getCallLog(
    params: ConnectorCallContext & { callLogId: string; contactId: string | null },
  ): Promise<
    ConnectorResult & {
      callLogInfo?: {
        subject?: string;
        note?: string;
        fullBody?: string;
        contactName?: string;
        fullLogResponse?: Record<string, unknown>;
        [key: string]: unknown;
      };
    }
  >;

  createMessageLog(
    params: ConnectorCallContext &
      MediaLinks & {
        contactInfo: ContactInfo;
        /** The newest message of the write (App Connect's per-message parameter). */
        message: RingCentralMessage;
        /** Every message this write adds to the digest, oldest first. */
        messages: RingCentralMessage[];
        additionalSubmission?: Record<string, unknown>;
        /** The complete digest body in the connector's logFormat; empty for 'custom'. */
        composedLogDetails: string;
        /** Subject of the digest activity, composed by the core. */
        subject: string;
        /** Shared SMS threads only. */
        sharedSMSLogContent?: SharedSmsLogContent;
        /** Store it on the created record: findLogByIdempotencyKey looks for it. */
        idempotencyKey: string;
      },
  ): Promise<CreateLogResult>;

  /**
   * The log a create with this idempotency key made, if the CRM has it. Asked after a
   * create whose outcome is unknown (timeout, connection reset, crash), so the create is
   * reconciled instead of repeated. `since` is when the first attempt was recorded. A
   * connector without it cannot reconcile: such a create is parked, never sent again.
   */
  findLogByIdempotencyKey?(
    params: ConnectorCallContext & {
      kind: 'call' | 'message';
      idempotencyKey: string;
      contactInfo: ContactInfo;
      since: string;
    },
  ): Promise<{ logId?: string }>;

  updateMessageLog(
    params: ConnectorCallContext &
      MediaLinks & {
        contactInfo: ContactInfo;
        existingMessageLog: { thirdPartyLogId: string };
        message: RingCentralMessage;
        messages: RingCentralMessage[];
        additionalSubmission?: Record<string, unknown>;
        composedLogDetails: string;
        subject: string;
        sharedSMSLogContent?: SharedSmsLogContent;
      },
  ): Promise<ConnectorResult>;
}
