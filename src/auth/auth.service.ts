import { Injectable, Logger } from '@nestjs/common';
import { AppErrorCode, AppException } from '../common/app.exception.js';
import { danger, ReturnMessage, success } from '../common/return-message.js';
import { normaliseTimezone } from '../common/timezone.js';
import { TtlCache } from '../common/ttl-cache.js';
import { ConnectorRegistry } from '../connectors/connector-registry.service.js';
import type {
  AuthType,
  ConnectorManifest,
  ConnectorUser,
  CrmConnector,
  CrmCredentials,
  UserInfoResult,
} from '../connectors/crm-connector.interface.js';
import type { UserEntity } from '../persistence/entities/user.entity.js';
import { UsersRepository } from '../persistence/repositories/users.repository.js';
import { SettingsService } from '../settings/settings.service.js';
import { CredentialCipher } from './credential-cipher.service.js';
import type { CrmSession } from './crm-session.js';
import { SessionTokenService } from './session-token.service.js';

export interface LoginResult {
  jwtToken: string;
  name: string;
  returnMessage: ReturnMessage;
}

/** Decrypted credentials with the encrypted value they were read from. */
interface HeldCredentials {
  credentials: CrmCredentials;
  stored: string;
}

/** Refresh OAuth tokens this long before they expire. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * How long a resolved user is reused without reading the database again. Logins,
 * logouts and refreshes on this instance take effect at once; a logout on another
 * instance sharing the database takes effect within this time.
 */
