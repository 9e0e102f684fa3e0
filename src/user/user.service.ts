import { Injectable, Logger } from '@nestjs/common';
import { AppException } from '../common/app.exception.js';
import type { ReturnMessage } from '../common/return-message.js';
import type { UserSettings } from '../common/user-settings.js';
import { AuthService } from '../auth/auth.service.js';
import type { CrmSession } from '../auth/crm-session.js';
import { RingCentralIdHasher } from '../ringcentral/ringcentral-id-hasher.service.js';
import { RingCentralIdentityClient } from '../ringcentral/ringcentral-identity.client.js';
import { type SettingsUpdateOutcome, SettingsService } from '../settings/settings.service.js';

/** What a request says about the caller's RingCentral account. */
export interface AccountHints {
  rcAccessToken?: string;
  /** Hashed account id from the `rcAccountId` query or the `rc-account-id` header. */
  hashedAccountId?: string;
}

/** The routes of the extension's start-up: id hashes, the user's settings, the profile refresh. */
@Injectable()
export class UserService {
  private readonly logger = new Logger(UserService.name);

  constructor(
    private readonly hasher: RingCentralIdHasher,
    private readonly identity: RingCentralIdentityClient,
    private readonly settings: SettingsService,
    private readonly auth: AuthService,
  ) {}

  hashes(ids: { extensionId?: string; accountId?: string }): { extensionId?: string; accountId?: string } {
    if (!ids.extensionId && !ids.accountId) {
      throw AppException.invalidRequest('Send extensionId, accountId or both to hash.', ['extensionId', 'accountId']);
    }
    return {
      ...(ids.extensionId ? { extensionId: this.hasher.hash(ids.extensionId) } : {}),
      ...(ids.accountId ? { accountId: this.hasher.hash(ids.accountId) } : {}),
    };
  }

  async settingsFor(session: CrmSession, hints: AccountHints): Promise<UserSettings> {
    const account = await this.account(hints);
    const user = await this.settings.rememberAccount(session.user, account?.hashedAccountId, account?.confirmed ?? false);
    return this.settings.effectiveFor(user);
  }

  async updateSettings(
    session: CrmSession,
    change: { userSettings?: UserSettings; settingKeysToRemove?: string[] },
  ): Promise<SettingsUpdateOutcome> {
    return this.settings.update(session, change);
  }

  /** Before a CRM login: the account admin's user settings, or nothing when none are known. */
  async preloadSettings(hints: AccountHints): Promise<{ userSettings?: UserSettings }> {
    const account = await this.account(hints);
    if (!account) return {};
    const userSettings = await this.settings.accountUserSettings(account.hashedAccountId);
    return Object.keys(userSettings).length ? { userSettings } : {};
  }

  refreshInfo(session: CrmSession): Promise<{ successful: boolean; returnMessage: ReturnMessage }> {
    return this.auth.refreshUserInfo(session);
  }

  /**
   * The account a RingCentral token confirms, else the hashed id the client states. These
   * routes run in the extension's start-up chain, which has no error handling, so a
   * RingCentral failure falls back instead of failing the request.
   */
  private async account(hints: AccountHints): Promise<{ hashedAccountId: string; confirmed: boolean } | undefined> {
    if (hints.rcAccessToken) {
      try {
        const identity = await this.identity.identify(hints.rcAccessToken);
        return { hashedAccountId: identity.hashedAccountId, confirmed: true };
      } catch (error) {
        this.logger.warn(`Could not confirm the RingCentral account: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return hints.hashedAccountId ? { hashedAccountId: hints.hashedAccountId, confirmed: false } : undefined;
  }
}
