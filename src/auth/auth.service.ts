import { Injectable, Logger } from '@nestjs/common';
import { AppErrorCode, AppException } from '../common/app.exception.js';
import { ReturnMessage, success } from '../common/return-message.js';
import { normaliseTimezone } from '../common/timezone.js';
import { ConnectorRegistry } from '../connectors/connector-registry.service.js';
import type {
  ConnectorUser,
  CrmConnector,
  CrmCredentials,
  UserInfoResult,
} from '../connectors/crm-connector.interface.js';
import type { UserEntity } from '../persistence/entities/user.entity.js';
import { UsersRepository } from '../persistence/repositories/users.repository.js';
import { CredentialCipher } from './credential-cipher.service.js';
import type { CrmSession } from './crm-session.js';
import { SessionTokenService } from './session-token.service.js';

export interface LoginResult {
  jwtToken: string;
  name: string;
  returnMessage: ReturnMessage;
}

/** Refresh OAuth tokens this long before they expire. */
const REFRESH_MARGIN_MS = 60_000;

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  /** One refresh in flight per user; concurrent requests wait for it. */
  private readonly refreshes = new Map<string, Promise<CrmCredentials>>();

  constructor(
    private readonly connectors: ConnectorRegistry,
    private readonly users: UsersRepository,
    private readonly cipher: CredentialCipher,
    private readonly tokens: SessionTokenService,
  ) {}

  async apiKeyLogin(params: {
    platform: string;
    apiKey?: string;
    hostname?: string;
    additionalInfo?: Record<string, unknown>;
  }): Promise<LoginResult> {
    const connector = this.connectors.get(params.platform);
    if (connector.manifest.authType !== 'apiKey') {
      throw AppException.invalidRequest(
        `Platform "${params.platform}" signs in with OAuth; use /oauth-callback instead of /apiKeyLogin.`,
        ['platform'],
      );
    }
    if (!params.apiKey) throw AppException.invalidRequest('apiKey is required', ['apiKey']);
    const userInfo = await connector.getUserInfo({
      apiKey: params.apiKey,
      hostname: params.hostname,
      additionalInfo: params.additionalInfo,
    });
    return this.completeLogin(connector, userInfo, { apiKey: params.apiKey }, params.hostname);
  }

  async oauthLogin(params: {
    platform: string;
    code: string;
    hostname?: string;
    redirectUri?: string;
  }): Promise<LoginResult> {
    const connector = this.connectors.get(params.platform);
    if (connector.manifest.authType !== 'oauth' || !connector.exchangeAuthorizationCode) {
      throw AppException.invalidRequest(`Platform "${params.platform}" does not sign in with OAuth.`, ['platform']);
    }
    const tokens = await connector.exchangeAuthorizationCode(params);
    const userInfo = await connector.getUserInfo({
      authHeader: connector.getAuthHeader(tokens),
      hostname: params.hostname,
    });
    return this.completeLogin(connector, userInfo, tokens, params.hostname);
  }

  async logout(session: CrmSession): Promise<void> {
    await session.connector.unAuthorize?.(session.context);
    await this.users.forgetCredentials(session.user.id);
    this.logger.log(`User ${session.user.id} logged out of ${session.user.platform}`);
  }

  /** Turns a verified JWT payload into a session, refreshing OAuth tokens about to expire. */
  async resolveSession(userId: string, sessionVersion: number): Promise<CrmSession> {
    const user = await this.users.findById(userId);
    if (!user || !user.credentials || user.sessionVersion !== sessionVersion) {
      throw AppException.sessionInvalid('Session revoked: please log in again.');
    }
    const connector = this.connectors.get(user.platform);
    let credentials = this.decrypt(user);
    if (credentials.expiresAt !== undefined && credentials.expiresAt - Date.now() < REFRESH_MARGIN_MS) {
      credentials = await this.refresh(user, connector);
    }
    return {
      user,
      connector,
      context: {
        user: toConnectorUser(user),
        authHeader: connector.getAuthHeader(credentials),
        ...(connector.refreshAccessToken
          ? {
              refreshAuthHeader: async () =>
                connector.getAuthHeader(await this.refresh(user, connector)),
            }
          : {}),
      },
    };
  }

  /** Refreshes a user's OAuth tokens; concurrent callers for one user share one refresh. */
  private refresh(user: UserEntity, connector: CrmConnector): Promise<CrmCredentials> {
    const inFlight = this.refreshes.get(user.id);
    if (inFlight) return inFlight;
    const refresh = (async () => {
      // Another request may have refreshed since this one loaded the user.
      const current = (await this.users.findById(user.id)) ?? user;
      const credentials = this.decrypt(current);
      if (credentials.expiresAt !== undefined && credentials.expiresAt - Date.now() >= REFRESH_MARGIN_MS
        && current.credentials !== user.credentials) {
        return credentials;
      }
      if (!credentials.refreshToken || !connector.refreshAccessToken) {
        throw AppException.crmAuthorizationFailed(user.platform, 'CRM session expired: please log in again.');
      }
      const tokens = await connector.refreshAccessToken({
        refreshToken: credentials.refreshToken,
        hostname: current.hostname,
      });
      const refreshed: CrmCredentials = {
        ...tokens,
        refreshToken: tokens.refreshToken ?? credentials.refreshToken,
      };
      const encrypted = this.cipher.encrypt(refreshed);
      await this.users.updateCredentials(user.id, encrypted);
      user.credentials = encrypted;
      this.logger.log(`Refreshed ${user.platform} tokens for ${user.id}`);
      return refreshed;
    })().finally(() => this.refreshes.delete(user.id));
    this.refreshes.set(user.id, refresh);
    return refresh;
  }

  private decrypt(user: UserEntity): CrmCredentials {
    const credentials = user.credentials ? this.cipher.decrypt(user.credentials) : null;
    if (!credentials) {
      // Written under another server secret: the user must sign in again.
      throw AppException.sessionInvalid('Stored CRM credentials are unreadable: please log in again.');
    }
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
    this.logger.log(`User ${user.id} logged in to ${connector.name}`);
    return {
      jwtToken: this.tokens.issue({ sub: user.id, platform: user.platform, sv: user.sessionVersion }),
      name: user.name,
      returnMessage: userInfo.returnMessage ?? success('Connected successfully.'),
    };
  }
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