const SESSION_CACHE_TTL_MS = 5_000;

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  /** One refresh in flight per user; concurrent requests wait for it. */
  private readonly refreshes = new Map<string, Promise<HeldCredentials>>();
  /** userId -> the user row, so a busy user's requests do not each read it. */
  private readonly resolvedUsers = new TtlCache<UserEntity | null>(SESSION_CACHE_TTL_MS);
  /** Decrypted credentials of the row objects the session cache holds; gone with them. */
  private readonly decrypted = new WeakMap<UserEntity, { stored: string; credentials: CrmCredentials }>();

  constructor(
    private readonly connectors: ConnectorRegistry,
    private readonly users: UsersRepository,
    private readonly cipher: CredentialCipher,
    private readonly tokens: SessionTokenService,
    private readonly settings: SettingsService,
  ) {}

  async apiKeyLogin(params: {
    platform: string;
    apiKey?: string;
    hostname?: string;
    additionalInfo?: Record<string, unknown>;
  }): Promise<LoginResult> {
    const connector = this.connectors.get(params.platform);
    if (!supportsAuthType(connector.manifest, 'apiKey')) {
      throw AppException.invalidRequest(
        `Platform "${params.platform}" signs in with OAuth; use /oauth-callback instead of /apiKeyLogin.`,
        ['platform'],
      );
    }
    if (!params.apiKey && needsApiKey(connector.manifest)) throw AppException.invalidRequest('apiKey is required', ['apiKey']);
    const userInfo = await connector.getUserInfo({
      apiKey: params.apiKey,
      hostname: params.hostname,
      additionalInfo: params.additionalInfo,
    });
    // A CRM that issues its own credential at sign-in (Redtail's user key) has it stored instead.
    const credentials = userInfo.credentials ?? { apiKey: params.apiKey };
    return this.completeLogin(connector, userInfo, credentials, params.hostname);
  }

  async oauthLogin(params: {
    platform: string;
    code: string;
    hostname?: string;
    redirectUri?: string;
    username?: string;
    callbackParams?: Record<string, string>;
  }): Promise<LoginResult> {
    const connector = this.connectors.get(params.platform);
    if (!supportsAuthType(connector.manifest, 'oauth') || !connector.exchangeAuthorizationCode) {
      throw AppException.invalidRequest(`Platform "${params.platform}" does not sign in with OAuth.`, ['platform']);
    }
    const { callbackParams, ...exchange } = params;
    const tokens = await connector.exchangeAuthorizationCode(exchange);
    const userInfo = await connector.getUserInfo({
      authHeader: connector.getAuthHeader(tokens),
      hostname: params.hostname,
      // What the CRM put on the redirect besides the code (NetSuite: the user's entity and account).
      ...(callbackParams ? { additionalInfo: callbackParams } : {}),
    });
    return this.completeLogin(connector, userInfo, tokens, params.hostname);
  }

  async logout(session: CrmSession): Promise<void> {
    await session.connector.unAuthorize?.(session.context);
    await this.users.forgetCredentials(session.user.id);
    this.resolvedUsers.delete(session.user.id);
    this.logger.log(`User ${session.user.id} logged out of ${session.user.platform}`);
  }

  /**
   * The extension's periodic refresh: the connector's refreshUserInfo when it has one (its
   * answer replaces the stored profile), else nothing to do.
   */
  async refreshUserInfo(session: CrmSession): Promise<{ successful: boolean; returnMessage: ReturnMessage }> {
    const { connector, user } = session;
    if (!connector.refreshUserInfo) {
      return { successful: true, returnMessage: success('User information is up to date.') };
    }
    const result = await connector.refreshUserInfo(session.context);
    const info = result.platformUserInfo;
    if (result.successful && info) {
      await this.users.updateProfile(user.id, {
        name: info.name,
        timezone: normaliseTimezone(info.timezoneName, info.timezoneOffset),
        platformAdditionalInfo: info.platformAdditionalInfo ?? user.platformAdditionalInfo,
      });
      this.resolvedUsers.delete(user.id);
    }
    return {
      successful: result.successful,
      returnMessage:
        result.returnMessage ??
        (result.successful ? success('User information refreshed.') : danger(`${connector.manifest.displayName} could not refresh the user information.`)),
    };
  }

  /** Turns a verified JWT payload into a session, refreshing OAuth tokens about to expire. */
  async resolveSession(userId: string, sessionVersion: number, platform: string): Promise<CrmSession> {
    const user = await this.resolvedUsers.get(userId, () => this.users.findById(userId));
    if (!user || !user.credentials || user.sessionVersion !== sessionVersion) {
      throw AppException.crmAuthorizationFailed(platform, 'This CRM connection was closed (logged out or revoked). Please connect to the CRM again.');
    }
    return this.sessionOf(user, user.credentials);
  }

  /**
   * The session of a user for work done without a request (the outbox worker): the
   * stored credentials, whichever JWT the writes came with. Fails once the user logged out.
   */
  async sessionForUser(userId: string): Promise<CrmSession> {
    const user = await this.resolvedUsers.get(userId, () => this.users.findById(userId));
    if (!user || !user.credentials) throw AppException.sessionInvalid('The user is logged out: please log in again.');
    return this.sessionOf(user, user.credentials);
  }

  private async sessionOf(user: UserEntity, stored: string): Promise<CrmSession> {
    const connector = this.connectors.get(user.platform);
    // What this session holds: a refresh for it is needed only while the stored
    // credentials are still these (another request may have refreshed them already).
    let held = { credentials: this.decrypt(user), stored };
    const { expiresAt } = held.credentials;
    if (expiresAt !== undefined && expiresAt - Date.now() < REFRESH_MARGIN_MS) {
      held = await this.refresh(user, connector, held.stored);
    }
    const { credentials } = held;
    const userSettings = await this.settings.effectiveFor(user);
    return {
      user,
      connector,
      userSettings,
      context: {
        user: toConnectorUser(user),
        userSettings,
        authHeader: connector.getAuthHeader(credentials),
        // API-key users of a connector that also offers OAuth have nothing to refresh.
        ...(connector.refreshAccessToken && credentials.refreshToken
          ? {
              refreshAuthHeader: async (rejected?: string) => {
                // A request that went out before this session's last refresh and comes back
                // 401 takes the new header instead of refreshing again (Bullhorn rotates its
                // refresh token, so a second refresh would spend the new one).
                const current = connector.getAuthHeader(held.credentials);
                if (rejected !== undefined && rejected !== current) return current;
                held = await this.refresh(user, connector, held.stored);
                return connector.getAuthHeader(held.credentials);
              },
            }
          : {}),
      },
    };
  }

  /**
   * Refreshes a user's OAuth tokens. Concurrent callers for one user share one refresh,
   * and a caller whose `stale` credentials were already replaced gets the newer ones
   * without another call to the CRM.
   */
  private refresh(user: UserEntity, connector: CrmConnector, stale: string): Promise<HeldCredentials> {
    const inFlight = this.refreshes.get(user.id);
    if (inFlight) return inFlight;
    const refresh = (async () => {
      const current = await this.users.findById(user.id);
      if (!current?.credentials) {
        throw AppException.crmAuthorizationFailed(user.platform, 'This CRM connection was closed (logged out or revoked). Please connect to the CRM again.');
      }
      const credentials = this.decrypt(current);
      const replaced = current.credentials !== stale;
      const fresh = credentials.expiresAt === undefined || credentials.expiresAt - Date.now() >= REFRESH_MARGIN_MS;
      if (replaced && fresh) return { credentials, stored: current.credentials };
      if (!credentials.refreshToken || !connector.refreshAccessToken) {
        throw AppException.crmAuthorizationFailed(user.platform, 'The CRM session expired and cannot be renewed. Please connect to the CRM again.');
      }
      const tokens = await connector.refreshAccessToken({
        refreshToken: credentials.refreshToken,
        hostname: current.hostname,
      });
      const refreshed: CrmCredentials = {
        ...tokens,
        refreshToken: tokens.refreshToken ?? credentials.refreshToken,
      };
      const stored = this.cipher.encrypt(refreshed);
      await this.users.updateCredentials(user.id, stored);
      this.resolvedUsers.delete(user.id);
      this.logger.log(`Refreshed ${user.platform} tokens for ${user.id}`);
      return { credentials: refreshed, stored };
    })().finally(() => this.refreshes.delete(user.id));
    this.refreshes.set(user.id, refresh);
    return refresh;
  }

  private decrypt(user: UserEntity): CrmCredentials {
    // The session cache hands out one row object for a few seconds: decrypt it once.
    const known = this.decrypted.get(user);
    if (known && known.stored === user.credentials) return known.credentials;
    const credentials = user.credentials ? this.cipher.decrypt(user.credentials) : null;
    if (!credentials) {
      // Written under another server secret: the user must sign in again.
      throw AppException.sessionInvalid('Stored CRM credentials are unreadable: please log in again.');
    }
    this.decrypted.set(user, { stored: user.credentials!, credentials });
    return credentials;
  }

  private async completeLogin(
    connector: CrmConnector,
    userInfo: UserInfoResult,
    credentials: CrmCredentials,
    hostname?: string,
  ): Promise<LoginResult> {
    const info = userInfo.platformUserInfo;
    if (!userInfo.successful || !info) {
      throw new AppException(
        AppErrorCode.CrmLoginRejected,
        userInfo.returnMessage?.message ?? `${connector.manifest.displayName} rejected the login.`,
        { platform: connector.name },
      );
    }
    const user = await this.users.saveLogin({
      id: `${connector.name}-${info.id}`,
      platform: connector.name,
      crmUserId: String(info.id),
      name: info.name,
      hostname: hostname ?? null,
      timezone: normaliseTimezone(info.timezoneName, info.timezoneOffset),
      credentials: this.cipher.encrypt(credentials),
      platformAdditionalInfo: info.platformAdditionalInfo ?? null,
    });
    this.resolvedUsers.delete(user.id);
    this.logger.log(`User ${user.id} logged in to ${connector.name}`);
    return {
      jwtToken: this.tokens.issue({ sub: user.id, platform: user.platform, sv: user.sessionVersion }),
      name: user.name,
      returnMessage: userInfo.returnMessage ?? success('Connected successfully.'),
    };
  }
}

/**
 * Whether /apiKeyLogin must carry `apiKey`: yes unless the connector's sign-in page asks
 * for other fields only (they arrive in additionalInfo). No page: the key is all there is.
 */
export function needsApiKey(manifest: ConnectorManifest): boolean {
  const page = manifest.apiKeyPage;
  return !page || page.content.some((field) => field.const === 'apiKey');
}

/** A connector signs in with its authType and any additionalAuthTypes. */
export function supportsAuthType(manifest: ConnectorManifest, type: AuthType): boolean {
  return manifest.authType === type || (manifest.additionalAuthTypes ?? []).includes(type);
}

export function toConnectorUser(user: UserEntity): ConnectorUser {
  return {
    id: user.id,
    platform: user.platform,
    crmUserId: user.crmUserId,
    name: user.name,
    hostname: user.hostname,
    timezone: user.timezone,
    platformAdditionalInfo: user.platformAdditionalInfo,
  };
}
